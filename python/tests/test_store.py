"""The rest of Store's API: listings, the log, changes, fork, compact, check, pandas."""

from __future__ import annotations

import json
import math
import sqlite3
import time
from datetime import datetime, timedelta, timezone
from pathlib import Path

import numpy as np
import pytest

import logstore
from conftest import optional, run_cli, same_json


def line(win: str, x: list, y: list, name: str = "a") -> dict:
    return {"eid": "main", "win": win, "data": [{"x": x, "y": y, "name": name, "type": "scatter", "mode": "lines"}],
            "layout": {"title": win}, "opts": {"title": win}}


def append(win: str, x: list, y: list) -> dict:
    return {"eid": "main", "win": win, "append": True, "data": [{"x": x, "y": y}]}


def test_listings_and_the_log_match_the_cli(tmp_path: Path, cli: Path) -> None:
    db = tmp_path / "s.db"
    with logstore.Store(db, durability="full") as s:
        assert s.envs() == ["main"] and s.last_epoch == 0
        s.apply("events", line("loss", [0, 1], [2.0, 1.0]))
        s.apply("events", {**line("acc", [0], [0.5]), "eid": "run2"})
        s.apply("update", append("loss", [2], [0.5]))
        assert s.last_epoch == 3
        assert s.envs() == ["main", "run2"]
        assert s.windows("main") == ["loss"]
        cli_envs = [json.loads(l) for l in run_cli(cli, db, "ls", "--json").splitlines()]
        assert s.env_summaries() == cli_envs
        cli_windows = [json.loads(l) for l in run_cli(cli, db, "ls", "--env", "main", "--json").splitlines()]
        assert s.window_summaries("main") == cli_windows
        log = s.log()
        cli_log = [json.loads(l) for l in run_cli(cli, db, "log", "--json").splitlines()]
        assert [r["epoch"] for r in log] == [r["epoch"] for r in cli_log] == [3, 2, 1, 0]
        for mine, theirs in zip(log, cli_log):
            for key in ("source", "endpoint", "env", "window", "status", "detail"):
                assert mine[key] == theirs[key]
            assert isinstance(mine["time"], datetime) and mine["time"].tzinfo == timezone.utc
        assert [r["epoch"] for r in s.log(since=1)] == [3, 2]
        assert [r["epoch"] for r in s.log(env="run2")] == [2]
        assert [r["epoch"] for r in s.log(limit=1)] == [3]
        assert s.envs(as_of=1) == ["main"]


def test_changes_fork_compact_check(tmp_path: Path, cli: Path) -> None:
    db = tmp_path / "s.db"
    with logstore.Store(db) as s:
        s.apply("events", line("loss", [0], [1.0]))
        s.apply("update", append("loss", [1], [math.nan]))
        changes = s.changes("main", since=1)
        same_json(changes, json.loads(run_cli(cli, db, "export", "--env", "main", "--since", "1")))
        assert changes["windows"]["loss"]["append"][1]["path"] == ["content", "data", 0, "y"]
        epoch = s.fork("main", "before", as_of=1)
        assert epoch == 3
        assert s.traces("before", "loss")[0].y.tolist() == [1.0]
        # No argument: sealed, all history kept, as `logstore compact` does.
        sealed = s.compact()
        assert sealed["before"] is None and sealed["rows_deleted"] == 0 and sealed["segments_merged"] == 0
        assert s.window("main", "loss", as_of=1)["content"]["data"][0]["y"] == [1.0]
        report = s.compact(before=3)
        assert report["before"] == 3 and set(report) == {"before", "rows_deleted", "segments_merged", "blocks_rewritten",
                                                "epochs_compacted", "segments_sealed", "blocks_written",
                                                "epochs_sealed", "epoch_runs_written",
                                                "bytes_before", "bytes_after"}
        try:
            s.window("main", "loss", as_of=1)
        except logstore.CompactedError as e:
            assert "compacted" in str(e)
        else:
            raise AssertionError("a read before the compaction point must fail")
        assert s.check() == []
        assert run_cli(cli, db, "check") == b"ok\n"


def test_to_pandas(tmp_path: Path) -> None:
    pd = optional("pandas")
    with logstore.Store(tmp_path / "s.db") as s:
        s.apply("events", {"eid": "main", "win": "w", "data": [
            {"x": [0, 1, 2], "y": [1.0, None, math.nan], "name": "train", "type": "scatter"},
            {"x": [0, 1], "y": [5, 6], "name": "val", "type": "scatter"}], "layout": {}, "opts": {}})
        df = s.to_pandas("main", "w")
    assert isinstance(df, pd.DataFrame)
    assert list(df.columns) == ["trace", "name", "index", "x", "y", "x_null", "y_null"]
    assert df["name"].tolist() == ["train"] * 3 + ["val"] * 2
    assert df["trace"].tolist() == [0, 0, 0, 1, 1] and df["index"].tolist() == [0, 1, 2, 0, 1]
    assert df["y_null"].tolist() == [False, True, False, False, False]
    assert np.isnan(df["y"][1]) and np.isnan(df["y"][2]) and df["y"][4] == 6.0


def test_compact_drops_history_only_when_told(tmp_path: Path, cli: Path) -> None:
    db = tmp_path / "s.db"
    with logstore.Store(db) as s:
        s.apply("events", line("loss", [0], [1.0]))
        for i in range(1, 5):
            s.apply("update", append("loss", [i], [float(i)]))
        with pytest.raises(logstore.ArgumentError, match="before and keep_last"):
            s.compact(2, keep_last=1)
        for bad in ({"keep_last": 0}, {"keep_last": True}, {"older_than": -1}, {"older_than": "30d"}):
            with pytest.raises(logstore.ArgumentError):
                s.compact(**bad)  # type: ignore[arg-type]
        assert s.compact()["before"] is None
        # Every epoch, the store's creation (epoch 0) included, is younger than a year.
        assert s.compact(older_than=timedelta(days=365))["before"] == 0
        assert s.window("main", "loss", as_of=1)["content"]["data"][0]["y"] == [1.0]
        for i in range(5, 10):
            s.apply("update", append("loss", [i], [float(i)]))
        report = s.compact(keep_last=2)
        assert report["before"] == 9 and report["segments_merged"] > 0, report
        assert s.window("main", "loss", as_of=9)["content"]["data"][0]["y"] == [1.0, *map(float, range(1, 9))]
        with pytest.raises(logstore.CompactedError):
            s.window("main", "loss", as_of=8)
        time.sleep(0.01)
        assert s.compact(older_than=0)["before"] == 10, "no epoch is younger than 0 s: all but the newest go"
    assert run_cli(cli, db, "check") == b"ok\n"


def test_compacting_a_sealed_store_says_how_much_history_it_dropped(tmp_path: Path) -> None:
    db = tmp_path / "s.db"
    with logstore.Store(db) as s:
        s.apply("events", line("loss", [0], [1.0]))
        for i in range(1, 20):
            s.apply("update", append("loss", [i], [float(i)]))
        s.compact()  # sealed: the blocks keep every epoch's segment
        with sqlite3.connect(db) as c:
            rows, = c.execute("SELECT count(*) FROM epoch WHERE epoch < 20").fetchone()
            sealed, = c.execute("SELECT coalesce(sum(min(last_epoch, 19) - first_epoch + 1), 0) FROM epoch_run"
                                " WHERE first_epoch < 20").fetchone()
            epochs = rows + sealed
            blocks, segments = c.execute("SELECT count(*), sum(last_seq - first_seq + 1) FROM block").fetchone()
        report = s.compact(keep_last=1)
        with sqlite3.connect(db) as c:
            after = c.execute("SELECT last_seq - first_seq + 1 FROM block").fetchall()
        assert report["before"] == 20 and report["rows_deleted"] == 0, report
        # All history up to epoch 20 goes: each block (x and y) now records one merged segment.
        assert blocks == 2 and segments == 40 and epochs == 20
        assert (report["epochs_compacted"], report["segments_merged"], report["blocks_rewritten"]) == (20, 40, 2)
        assert after == [(1,), (1,)]
        again = s.compact(keep_last=1)
        assert (again["epochs_compacted"], again["segments_merged"], again["blocks_rewritten"]) == (0, 0, 0)
