"""Bad input raises a logstore.Error subclass with the core's one-line message, and changes
nothing."""

from __future__ import annotations

from pathlib import Path

import pytest

import logstore


def make(path: Path) -> None:
    with logstore.Store(path) as s:
        s.apply("events", {"eid": "main", "win": "w", "data": [{"x": [0], "y": [1], "type": "scatter"}], "layout": {}, "opts": {}})


def test_a_closed_store(tmp_path: Path) -> None:
    s = logstore.Store(tmp_path / "s.db")
    s.close()
    s.close()  # idempotent
    for call in (s.envs, lambda: s.traces("main", "w"), lambda: s.apply("events", {}), lambda: s.window("main", "w"), s.check):
        with pytest.raises(logstore.ClosedError, match="the store is closed"):
            call()


def test_a_missing_env_or_window(tmp_path: Path) -> None:
    make(tmp_path / "s.db")
    with logstore.Store(tmp_path / "s.db", readonly=True) as s:
        with pytest.raises(logstore.NoSuchEnvError, match="^no env named 'nope'$") as e:
            s.window("nope", "w")
        assert e.value.code == 3 and isinstance(e.value, LookupError)
        with pytest.raises(logstore.NoSuchEnvError):
            s.traces("nope", "w")
        with pytest.raises(logstore.NoSuchEnvError):
            s.windows("nope")
        with pytest.raises(logstore.NoSuchWindowError, match="^no window 'x' in env 'main'$"):
            s.traces("main", "x")
        with pytest.raises(logstore.NoSuchEpochError, match="no epoch 99 in this store"):
            s.window("main", "w", as_of=99)
        with pytest.raises(logstore.ArgumentError):
            s.window("main", "w", as_of=-1)


def test_a_file_that_is_not_a_store_is_left_untouched(tmp_path: Path) -> None:
    path = tmp_path / "notes.txt"
    content = b"not a database, just some notes that must stay exactly as they are\n" * 20
    path.write_bytes(content)
    for readonly in (False, True):
        with pytest.raises(logstore.NotAStoreError, match="not a LogStore store"):
            logstore.Store(path, readonly=readonly)
    assert path.read_bytes() == content
    assert sorted(p.name for p in tmp_path.iterdir()) == ["notes.txt"]


def test_a_missing_file_read_only(tmp_path: Path) -> None:
    with pytest.raises(logstore.StoreIOError, match="no such file"):
        logstore.Store(tmp_path / "missing.db", readonly=True)
    assert not (tmp_path / "missing.db").exists()


def test_writes_to_a_read_only_store(tmp_path: Path) -> None:
    make(tmp_path / "s.db")
    with logstore.Store(tmp_path / "s.db", readonly=True) as s:
        with pytest.raises(logstore.ReadOnlyError, match="read-only"):
            s.apply("close", {"eid": "main", "win": "w"})
        with pytest.raises(logstore.ReadOnlyError):
            s.fork("main", "copy")
        assert s.windows("main") == ["w"]


def test_bad_messages(tmp_path: Path) -> None:
    make(tmp_path / "s.db")
    with logstore.Store(tmp_path / "s.db") as s:
        with pytest.raises(logstore.BadInputError):
            s.apply("events", b'{"eid": ')
        with pytest.raises(logstore.ArgumentError, match="unknown endpoint"):
            s.apply("nope", {})
        with pytest.raises(logstore.ArgumentError, match="durability"):
            logstore.Store(tmp_path / "t.db", durability="sometimes")
        # visdom's own refusal is an answer, not an error: it is an epoch, as on the server
        applied = s.apply("update", {"eid": "main", "win": "nowhere", "append": True, "data": [{"x": [1], "y": [1]}]})
        assert applied.status != "ok" and applied.epoch == 2
        assert s.log(limit=1)[0]["status"] == applied.status
        assert s.check() == []
