"""The package against `logstore export` on every recorded scenario in Tests/Fixtures: the
same bytes for every env and window, the same dicts, and traces equal to the JSON's lists."""

from __future__ import annotations

import json
import math
import struct
from pathlib import Path

import pytest

import logstore
from conftest import SCENARIOS, log_messages, run_cli, same_json, value_kind

SCENARIO_NAMES = sorted(p.name for p in SCENARIOS.iterdir() if (p / "log.jsonl").exists())


def test_there_are_scenarios() -> None:
    assert len(SCENARIO_NAMES) >= 50


def check_traces(store: logstore.Store, env: str, win: str, window: dict) -> int:
    """Asserts that store.traces gives, value for value, the x and y lists of the window's
    content.data; returns how many values were compared."""
    content = window.get("content") if isinstance(window, dict) else None
    data = content.get("data") if isinstance(content, dict) else None
    traces = store.traces(env, win)
    if not isinstance(data, list):
        assert traces == []
        return 0
    assert len(traces) == len(data)
    compared = 0
    for trace, spec in zip(traces, data):
        spec = spec if isinstance(spec, dict) else {}
        same_json(trace.name, spec.get("name"))
        for axis in ("x", "y"):
            values, kinds = getattr(trace, axis), getattr(trace, axis + "_kind")
            expected = spec.get(axis)
            if not isinstance(expected, list):
                assert values is None and kinds is None
                continue
            assert len(values) == len(expected) == len(kinds)
            for got, kind, want in zip(values.tolist(), kinds.tolist(), expected):
                want_value, want_kind = value_kind(want)
                assert kind == want_kind, (axis, want)
                if math.isnan(want_value) and kind != logstore.FLOAT:
                    assert math.isnan(got)
                else:
                    assert struct.pack("<d", got) == struct.pack("<d", want_value), (axis, want)
                compared += 1
    return compared


@pytest.mark.parametrize("name", SCENARIO_NAMES)
def test_scenario_reads_as_the_cli_exports(name: str, cli: Path, tmp_path: Path) -> None:
    log = SCENARIOS / name / "log.jsonl"
    imported = tmp_path / "imported.db"
    run_cli(cli, imported, "import", str(log))
    applied = tmp_path / "applied.db"
    with logstore.Store(applied) as store:
        for endpoint, body in log_messages(log):
            store.apply(endpoint, body)
    cli_envs = [json.loads(line)["env"] for line in run_cli(cli, imported, "ls", "--json").splitlines()]

    with logstore.Store(imported, readonly=True) as store, logstore.Store(applied, readonly=True) as mine:
        assert store.envs() == cli_envs
        assert mine.envs() == cli_envs
        for env in cli_envs:
            exported_env = run_cli(cli, imported, "export", "--env", env)
            assert store.env_json(env) + b"\n" == exported_env
            # applied message by message from Python: the same state as the CLI's import
            assert mine.env_json(env) + b"\n" == exported_env
            cli_windows = [json.loads(line)["id"] for line in run_cli(cli, imported, "ls", "--env", env, "--json").splitlines()]
            assert store.windows(env) == cli_windows
            for win in cli_windows:
                exported = run_cli(cli, imported, "export", "--env", env, "--window", win)
                assert store.window_json(env, win) + b"\n" == exported
                window = store.window(env, win)
                same_json(window, json.loads(exported))
                check_traces(store, env, win, window)
