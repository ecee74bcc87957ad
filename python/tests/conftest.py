"""Shared fixtures: the `logstore` command (to compare with), fresh stores, the fixtures."""

from __future__ import annotations

import json
import math
import os
import struct
import subprocess
from pathlib import Path
from typing import Any

import pytest

REPO = Path(__file__).resolve().parents[2]
SCENARIOS = REPO / "Tests" / "Fixtures" / "scenarios"


def require_optional() -> bool:
    """CI sets LOGSTORE_PYTHON_TESTS_REQUIRE_ALL=1: a missing optional package (pandas,
    matplotlib) then fails the test instead of skipping it."""
    return os.environ.get("LOGSTORE_PYTHON_TESTS_REQUIRE_ALL") == "1"


def optional(module: str) -> Any:
    if require_optional():
        return __import__(module)
    return pytest.importorskip(module)


@pytest.fixture(scope="session")
def cli() -> Path:
    """The built `logstore` command: $LOGSTORE_CLI, else .build/debug/logstore."""
    path = Path(os.environ.get("LOGSTORE_CLI", REPO / ".build" / "debug" / "logstore"))
    if not path.exists():
        pytest.fail(f"{path} is missing: run `swift build` (or set LOGSTORE_CLI)")
    return path


def run_cli(cli: Path, db: Path, *args: str) -> bytes:
    done = subprocess.run([str(cli), "--db", str(db), *args], stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    if done.returncode != 0:
        raise AssertionError(f"logstore {' '.join(args)} exited {done.returncode}: {done.stderr.decode()}")
    return done.stdout


def same_json(a: Any, b: Any, path: str = "$") -> None:
    """Asserts a == b exactly: types (int is not float, bool is not int), float bits (NaN ==
    NaN only with the same bits, -0.0 != 0.0), dict key order."""
    assert type(a) is type(b), f"{path}: {type(a).__name__} {a!r} vs {type(b).__name__} {b!r}"
    if isinstance(a, float):
        assert struct.pack("<d", a) == struct.pack("<d", b), f"{path}: {a!r} vs {b!r}"
    elif isinstance(a, dict):
        assert list(a) == list(b), f"{path}: keys {list(a)} vs {list(b)}"
        for k in a:
            same_json(a[k], b[k], f"{path}.{k}")
    elif isinstance(a, list):
        assert len(a) == len(b), f"{path}: length {len(a)} vs {len(b)}"
        for i, (x, y) in enumerate(zip(a, b)):
            same_json(x, y, f"{path}[{i}]")
    else:
        assert a == b, f"{path}: {a!r} vs {b!r}"


def value_kind(v: Any) -> tuple[float, int]:
    """What `Store.traces` must give for a JSON value: (double, kind)."""
    import logstore

    if isinstance(v, bool) or v is None or not isinstance(v, (int, float)):
        return math.nan, logstore.NULL if v is None else logstore.OTHER
    if isinstance(v, int):
        return float(v), logstore.INT
    return v, logstore.FLOAT


def log_messages(log: Path) -> list[tuple[str, str]]:
    """A replay log's (endpoint, JSON body) pairs."""
    out = []
    for line in log.read_text(encoding="utf-8", errors="surrogatepass").splitlines():
        if line.strip():
            endpoint, body = json.loads(line)
            out.append((endpoint, json.dumps(body)))
    return out
