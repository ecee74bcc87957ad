"""Draw time of a 1M-point line window in visdom's page (headless chromium), on the real visdom
server and on logstore-server (default --display-max-points, and 0 = every point). A measurement
script, not a test: prints medians of --runs page loads each, from navigation until the line's
SVG path is drawn, and whether the one spike in the data is on the drawn trace.

Usage: draw_time.py --server BIN --static DIR [--points 1000000] [--runs 5]
"""

import argparse
import json
import os
import statistics
import sys
import tempfile
import time

import numpy as np
import requests

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
from cdp import Browser  # noqa: E402
from page_test import LogStoreServer, VisdomServer, env_url  # noqa: E402

DRAWN = ("(() => { const p = document.querySelector('.js-plotly-plot');"
         " return !!(p && p.querySelector('.scatterlayer .trace path.js-line')); })()")
DRAWN_MAX = ("(() => { const p = document.querySelector('.js-plotly-plot');"
             " let m = -Infinity; for (const v of p.data[0].y) if (v > m) m = v;"
             " return [p.data[0].y.length, m]; })()")


def window(points, spike_at):
    x = np.arange(points, dtype=float)
    y = np.sin(x / 5000.0) + 0.01 * np.cos(x)
    y[spike_at] = 50.0
    return {"data": [{"x": x.tolist(), "y": y.tolist(), "type": "scatter", "mode": "lines", "name": "loss"}],
            "layout": {"title": "1M points"}, "opts": {"title": "1M points"}, "win": "big", "eid": "big"}


def measure(browser, server, runs):
    times, drawn = [], None
    for _ in range(runs):
        browser.navigate("about:blank")
        t0 = time.time()
        browser.navigate(env_url(server, "big"))
        if not browser.wait(DRAWN, timeout=120, interval=0.02):
            raise RuntimeError("%s: the window was not drawn in 120 s" % server.name)
        times.append(time.time() - t0)
        drawn = browser.evaluate(DRAWN_MAX)
    return times, drawn


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--server", required=True)
    ap.add_argument("--static", required=True)
    ap.add_argument("--points", type=int, default=1_000_000)
    ap.add_argument("--runs", type=int, default=5)
    args = ap.parse_args()
    static = os.path.abspath(args.static)
    tmp = tempfile.mkdtemp(prefix="logstore-draw-")
    body = json.dumps(window(args.points, spike_at=args.points * 7 // 11))
    browser = Browser()
    results = []
    try:
        for label, make in (
            ("visdom 0.2.4", lambda: VisdomServer(static, tempfile.mkdtemp(dir=tmp))),
            ("logstore-server (default --display-max-points)", lambda: LogStoreServer(args.server, os.path.join(tmp, "a.db"), static)),
            ("logstore-server --display-max-points 0", lambda: LogStoreServer(args.server, os.path.join(tmp, "b.db"), static, "--display-max-points", "0")),
        ):
            server = make()
            try:
                r = requests.post("http://127.0.0.1:%d/events" % server.port, data=body, timeout=600)
                r.raise_for_status()
                times, drawn = measure(browser, server, args.runs)
                results.append((label, statistics.median(times), times, drawn))
                print("%-48s median %.2f s  (runs: %s)  drawn points %d, max y %.1f"
                      % (label, statistics.median(times), " ".join("%.2f" % t for t in times), drawn[0], drawn[1]), flush=True)
            finally:
                server.stop()
    finally:
        browser.close()
    base = results[0][1]
    for label, med, _, _ in results[1:]:
        print("%s: %.1fx faster than visdom's page" % (label, base / med))


if __name__ == "__main__":
    main()
