"""A 1M-point window to numpy three ways, side by side in one run (medians of several runs):

- ``Store.traces``: the package's way (the C ABI reads the packed segments into doubles);
- ``json.loads`` of the window's exported JSON (what `logstore export` gives a script today);
- ``numpy.fromfile`` of the same 2M doubles (x then y) in a raw file: the floor.

Targets (issue 20): traces >= 10x faster than json.loads, and within 3x of numpy.fromfile.

    python Benchmarks/python/window_to_numpy.py [--points 1000000] [--runs 7]

Needs the package (``pip install ./python``, or ``LOGSTORE_LIBRARY`` with ``PYTHONPATH=python``).
The store is built in a temporary folder from 1000-point appends, as a training script that
logs in batches would (x: float steps, y: random floats with a few NaN).
"""

from __future__ import annotations

import argparse
import gc
import json
import os
import statistics
import tempfile
import time

# numpy's BLAS threads are not used here; on a 2-core machine idle ones only add noise.
os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")

import numpy as np  # noqa: E402

import logstore  # noqa: E402


def timed(fn) -> tuple[float, float]:
    """(wall seconds, this thread's CPU seconds) of one call; the library works on the
    calling thread, so its CPU time is counted, the kernel's work for it (page faults, reads)
    included."""
    gc.collect()
    wall, cpu = time.perf_counter(), time.thread_time()
    fn()
    return time.perf_counter() - wall, time.thread_time() - cpu


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--points", type=int, default=1_000_000)
    parser.add_argument("--batch", type=int, default=1000, help="points per appended message")
    parser.add_argument("--runs", type=int, default=7)
    parser.add_argument("--int-x", action="store_true", help="x as int steps instead of floats")
    args = parser.parse_args()

    rng = np.random.default_rng(0)
    x = np.arange(args.points, dtype=np.float64)
    y = rng.standard_normal(args.points)
    y[rng.integers(0, args.points, 10)] = np.nan
    folder = tempfile.mkdtemp(prefix="logstore-bench-")
    db = os.path.join(folder, "bench.db")
    started = time.perf_counter()
    xs = x.astype(np.int64).tolist() if args.int_x else x.tolist()
    with logstore.Store(db) as s:
        s.apply("events", {"eid": "main", "win": "w", "data": [{"x": xs[: args.batch], "y": y[: args.batch].tolist(),
                                                                "name": "loss", "type": "scatter", "mode": "lines"}],
                           "layout": {}, "opts": {}})
        for i in range(args.batch, args.points, args.batch):
            s.apply("update", {"eid": "main", "win": "w", "append": True,
                               "data": [{"x": xs[i: i + args.batch], "y": y[i: i + args.batch].tolist()}]})
    print(f"built {args.points} points in {args.points // args.batch} messages: {time.perf_counter() - started:.1f} s")

    raw = os.path.join(folder, "xy.f64")
    np.concatenate([x, y]).tofile(raw)

    with logstore.Store(db, readonly=True) as s:
        exported = s.window_json("main", "w")
        [t] = s.traces("main", "w")
        assert np.array_equal(t.x, x) and np.array_equal(t.y, y, equal_nan=True)
        assert len(json.loads(exported)["content"]["data"][0]["y"]) == args.points
        assert np.array_equal(np.fromfile(raw, dtype=np.float64)[args.points:], y, equal_nan=True)

        # Alternate the three, so that each sees the same machine state; each timed call
        # follows an untimed one of its own, so that each finds the memory the previous call
        # freed as a repeated call does (numpy's array glibc's freed block, the columns the
        # library's), not what the other two left behind.
        ways = {"traces": lambda: s.traces("main", "w"),
                "json": lambda: json.loads(exported),
                "fromfile": lambda: np.fromfile(raw, dtype=np.float64)}
        runs = {name: [] for name in ways}
        for _ in range(args.runs):
            for name, way in ways.items():
                way()
                runs[name].append(timed(way))
    wall = {k: statistics.median(w for w, _ in v) for k, v in runs.items()}
    cpu = {k: statistics.median(c for _, c in v) for k, v in runs.items()}
    print(f"points: {args.points} (x {'int' if args.int_x else 'float'}, y float), runs: {args.runs}, "
          f"exported JSON: {len(exported) / 1e6:.1f} MB, raw doubles: {os.path.getsize(raw) / 1e6:.1f} MB")
    print("median of runs     wall ms   cpu ms")
    for name, label in (("traces", "Store.traces"), ("json", "json.loads"), ("fromfile", "numpy.fromfile")):
        print(f"{label:17} {wall[name] * 1000:8.1f} {cpu[name] * 1000:8.1f}")
    for clock, m in (("wall", wall), ("cpu", cpu)):
        faster, slower = m["json"] / m["traces"], m["traces"] / m["fromfile"]
        print(f"{clock}: json.loads / traces = {faster:.1f}x (target >= 10x: {'met' if faster >= 10 else 'MISSED'}); "
              f"traces / numpy.fromfile = {slower:.2f}x (target <= 3x: {'met' if slower <= 3 else 'MISSED'})")
    for f in os.listdir(folder):
        os.remove(os.path.join(folder, f))
    os.rmdir(folder)


if __name__ == "__main__":
    main()
