"""NaN, ±Infinity, null, -0.0, ints and every float bit, through apply, window and traces."""

from __future__ import annotations

import math
import struct
from pathlib import Path

import numpy as np

import logstore
from conftest import run_cli, same_json

NAN_PAYLOAD = struct.unpack("<d", struct.pack("<Q", 0x7FF8_0000_0000_0BAD))[0]
SUBNORMAL = 5e-324
Y = [1.5, math.nan, math.inf, -math.inf, None, -0.0, 0.0, 7, 2**53 + 1, SUBNORMAL, 0.1 + 0.2, "text", True]
X = list(range(len(Y)))


def events(win: str = "w", y: list = Y, x: list = X) -> dict:
    return {"eid": "main", "win": win, "data": [{"x": x, "y": y, "name": "train", "type": "scatter", "mode": "lines"}],
            "layout": {"title": win}, "opts": {}}


def bits(a: np.ndarray) -> list[int]:
    return a.view(np.uint64).tolist()


def test_values_keep_their_kind_and_bits(tmp_path: Path) -> None:
    with logstore.Store(tmp_path / "s.db") as s:
        assert s.apply("events", events()) == logstore.Applied(1, "ok", "w")
        [t] = s.traces("main", "w")
    assert t.name == "train"
    assert t.x_kind.tolist() == [logstore.INT] * len(X) and t.x.tolist() == [float(i) for i in X]
    f, i, n, o = logstore.FLOAT, logstore.INT, logstore.NULL, logstore.OTHER
    assert t.y_kind.tolist() == [f, f, f, f, n, f, f, i, i, f, f, o, o]
    assert t.y.dtype == np.float64
    expected = [1.5, math.nan, math.inf, -math.inf, math.nan, -0.0, 0.0, 7.0, float(2**53 + 1), SUBNORMAL, 0.1 + 0.2,
                math.nan, math.nan]
    got = bits(t.y)
    for k, (g, e) in enumerate(zip(got, bits(np.array(expected)))):
        if k not in (4, 11, 12):  # null and non-numbers: some NaN, told apart by the kind
            assert g == e, k
    assert got[5] == 0x8000_0000_0000_0000  # -0.0
    assert np.isnan(t.y[[1, 4, 11, 12]]).all()
    assert t.y_mask.tolist() == [k >= logstore.NULL for k in t.y_kind.tolist()]
    m = t.masked("y")
    assert m.mask.tolist() == t.y_mask.tolist() and math.isnan(m[1])  # a logged NaN is a value, not a gap


def test_any_nan_python_sends_is_a_float_nan(tmp_path: Path) -> None:
    # json.dumps writes every NaN as the token NaN, so a payload cannot travel through JSON
    # text; a float from the store keeps the bits the store holds (the canonical quiet NaN).
    with logstore.Store(tmp_path / "s.db") as s:
        s.apply("events", events(y=[NAN_PAYLOAD, -math.nan], x=[0, 1]))
        [t] = s.traces("main", "w")
    assert [math.isnan(v) for v in t.y.tolist()] == [True, True]
    assert t.y_kind.tolist() == [logstore.FLOAT, logstore.FLOAT]


def test_a_column_of_floats_has_all_float_kinds_read_only(tmp_path: Path) -> None:
    # no kinds in the library for a column of floats only: one FLOAT byte viewed n times
    with logstore.Store(tmp_path / "s.db") as s:
        s.apply("events", events(y=[0.5, math.inf, -0.0], x=[0.25, 1.5, math.nan]))
        [t] = s.traces("main", "w")
    for kind, mask in ((t.x_kind, t.x_mask), (t.y_kind, t.y_mask)):
        assert kind.shape == (3,) and kind.dtype == np.uint8
        assert kind.tolist() == [logstore.FLOAT] * 3 and mask.tolist() == [False] * 3
        assert not kind.flags.writeable


def test_window_dict_is_what_visdom_holds(tmp_path: Path, cli: Path) -> None:
    db = tmp_path / "s.db"
    with logstore.Store(db) as s:
        s.apply("events", events())
        s.apply("update", {"eid": "main", "win": "w", "append": True, "data": [{"x": [13], "y": [-1e308]}]})
        w = s.window("main", "w")
        exported = run_cli(cli, db, "export", "--env", "main", "--window", "w")
        assert s.window_json("main", "w") + b"\n" == exported
    y = w["content"]["data"][0]["y"]
    assert [type(v) for v in y[7:9]] == [int, int] and y[8] == 2**53 + 1  # ints stay ints, exactly
    assert type(y[6]) is float and math.copysign(1, y[5]) == -1.0
    same_json(y, [1.5, math.nan, math.inf, -math.inf, None, -0.0, 0.0, 7, 2**53 + 1, SUBNORMAL, 0.1 + 0.2, "text", True, -1e308])


def test_as_of_and_max_points(tmp_path: Path, cli: Path) -> None:
    db = tmp_path / "s.db"
    with logstore.Store(db) as s:
        s.apply("events", events(y=[float(v) for v in range(1000)], x=list(range(1000))))
        s.apply("update", {"eid": "main", "win": "w", "append": True, "data": [{"x": [1000], "y": [math.nan]}]})
        assert len(s.traces("main", "w", as_of=1)[0].y) == 1000
        assert len(s.traces("main", "w")[0].y) == 1001
        small = s.window_json("main", "w", max_points=50)
        assert small + b"\n" == run_cli(cli, db, "export", "--env", "main", "--window", "w", "--max-points", "50")
        assert s.window_json("main", "w", as_of=1) + b"\n" == run_cli(cli, db, "export", "--env", "main", "--window", "w", "--as-of", "1")
        y = s.window("main", "w", max_points=50)["content"]["data"][0]["y"]
        assert len(y) <= 52 and y[0] == 0.0 and math.isnan(y[-1])  # first point and the NaN kept


def test_names_are_bytes(tmp_path: Path) -> None:
    nfc, nfd = "caf\u00e9", "cafe\u0301"
    lone = "x\ud83dy"
    with logstore.Store(tmp_path / "s.db") as s:
        s.apply("events", events(win=nfc))
        s.apply("events", events(win=nfd, y=[2.0], x=[0]))
        s.apply("events", events(win=lone, y=[3.0], x=[0]))
        assert s.windows("main") == [nfc, nfd, lone]
        assert len(s.traces("main", nfc)[0].y) == len(Y)
        assert s.traces("main", nfd)[0].y.tolist() == [2.0]
        assert s.traces("main", lone)[0].y.tolist() == [3.0]
        assert s.window("main", lone)["id"] == lone
