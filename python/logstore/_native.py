"""liblogstore.so through ctypes: where it is found, and the prototypes of ``logstore.h``.

ctypes releases the GIL around every call into the library, so threads run store calls in
parallel; the library itself is thread-safe.
"""

from __future__ import annotations

import ctypes
import os
from ctypes import POINTER, c_char_p, c_double, c_int, c_int64, c_size_t, c_uint8, c_void_p
from pathlib import Path

from .errors import BY_CODE, Error

LIBRARY_NAME = "liblogstore.so"


def _find() -> str:
    """``$LOGSTORE_LIBRARY``, else the copy installed inside this package."""
    explicit = os.environ.get("LOGSTORE_LIBRARY")
    if explicit:
        return explicit
    bundled = Path(__file__).with_name(LIBRARY_NAME)
    if bundled.exists():
        return str(bundled)
    raise ImportError(
        f"{LIBRARY_NAME} is not installed next to {__file__}; reinstall the package "
        "(pip install ./python builds it with Swift) or set LOGSTORE_LIBRARY to its path")


lib = ctypes.CDLL(_find())

_P = c_void_p
_OUT = POINTER(c_void_p)
_LEN = POINTER(c_size_t)

_PROTOTYPES: dict[str, tuple[object, list[object]]] = {
    "logstore_last_error_code": (c_int, []),
    "logstore_last_error_message": (c_char_p, []),
    "logstore_free": (None, [c_void_p]),
    "logstore_open": (_P, [c_char_p, c_int, c_char_p]),
    "logstore_close": (None, [_P]),
    "logstore_last_epoch": (c_int64, [_P]),
    "logstore_apply": (c_int64, [_P, c_char_p, c_char_p, c_size_t, POINTER(c_int), _OUT, _LEN]),
    "logstore_export_env": (c_int, [_P, c_char_p, c_size_t, c_int64, _OUT, _LEN]),
    "logstore_export_window": (c_int, [_P, c_char_p, c_size_t, c_char_p, c_size_t, c_int64, c_int64, _OUT, _LEN]),
    "logstore_export_since": (c_int, [_P, c_char_p, c_size_t, c_int64, _OUT, _LEN]),
    "logstore_list_envs": (c_int, [_P, c_int64, _OUT, _LEN]),
    "logstore_list_windows": (c_int, [_P, c_char_p, c_size_t, c_int64, _OUT, _LEN]),
    "logstore_log": (c_int, [_P, c_char_p, c_size_t, c_int64, c_int64, _OUT, _LEN]),
    "logstore_fork": (c_int64, [_P, c_char_p, c_size_t, c_char_p, c_size_t, c_int64]),
    "logstore_compact": (c_int, [_P, c_int64, c_int64, c_int64, _OUT, _LEN]),
    "logstore_check": (c_int, [_P, _OUT, _LEN]),
    "logstore_traces_read": (_P, [_P, c_char_p, c_size_t, c_char_p, c_size_t, c_int64]),
    "logstore_traces_count": (c_size_t, [_P]),
    "logstore_traces_name": (c_void_p, [_P, c_size_t, _LEN]),
    "logstore_traces_column": (c_int64, [_P, c_size_t, c_int, POINTER(POINTER(c_double)), POINTER(POINTER(c_uint8))]),
    "logstore_traces_free": (None, [_P]),
}

for _name, (_restype, _argtypes) in _PROTOTYPES.items():
    _function = getattr(lib, _name)
    _function.restype = _restype
    _function.argtypes = _argtypes


def raise_last_error() -> None:
    """Raises the calling thread's last error as its ``logstore.Error`` subclass."""
    code = lib.logstore_last_error_code()
    message = (lib.logstore_last_error_message() or b"").decode("utf-8", "surrogateescape")
    raise BY_CODE.get(code, Error)(message, code)


def take_buffer(call: object, *args: object) -> bytes:
    """Calls a function of ``logstore.h`` that fills ``char **out, size_t *out_len``; returns
    the bytes and frees the library's buffer."""
    out = c_void_p()
    length = c_size_t()
    status = call(*args, ctypes.byref(out), ctypes.byref(length))  # type: ignore[operator]
    if status != 0:
        raise_last_error()
    try:
        return ctypes.string_at(out.value, length.value)
    finally:
        lib.logstore_free(out)
