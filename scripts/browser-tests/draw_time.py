"""Draw time of a line window in visdom's page (headless chromium), on the real visdom server
and on logstore-server (default --display-max-points, and 0 = every point). A measurement
script, not a test.

"Drawn", the same on every server: the time, from navigation start (the page's own
`performance.now()`), at which the plot's line trace is in the DOM (its SVG path has a `d`)
with the point count the server sends (every point, or the thinned count, which a settled
warm-up load tells), checked by the page on every animation frame. Each figure is the median
of --runs page loads of `/env/big` in one browser:

- warm: browser cache on (a reload, the usual case; the first load is a warm-up, not timed);
- cold: the browser cache disabled over CDP (a first visit).

Also printed, as medians: when the page's scripts had run (DOMContentLoaded end), when the
socket's `register` arrived, when the window frame arrived (and its size), so the time can be
split into page start-up, env round trip, and parsing plus drawing. And the env switch: a page
showing a small env selects the big one (the page's own `onEnvSelect`, what its env selector
calls), timed from the call to the drawn trace. And the bytes a page's socket receives per
append of one point to the window (a socket that registered and loaded the env as the page
does), for the big window and for one of 5000 points.

Usage: draw_time.py --server BIN --static DIR [--points 1000000] [--runs 5] [--appends-only]
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

# Timestamps the page takes of itself: socket frames, and every change of the drawn trace.
PROBE = """
(function () {
  if (window.__t) return;
  const t = window.__t = {draws: []};
  const Native = window.WebSocket;
  window.WebSocket = function (url, protocols) {
    const s = new Native(url, protocols);
    s.addEventListener('message', (e) => {
      const now = performance.now(), head = e.data.slice(0, 40);
      if (t.register === undefined && head.includes('"register"')) t.register = now;
      if (t.window === undefined && head.includes('"window"')) { t.window = now; t.windowBytes = e.data.length; }
    });
    return s;
  };
  window.WebSocket.prototype = Native.prototype;
  let last = -1;
  const check = () => {
    const p = document.querySelector('.js-plotly-plot');
    const path = p && p.querySelector('.scatterlayer .trace path.js-line');
    const n = path && path.getAttribute('d') && p.data && p.data[0] && p.data[0].x ? p.data[0].x.length : -1;
    if (n !== last) { t.draws.push([performance.now(), n]); last = n; }
    requestAnimationFrame(check);
  };
  requestAnimationFrame(check);
})();
"""

TIMES = """(() => { const nav = performance.getEntriesByType('navigation')[0];
  return JSON.stringify(Object.assign({scripts: nav ? nav.domContentLoadedEventEnd : null}, window.__t)); })()"""

DRAWN_MAX = ("(() => { const p = document.querySelector('.js-plotly-plot');"
             " let m = -Infinity; for (const v of p.data[0].y) if (v > m) m = v;"
             " return [p.data[0].y.length, m]; })()")

# The page's App component (React 16's fiber tree from the root container).
APP = ("(() => { let f = document.getElementById('app')._reactRootContainer._internalRoot.current;"
       " while (f && !(f.stateNode && f.stateNode.state && f.stateNode.state.consistent_pane_copy)) f = f.child;"
       " return f.stateNode; })()")


def window(points, spike_at, win="big", title="1M points"):
    x = np.arange(points, dtype=float)
    y = np.sin(x / 5000.0) + 0.01 * np.cos(x)
    y[spike_at] = 50.0
    return {"data": [{"x": x.tolist(), "y": y.tolist(), "type": "scatter", "mode": "lines", "name": "loss"}],
            "layout": {"title": title}, "opts": {"title": title}, "win": win, "eid": win}


def drawn_at(browser, count, timeout=120):
    """The page's timestamps once its trace is drawn with `count` points."""
    deadline = time.time() + timeout
    while time.time() < deadline:
        t = json.loads(browser.evaluate(TIMES))
        hit = [d for d in t["draws"] if d[1] == count]
        if hit:
            t["drawn"] = hit[0][0]
            return t
        time.sleep(0.25)
    raise RuntimeError("not drawn with %d points in %d s: %s" % (count, timeout, json.dumps(t)[:300]))


def settled_count(browser, server):
    """A load whose drawing settled: the point count the server sends for the window."""
    browser.navigate(env_url(server, "big"))
    last, since = None, time.time()
    deadline = time.time() + 120
    while time.time() < deadline:
        draws = json.loads(browser.evaluate(TIMES))["draws"]
        n = draws[-1][1] if draws else -1
        if n != last:
            last, since = n, time.time()
        elif n > 0 and time.time() - since > 2:
            return n
        time.sleep(0.2)
    raise RuntimeError("%s: the window never settled" % server.name)


def loads(browser, server, count, runs, cold):
    browser.call("Network.setCacheDisabled", cacheDisabled=cold)
    out = []
    for _ in range(runs):
        browser.navigate("about:blank")
        browser.navigate(env_url(server, "big"))
        out.append(drawn_at(browser, count))
    browser.call("Network.setCacheDisabled", cacheDisabled=False)
    return out


def switch(browser, server, count, runs):
    """From a page showing env small, the page's own env selection of env big."""
    out = []
    for _ in range(runs):
        browser.navigate("about:blank")
        browser.navigate(env_url(server, "small"))
        drawn_at(browser, 100)
        time.sleep(0.3)
        t0 = browser.evaluate("(() => { window.__t.draws = []; const t = performance.now(); %s.onEnvSelect(['big']); return t; })()" % APP)
        out.append(drawn_at(browser, count)["drawn"] - t0)
    return out


def append_frames(server, env, points, appends=5):
    """The window frame a page's socket gets when it loads env `env` (its bytes, and the time
    from the page's post to it: the server's part), then per one-point append to the window
    (its bytes and the time from the append's post to it)."""
    import websocket
    ws = websocket.create_connection("ws://127.0.0.1:%d/socket" % server.port, timeout=60, suppress_origin=True)
    try:
        sid = json.loads(ws.recv())["data"]
        t0 = time.time()
        requests.post("http://127.0.0.1:%d/env/%s" % (server.port, env), data=json.dumps({"sid": sid}), timeout=60)
        sizes = []
        while True:
            f = ws.recv()
            if '"window"' in f[:40]:
                sizes.append((len(f.encode()), "load %.0f ms after the post:" % ((time.time() - t0) * 1000)))
            if json.loads(f).get("command") == "layout":
                break
        for i in range(appends):
            t0 = time.time()
            requests.post("http://127.0.0.1:%d/update" % server.port, timeout=60, data=json.dumps(
                {"data": [{"x": [points + i], "y": [0.5], "type": "scatter"}], "win": env, "eid": env, "append": True,
                 "layout": {}, "opts": {}})).raise_for_status()
            while True:
                f = ws.recv()
                if '"window' in f[:40]:
                    sizes.append((len(f.encode()), "%s (%.0f ms after the post)" % (json.loads(f)["command"], (time.time() - t0) * 1000)))
                    break
        return sizes
    finally:
        ws.close()


def med(rows, key):
    vals = [r[key] for r in rows if r.get(key) is not None]
    return statistics.median(vals) if vals else float("nan")


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--server", required=True)
    ap.add_argument("--static", required=True)
    ap.add_argument("--points", type=int, action="append", help="window sizes (default 1000000 and 100)")
    ap.add_argument("--runs", type=int, default=5)
    ap.add_argument("--appends-only", action="store_true", help="only the bytes per append (no page loads)")
    args = ap.parse_args()
    sizes = args.points or [1_000_000, 100]
    static = os.path.abspath(args.static)
    tmp = tempfile.mkdtemp(prefix="logstore-draw-")
    browser = Browser()
    browser.on_new_document(PROBE)
    browser.call("Network.enable")
    print("median of %d page loads each; ms from navigation start: scripts run / socket register / window frame "
          "in / trace drawn" % args.runs)
    try:
        for points in sizes:
            body = json.dumps(window(points, spike_at=points * 7 // 11))
            small = json.dumps(window(100, spike_at=50, win="small", title="small"))
            base = {}
            for label, make in (
                ("visdom 0.2.4", lambda: VisdomServer(static, tempfile.mkdtemp(dir=tmp))),
                ("logstore (default --display-max-points)", lambda: LogStoreServer(args.server, os.path.join(tmp, "a%d.db" % points), static)),
                ("logstore --display-max-points 0", lambda: LogStoreServer(args.server, os.path.join(tmp, "b%d.db" % points), static, "--display-max-points", "0")),
            ):
                server = make()
                try:
                    for b in (body, small):
                        requests.post("http://127.0.0.1:%d/events" % server.port, data=b, timeout=600).raise_for_status()
                    if args.appends_only:
                        modes, count, n, top = (), 0, 0, 0
                    else:
                        modes = ("warm", "cold")
                        count = settled_count(browser, server)
                        n, top = browser.evaluate(DRAWN_MAX)
                    for mode in modes:
                        rows = loads(browser, server, count, args.runs, cold=(mode == "cold"))
                        d = med(rows, "drawn")
                        base.setdefault(mode, d)
                        print("%6d points  %-40s %s: %5.0f / %5.0f / %5.0f / %5.0f ms  (drawn runs: %s)  frame %.0f kB, %d points drawn, max y %.1f%s"
                              % (points, label, mode, med(rows, "scripts"), med(rows, "register"), med(rows, "window"), d,
                                 " ".join("%.0f" % r["drawn"] for r in rows), med(rows, "windowBytes") / 1000, n, top,
                                 "" if base[mode] == d else ", %.1fx faster than visdom" % (base[mode] / d)), flush=True)
                    if points > 100 and not args.appends_only:
                        sw = switch(browser, server, count, args.runs)
                        print("%6d points  %-40s env switch small -> big: %5.0f ms  (runs: %s)"
                              % (points, label, statistics.median(sw), " ".join("%.0f" % v for v in sw)), flush=True)
                    if points > 100:
                        for env, n in (("mid", 5000), ("big", points)):
                            if env == "mid":
                                requests.post("http://127.0.0.1:%d/events" % server.port, timeout=60,
                                              data=json.dumps(window(5000, 2500, win="mid", title="mid"))).raise_for_status()
                            try:
                                sizes = ", ".join("%s %d B" % (c, b) for b, c in append_frames(server, env, n))
                            except requests.exceptions.Timeout:
                                sizes = "an append got no answer in 60 s"
                            print("%6d points  %-40s one-point appends to a %d-point window: %s" % (points, label, n, sizes), flush=True)
                finally:
                    server.stop()
    finally:
        browser.close()


if __name__ == "__main__":
    main()
