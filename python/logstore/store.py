"""``Store``: a LogStore store opened from Python."""

from __future__ import annotations

import ctypes
import os
import json
import re
import threading
from ctypes import POINTER, c_double, c_int, c_size_t, c_uint8, c_void_p
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from typing import Any, NamedTuple, Optional, Union

import numpy as np

from . import _native
from ._native import lib, raise_last_error, take_buffer
from .errors import ArgumentError, ClosedError

#: What a value of a trace was (``Trace.x_kind``, ``Trace.y_kind``), as ``logstore.h`` says.
FLOAT, INT, NULL, OTHER = 0, 1, 2, 3

#: The endpoints ``Store.apply`` takes: visdom 0.2.4's requests that change state.
ENDPOINTS = ("events", "update", "close", "delete_env", "fork_env", "win_data", "env")

_SURROGATE = re.compile("[\ud800-\udfff]")


def _name(s: str) -> tuple[bytes, int]:
    """An env or window name as the library takes it: UTF-8, with a lone surrogate (which
    Python strings, and visdom, may hold) mapped as the core maps it when it reads JSON."""
    if not isinstance(s, str):
        raise TypeError(f"a name must be a str, not {type(s).__name__}")
    b = _SURROGATE.sub(lambda m: chr(ord(m.group()) + 0x100000), s).encode("utf-8")
    return b, len(b)


def _epoch(value: Optional[int], what: str) -> int:
    if value is None:
        return -1
    if isinstance(value, bool) or not isinstance(value, (int, np.integer)) or value < 0:
        raise ArgumentError(f"{what} must be an epoch (an int >= 0), not {value!r}")
    return int(value)


def _loads(data: bytes) -> Any:
    # Python's json reads NaN/Infinity tokens, keeps ints as ints and floats bit for bit.
    return json.loads(data)


@dataclass(frozen=True)
class Trace:
    """One trace of a plot window (an object of its ``content.data``).

    ``x`` and ``y`` are float64 arrays, bit-exact: NaN (its payload too), +-Infinity and -0.0
    are kept; ints are widened to float64 (exact up to 2**53). A value that is not a number
    (null, or a string, bool, list) is NaN in ``x``/``y``; ``x_kind``/``y_kind`` (uint8,
    ``FLOAT``, ``INT``, ``NULL``, ``OTHER``) tell every value apart, so a NaN that was
    logged is never confused with a null. ``x``/``y`` is None when the trace has no such list.
    When every value of ``x`` (``y``) is a float, ``x_kind`` (``y_kind``) is a read-only array.
    """

    name: Any
    x: Optional[np.ndarray]
    y: Optional[np.ndarray]
    x_kind: Optional[np.ndarray]
    y_kind: Optional[np.ndarray]

    @property
    def x_mask(self) -> Optional[np.ndarray]:
        """True where x held no number (null or another non-number)."""
        return None if self.x_kind is None else self.x_kind >= NULL

    @property
    def y_mask(self) -> Optional[np.ndarray]:
        """True where y held no number (null or another non-number)."""
        return None if self.y_kind is None else self.y_kind >= NULL

    def masked(self, axis: str = "y") -> np.ma.MaskedArray:
        """``x`` or ``y`` as a masked array whose non-numbers (nulls) are masked; NaN stays a
        value."""
        values, mask = (self.x, self.x_mask) if axis == "x" else (self.y, self.y_mask)
        if values is None:
            raise ValueError(f"trace {self.name!r} has no {axis}")
        return np.ma.masked_array(values, mask=mask)


class Applied(NamedTuple):
    """A message the store accepted: its epoch and what visdom would have answered."""

    epoch: int
    #: "ok", "refused" (visdom answered with a refusal and changed nothing) or "failed"
    #: (visdom raised; what it changed before raising is kept, as visdom keeps it).
    status: str
    #: visdom's answer body (a window id, "true", ...), the refusal, or the Python exception.
    answer: str


class Store:
    """A LogStore store (one SQLite file), opened or created.

    ``Store(path)`` creates the store if the file does not exist (unless ``readonly``). A file
    that is not a store raises ``NotAStoreError`` and is left untouched. ``durability`` is
    "normal" (an accepted message survives a crash of the process) or "full" (also a power
    loss). Use it as a context manager, or call ``close()``.

    Every method may be called from several threads at once; the GIL is released while the
    library works, reads never block the writer, and concurrent writes are group-committed.
    """

    def __init__(self, path: Union[str, "os.PathLike[str]"], readonly: bool = False, durability: str = "normal") -> None:
        if durability not in ("normal", "full"):
            raise ArgumentError(f"durability must be 'normal' or 'full', not {durability!r}")
        self.path = str(path)
        self.readonly = bool(readonly)
        self._lock = threading.Condition()
        self._calls = 0
        self._closed = False
        handle = lib.logstore_open(self.path.encode("utf-8", "surrogateescape"), int(self.readonly), durability.encode())
        if not handle:
            raise_last_error()
        self._handle: int = handle
        self._close = lib.logstore_close  # still reachable while the interpreter shuts down

    # --- lifetime -------------------------------------------------------------------------

    def close(self) -> None:
        """Waits for calls in flight on other threads, then closes the store. Idempotent."""
        with self._lock:
            if self._closed:
                return
            self._closed = True
            while self._calls:
                self._lock.wait()
        self._close(self._handle)

    def __enter__(self) -> "Store":
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def __del__(self) -> None:
        if getattr(self, "_handle", None) and not getattr(self, "_closed", True):
            self.close()

    def __repr__(self) -> str:
        state = "closed" if self._closed else ("read-only" if self.readonly else "open")
        return f"<logstore.Store {self.path!r} {state}>"

    class _Call:
        """Marks a call in flight, so that close() waits for it."""

        def __init__(self, store: "Store") -> None:
            self.store = store

        def __enter__(self) -> int:
            s = self.store
            with s._lock:
                if s._closed:
                    raise ClosedError(f"{s.path}: the store is closed")
                s._calls += 1
            return s._handle

        def __exit__(self, *exc: object) -> None:
            s = self.store
            with s._lock:
                s._calls -= 1
                if s._calls == 0:
                    s._lock.notify_all()

    def _call(self) -> "Store._Call":
        return Store._Call(self)

    # --- reading --------------------------------------------------------------------------

    @property
    def last_epoch(self) -> int:
        """The newest committed epoch (0 for a new store)."""
        with self._call() as h:
            epoch = lib.logstore_last_epoch(h)
        if epoch < 0:
            raise_last_error()
        return int(epoch)

    def envs(self, as_of: Optional[int] = None) -> list[str]:
        """The names of the envs, sorted."""
        return [e["env"] for e in self.env_summaries(as_of)]

    def env_summaries(self, as_of: Optional[int] = None) -> list[dict[str, Any]]:
        """The envs as ``logstore ls --json`` lists them: env, windows, points, bytes, last_epoch."""
        with self._call() as h:
            return _loads(take_buffer(lib.logstore_list_envs, h, _epoch(as_of, "as_of")))

    def windows(self, env: str, as_of: Optional[int] = None) -> list[str]:
        """The window ids of ``env``, in visdom's order."""
        return [w["id"] for w in self.window_summaries(env, as_of)]

    def window_summaries(self, env: str, as_of: Optional[int] = None) -> list[dict[str, Any]]:
        """The windows of ``env`` as ``logstore ls --env ENV --json`` lists them: id, type,
        title, traces, points, last_epoch."""
        e, n = _name(env)
        with self._call() as h:
            return _loads(take_buffer(lib.logstore_list_windows, h, e, n, _epoch(as_of, "as_of")))

    def window_json(self, env: str, win: str, as_of: Optional[int] = None, max_points: Optional[int] = None) -> bytes:
        """Window ``win`` of ``env`` as the bytes ``logstore export --window`` prints (without
        the final newline): visdom's JSON, with NaN/Infinity as Python's tokens.
        ``max_points`` downsamples each trace, keeping its first and last point, every NaN,
        Infinity and null, and each bucket's minimum and maximum."""
        e, n = _name(env)
        w, m = _name(win)
        if max_points is not None and (isinstance(max_points, bool) or not isinstance(max_points, int) or max_points < 1):
            raise ArgumentError(f"max_points must be an int >= 1, not {max_points!r}")
        with self._call() as h:
            return take_buffer(lib.logstore_export_window, h, e, n, w, m, _epoch(as_of, "as_of"), max_points or 0)

    def window(self, env: str, win: str, as_of: Optional[int] = None, max_points: Optional[int] = None) -> dict[str, Any]:
        """Window ``win`` of ``env`` as visdom holds it (the dict of ``jsons[win]``), as of
        epoch ``as_of`` (None: now). See ``window_json``."""
        return _loads(self.window_json(env, win, as_of, max_points))

    def env_json(self, env: str, as_of: Optional[int] = None) -> bytes:
        """``env`` as the file visdom saves (``logstore export --env ENV``), as bytes."""
        e, n = _name(env)
        with self._call() as h:
            return take_buffer(lib.logstore_export_env, h, e, n, _epoch(as_of, "as_of"))

    def env(self, env: str, as_of: Optional[int] = None) -> dict[str, Any]:
        """``env`` as visdom saves it: ``{"jsons": {win: window, ...}, "reload": {...}}``."""
        return _loads(self.env_json(env, as_of))

    def changes(self, env: str, since: int) -> dict[str, Any]:
        """What changed in ``env`` after epoch ``since`` (``logstore export --since``)."""
        e, n = _name(env)
        with self._call() as h:
            return _loads(take_buffer(lib.logstore_export_since, h, e, n, _epoch(since, "since")))

    def traces(self, env: str, win: str, as_of: Optional[int] = None) -> list[Trace]:
        """The traces of plot window ``win`` (the objects of its ``content.data``) with their
        ``x`` and ``y`` as numpy arrays, read without JSON and without a copy: the arrays
        use the library's buffers, freed when the last of them is. See ``Trace``."""
        e, n = _name(env)
        w, m = _name(win)
        with self._call() as h:
            t = lib.logstore_traces_read(h, e, n, w, m, _epoch(as_of, "as_of"))
        if not t:
            raise_last_error()
        owner = _TracesBuffer(t)
        out = []
        for i in range(lib.logstore_traces_count(t)):
            length = c_size_t()
            name_ptr = lib.logstore_traces_name(t, i, ctypes.byref(length))
            name = _loads(ctypes.string_at(name_ptr, length.value)) if name_ptr else None
            x, xk = _column(owner, i, 0)
            y, yk = _column(owner, i, 1)
            out.append(Trace(name=name, x=x, y=y, x_kind=xk, y_kind=yk))
        return out

    def to_pandas(self, env: str, win: str, as_of: Optional[int] = None) -> "pandas.DataFrame":  # noqa: F821
        """The window's points as a pandas DataFrame, one row per point: ``trace`` (its index in
        the window), ``name``, ``index`` (the point's index in its trace), ``x``, ``y``
        (float64; a null is NaN there and True in ``y_null``/``x_null``). Needs pandas."""
        import pandas as pd

        frames = []
        for i, t in enumerate(self.traces(env, win, as_of)):
            ny = 0 if t.y is None else len(t.y)
            nx = 0 if t.x is None else len(t.x)
            count = max(nx, ny)
            def pad(a: Optional[np.ndarray], fill: Any, dtype: Any) -> np.ndarray:
                full = np.full(count, fill, dtype=dtype)
                if a is not None:
                    full[: len(a)] = a
                return full
            frames.append(pd.DataFrame({
                "trace": np.full(count, i, dtype=np.int64),
                "name": [t.name] * count,
                "index": np.arange(count, dtype=np.int64),
                "x": pad(t.x, np.nan, np.float64),
                "y": pad(t.y, np.nan, np.float64),
                "x_null": pad(None if t.x_kind is None else t.x_kind == NULL, t.x is None, bool),
                "y_null": pad(None if t.y_kind is None else t.y_kind == NULL, t.y is None, bool),
            }))
        if not frames:
            return pd.DataFrame({"trace": [], "name": [], "index": [], "x": [], "y": [], "x_null": [], "y_null": []})
        return pd.concat(frames, ignore_index=True)

    def log(self, since: Optional[int] = None, env: Optional[str] = None, limit: Optional[int] = None) -> list[dict[str, Any]]:
        """The epochs after ``since`` (all by default), newest first, as ``logstore log
        --json`` shows them: epoch, time (a UTC datetime), time_ms, source, endpoint, env,
        window, status, detail."""
        if limit is not None and (not isinstance(limit, int) or limit < 1):
            raise ArgumentError(f"limit must be an int >= 1, not {limit!r}")
        e, n = _name(env) if env is not None else (None, 0)
        with self._call() as h:
            rows = _loads(take_buffer(lib.logstore_log, h, e, n, _epoch(since, "since"), limit or 0))
        for r in rows:
            r["time"] = datetime.fromtimestamp(r["time_ms"] / 1000, tz=timezone.utc)
        return rows

    def check(self) -> list[str]:
        """Verifies the store (SQLite's integrity and LogStore's invariants); returns the
        problems found, [] when it is sound."""
        with self._call() as h:
            return _loads(take_buffer(lib.logstore_check, h))

    # --- writing --------------------------------------------------------------------------

    def apply(self, endpoint: str, message: Union[dict[str, Any], str, bytes]) -> Applied:
        """Applies one visdom request (``endpoint`` as in ``ENDPOINTS``; ``message`` its JSON
        body, as a dict or as JSON text) as one epoch, durable when this returns, exactly as
        visdom 0.2.4's server would. NaN and Infinity are kept."""
        if endpoint not in ENDPOINTS:
            raise ArgumentError(f"unknown endpoint {endpoint!r} (expected one of {', '.join(ENDPOINTS)})")
        if isinstance(message, (bytes, bytearray)):
            body = bytes(message)
        elif isinstance(message, str):
            body = message.encode("utf-8", "surrogatepass")
        else:
            body = json.dumps(message).encode("ascii")
        status = c_int()
        answer = c_void_p()
        length = c_size_t()
        with self._call() as h:
            epoch = lib.logstore_apply(h, endpoint.encode(), body, len(body), ctypes.byref(status),
                                       ctypes.byref(answer), ctypes.byref(length))
        if epoch < 0:
            raise_last_error()
        try:
            text = ctypes.string_at(answer.value, length.value).decode("utf-8", "surrogateescape")
        finally:
            lib.logstore_free(answer)
        return Applied(int(epoch), ("ok", "refused", "failed")[status.value], text)

    def fork(self, env: str, to: str, as_of: Optional[int] = None) -> int:
        """visdom's fork_env: copies ``env`` (as of ``as_of``) to ``to``; returns the epoch."""
        e, n = _name(env)
        t, m = _name(to)
        with self._call() as h:
            epoch = lib.logstore_fork(h, e, n, t, m, _epoch(as_of, "as_of"))
        if epoch < 0:
            raise_last_error()
        return int(epoch)

    def compact(
        self,
        before: Optional[int] = None,
        *,
        keep_last: Optional[int] = None,
        older_than: Union[timedelta, float, None] = None,
    ) -> dict[str, Optional[int]]:
        """``logstore compact``: seals series into blocks and reclaims space. With no argument
        all history is kept: every read, as of every epoch, returns what it did before.
        Given one of ``before`` (an epoch), ``keep_last`` (the last N epochs keep their
        history) or ``older_than`` (a ``timedelta`` or seconds: the history of epochs written
        earlier than that goes), it first drops the history before that epoch; reads as of
        earlier epochs raise ``CompactedError`` afterwards. Returns before (None when all
        history was kept), rows_deleted, segments_merged, blocks_rewritten, epochs_compacted,
        segments_sealed, blocks_written, epochs_sealed, epoch_runs_written, bytes_before, bytes_after (docs/FORMAT.md, "Compaction
        and sealing", says what each counts)."""
        if keep_last is not None and (
            isinstance(keep_last, bool) or not isinstance(keep_last, (int, np.integer)) or keep_last < 1
        ):
            raise ArgumentError(f"keep_last must be an int >= 1, not {keep_last!r}")
        older_ms = -1
        if older_than is not None:
            seconds = older_than.total_seconds() if isinstance(older_than, timedelta) else older_than
            if isinstance(seconds, bool) or not isinstance(seconds, (int, float, np.integer, np.floating)) or not (
                0 <= seconds < 2**53 / 1000
            ):
                raise ArgumentError(f"older_than must be a timedelta or seconds >= 0, not {older_than!r}")
            older_ms = int(seconds * 1000)
        with self._call() as h:
            return _loads(take_buffer(
                lib.logstore_compact, h, _epoch(before, "before"),
                -1 if keep_last is None else int(keep_last), older_ms))


class _TracesBuffer:
    """Owns a ``logstore_traces``: the arrays ``Store.traces`` returns point into its memory
    (no copy) and keep this object alive; the last one to go frees it."""

    def __init__(self, handle: int) -> None:
        self.handle = handle
        self._free = lib.logstore_traces_free  # still reachable while the interpreter shuts down

    def __del__(self) -> None:
        self._free(self.handle)


def _view(owner: _TracesBuffer, pointer: object, ctype: object, n: int, dtype: object) -> np.ndarray:
    """An array over the library's n values at ``pointer``, keeping ``owner`` alive."""
    buffer = (ctype * n).from_address(ctypes.addressof(pointer.contents))  # type: ignore[operator, attr-defined]
    buffer._owner = owner
    return np.frombuffer(buffer, dtype=dtype)


def _column(owner: _TracesBuffer, i: int, axis: int) -> tuple[Optional[np.ndarray], Optional[np.ndarray]]:
    """Trace i's x (axis 0) or y (axis 1) and its kinds, as arrays over the library's memory."""
    values = POINTER(c_double)()
    kinds = POINTER(c_uint8)()
    n = lib.logstore_traces_column(owner.handle, i, axis, ctypes.byref(values), ctypes.byref(kinds))
    if n < 0:
        return None, None
    if n == 0:
        return np.empty(0, dtype=np.float64), np.empty(0, dtype=np.uint8)
    x = _view(owner, values, c_double, n, np.float64)
    # A column of floats only has no kinds in the library: all FLOAT, as a read-only view of
    # one byte rather than n bytes to allocate and zero.
    k = _view(owner, kinds, c_uint8, n, np.uint8) if kinds else np.broadcast_to(np.uint8(FLOAT), n)
    return x, k
