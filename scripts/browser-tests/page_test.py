"""visdom 0.2.4's own web page in headless chromium, against the real visdom server and against
logstore-server, both serving the same offline static directory (assemble-static.sh).

1. panes: every recorded scenario of Tests/Fixtures/scenarios is replayed into a fresh pair of
   servers; each env it leaves is opened on both (`/env/ENV`) and the drawn panes must match:
   titles, pane kinds, plot traces (type, name, length of x/y/z/values/labels), images, text.
2. live: a page left open on logstore-server follows a client's appends, new windows, closes
   and env deletions without a reload; the page's own close (its X button), save, delete_env,
   env switch and compare reach the store; the same run against visdom must see the same.
3. patch: appends reach an open page as visdom's `window_update` patches, which the page
   applies (it does not ask for the env again): after every append its traces equal what a
   fresh load of the env shows, below the display cap and past it (re-bucketing: sent whole).
   bigpatch: the same past the cap with a 200,000-point line: each one-point append is a patch
   of a few kB, and the page then equals a fresh load.
4. lazy: starting the server and opening the page on a small env reads none of the point data
   of a 1M-point env not shown (the store file is evicted from the OS page cache first, the
   server reads with pread instead of mmap, and what it read is what mincore finds resident),
   while opening the big env does.
5. login: with --enable-login the page is visdom's login page; a wrong password is refused on
   it, the right one (hashed by the sjcl stand-in) opens the page, which draws.
6. polling: the same page on `/socket_wrap` (`--use-polling`) draws and follows an append.
7. screenshots of the bundled training run on both servers, in the artifacts directory.

Usage: page_test.py --server BIN --static DIR --artifacts DIR [--only panes|live|patch|lazy|login|polling|shots] [--all]
"""

import argparse
import json
import os
import sys
import tempfile
import time
import traceback
import urllib.parse

import numpy as np
import requests
import visdom

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.normpath(os.path.join(HERE, "..", ".."))
sys.path.insert(0, HERE)
sys.path.insert(0, os.path.join(HERE, "..", "server-tests"))
from cdp import Browser  # noqa: E402
from server_process import ServerProcess, VisdomServerProcess, free_port  # noqa: E402

# Records every frame the page's socket receives, and keeps the socket, so a test can send what
# the page's own buttons send.
SOCKET_SPY = """
(function () {
  if (window.__frames) return;
  window.__frames = [];
  const Native = window.WebSocket;
  window.WebSocket = function (url, protocols) {
    const s = new Native(url, protocols);
    window.__socket = s;
    s.addEventListener('message', (e) => window.__frames.push(e.data));
    return s;
  };
  window.WebSocket.prototype = Native.prototype;
})();
"""

# What the page drew, pane by pane, in page order.
PANES = """
Array.from(document.querySelectorAll('.react-grid-item')).map((item) => {
  const titles = item.querySelectorAll('.bar .pull-right');
  const title = titles.length ? titles[titles.length - 1].innerText.trim() : null;
  const plot = item.querySelector('.js-plotly-plot');
  const len = (v) => (Array.isArray(v) || ArrayBuffer.isView(v)) ? v.length : null;
  const traces = plot && plot.data ? plot.data.map((t) => ({
    type: t.type || null, name: t.name === undefined ? null : String(t.name),
    x: len(t.x), y: len(t.y), z: len(t.z), values: len(t.values), labels: len(t.labels)})) : null;
  const content = item.querySelector('.content');
  const images = Array.from(item.querySelectorAll('.content img')).map((i) => (i.getAttribute('src') || '').length);
  return {
    title: title, traces: traces, images: images,
    svg: item.querySelectorAll('.content svg').length > 0,
    text: plot ? null : (content ? content.innerText.trim().slice(0, 4000) : null),
  };
})
"""


# Scenarios whose page visdom itself draws differently from run to run.
PAGE_IS_RACY = {
    "raw_send_unknown_keys": "a numeric window title makes visdom's page throw in relayout "
                             "(title.match is not a function): it draws all panes or none, by timing",
}


class Failure(Exception):
    pass


class LogStoreServer(ServerProcess):
    """logstore-server serving visdom's page from `static`."""

    def __init__(self, binary, db, static, *args, env=None):
        self.name = "logstore"
        try:
            super().__init__(binary, db, "--static", static, *args, env=env)
        except RuntimeError as e:
            raise Failure(str(e))


class VisdomServer(VisdomServerProcess):
    """The real visdom 0.2.4 server with its static and template path set to `static`."""

    def __init__(self, static, env_path):
        # visdom's CompareHandler lists ~/.visdom whatever -env_path says (and answers 500
        # when it is missing): give it a home of its own.
        home = os.path.join(env_path, "home")
        os.makedirs(os.path.join(home, ".visdom"), exist_ok=True)
        self.name = "visdom"
        try:
            super().__init__(sys.executable, free_port(), env_path, static=static, env=dict(os.environ, HOME=home))
        except RuntimeError as e:
            raise Failure(str(e))


def post(server, endpoint, msg):
    return requests.post("http://127.0.0.1:%d/%s" % (server.port, endpoint), data=json.dumps(msg), timeout=60)


def replay(server, log_path):
    """Posts each log line as the visdom client's replay_log does (a None eid is the client's env)."""
    with open(log_path, encoding="utf-8") as f:
        for line in f:
            if not line.strip():
                continue
            endpoint, msg = json.loads(line)
            if msg.get("eid") is None:
                msg["eid"] = "main"
            post(server, endpoint, msg)


def env_url(server, env):
    return "http://127.0.0.1:%d/env/%s" % (server.port, urllib.parse.quote(env, safe=""))


def window_count(server, env):
    r = post(server, "win_data", {"eid": env, "win": None})
    return len(json.loads(r.text)) if r.status_code == 200 else 0


def open_env(browser, server, env, expect):
    """Opens /env/ENV and waits until `expect` panes are drawn (plots drawn by plotly) and the
    drawing has settled; returns the panes."""
    browser.navigate(env_url(server, env))
    browser.wait("document.readyState === 'complete'", timeout=30)
    ready = ("(() => { const items = document.querySelectorAll('.react-grid-item');"
             " return items.length >= %d && Array.from(items).every((i) => !i.querySelector('.content') ||"
             " i.querySelector('.content').children.length > 0 || i.innerText.length > 0); })()" % expect)
    browser.wait(ready, timeout=30)
    last, stable_since = None, time.time()
    deadline = time.time() + 30
    while time.time() < deadline:
        panes = browser.evaluate(PANES)
        if panes != last:
            last, stable_since = panes, time.time()
        elif time.time() - stable_since > 0.5:
            break
        time.sleep(0.2)
    return last


def compare_panes(scenario, env, want, got):
    if len(want) != len(got):
        raise Failure("%s env %s: visdom's page draws %d panes, logstore's %d:\n  %s\n  %s"
                      % (scenario, env, len(want), len(got), [p["title"] for p in want], [p["title"] for p in got]))
    for a, b in zip(want, got):
        if a != b:
            raise Failure("%s env %s pane %r differs:\n  visdom:   %s\n  logstore: %s"
                          % (scenario, env, a["title"], json.dumps(a)[:600], json.dumps(b)[:600]))


def test_panes(args, browser, tmp):
    base = os.path.join(ROOT, "Tests", "Fixtures", "scenarios")
    names = sorted(n for n in os.listdir(base) if os.path.isfile(os.path.join(base, n, "log.jsonl")))
    if args.scenario:
        names = [n for n in names if n in args.scenario]
    elif not args.all:
        names = [n for n in names if not n.startswith("diff_")]
    panes = compared = 0
    failed = []
    for name in [n for n in names if n in PAGE_IS_RACY]:
        print("panes: %s skipped: %s" % (name, PAGE_IS_RACY[name]))
    names = [n for n in names if n not in PAGE_IS_RACY]
    for name in names:
        sdir = os.path.join(base, name)
        with open(os.path.join(sdir, "manifest.json"), encoding="utf-8") as f:
            manifest = json.load(f)
        envs = [e for e, info in manifest["envs"].items() if info.get("exists")]
        vdir = tempfile.mkdtemp(dir=tmp)
        ref = VisdomServer(args.static, vdir)
        ours = LogStoreServer(args.server, os.path.join(tmp, name + ".db"), args.static, "--display-max-points", "0")
        try:
            replay(ref, os.path.join(sdir, "log.jsonl"))
            replay(ours, os.path.join(sdir, "log.jsonl"))
            for env in envs:
                n = window_count(ref, env)
                want = open_env(browser, ref, env, n)
                got = open_env(browser, ours, env, n)
                compare_panes(name, env, want, got)
                panes += len(want)
                compared += 1
        except Failure as e:
            failed.append(str(e))
            print("FAIL", e)
        finally:
            ref.stop()
            ours.stop()
    print("panes: %d scenarios, %d envs, %d panes drawn alike by both servers' pages, %d scenarios differ"
          % (len(names), compared, panes, len(failed)))
    if failed:
        raise Failure("%d scenarios draw differently" % len(failed))


def frames(browser):
    return [json.loads(f) for f in browser.evaluate("window.__frames") or []]


def live(args, browser, server):
    """A page left open follows a client; the page's commands reach the server's state.
    Returns what was observed, for comparing the two servers."""
    seen = []
    vis = visdom.Visdom(port=server.port, env="live", raise_exceptions=True, use_incoming_socket=False)
    vis.line(Y=np.arange(10.0), X=np.arange(10.0), win="loss", opts=dict(title="loss"))
    browser.navigate(env_url(server, "live"))
    if not browser.wait("document.querySelectorAll('.js-plotly-plot').length === 1", timeout=30):
        raise Failure("%s: the page did not draw env live" % server.name)

    def lengths():
        return browser.evaluate("Array.from(document.querySelectorAll('.js-plotly-plot')).map((p) => p.data.map((t) => t.y.length))")

    vis.line(Y=np.arange(5.0), X=np.arange(10.0, 15.0), win="loss", update="append")
    if not browser.wait("(() => { const p = document.querySelector('.js-plotly-plot');"
                        " return p && p.data[0].y.length === 15; })()", timeout=15):
        raise Failure("%s: an append did not reach the open page (lengths %s)" % (server.name, lengths()))
    seen.append(("append", lengths()))

    vis.text("hello", win="note", opts=dict(title="note"))
    if not browser.wait("document.querySelectorAll('.react-grid-item').length === 2", timeout=15):
        raise Failure("%s: a new window did not reach the open page" % server.name)
    seen.append(("new window", browser.evaluate(PANES)))

    vis.close(win="note")
    if not browser.wait("document.querySelectorAll('.react-grid-item').length === 1", timeout=15):
        raise Failure("%s: a close did not reach the open page" % server.name)
    seen.append(("client close", len(browser.evaluate(PANES))))

    # the page's own close: its X button
    vis.text("bye", win="bye", opts=dict(title="bye"))
    browser.wait("document.querySelectorAll('.react-grid-item').length === 2", timeout=15)
    browser.evaluate("Array.from(document.querySelectorAll('.react-grid-item')).find((i) => i.innerText.includes('bye'))"
                     ".querySelector('button[title=close]').click()")
    deadline = time.time() + 15
    while vis.win_exists("bye") and time.time() < deadline:
        time.sleep(0.1)
    if vis.win_exists("bye"):
        raise Failure("%s: the page's close button did not close the window" % server.name)
    seen.append(("page close", vis.win_exists("bye")))

    # the page's save (what its env "save" button sends): a copy of the env under a new name
    browser.evaluate("window.__socket.send(JSON.stringify({cmd: 'save', data: {}, prev_eid: 'live', eid: 'live_saved'}))")
    deadline = time.time() + 15
    while "live_saved" not in vis.get_env_list() and time.time() < deadline:
        time.sleep(0.1)
    if "live_saved" not in vis.get_env_list():
        raise Failure("%s: the page's save did not create env live_saved" % server.name)
    seen.append(("page save", json.loads(vis.get_window_data(env="live_saved", win="loss"))["content"]["data"][0]["y"][-1]))

    # env deletion by a client: the open page's env list follows
    vis.text("x", win="x", env="doomed")
    vis.save(["doomed"])  # visdom raises on deleting an env it never saved, before telling pages
    browser.wait("window.__frames.some((f) => f.includes('env_update') && f.includes('doomed'))", timeout=15)
    vis.delete_env("doomed")
    ok = browser.wait("(() => { const u = window.__frames.filter((f) => f.includes('env_update'));"
                      " return u.length && !JSON.parse(u[u.length - 1]).data.includes('doomed'); })()", timeout=15)
    if not ok:
        raise Failure("%s: the page's env list did not drop a deleted env" % server.name)
    seen.append(("client delete_env", True))

    # the page's delete_env (its env manager's delete button sends this)
    browser.evaluate("window.__socket.send(JSON.stringify({cmd: 'delete_env', prev_eid: 'live', eid: 'live_saved'}))")
    deadline = time.time() + 15
    while "live_saved" in vis.get_env_list() and time.time() < deadline:
        time.sleep(0.1)
    if "live_saved" in vis.get_env_list():
        raise Failure("%s: the page's delete_env did not delete the env" % server.name)
    seen.append(("page delete_env", True))

    # env switch: the page asks for another env on its socket session (what selecting it sends)
    vis.line(Y=np.arange(3.0), win="acc", env="other", opts=dict(title="acc"))
    browser.evaluate("window.__frames = []")
    browser.navigate(env_url(server, "other"))
    if not browser.wait("(() => { const t = document.querySelector('.react-grid-item .bar');"
                        " return t && t.innerText.includes('acc'); })()", timeout=15):
        raise Failure("%s: switching to env other did not draw it" % server.name)
    seen.append(("env switch", [p["title"] for p in browser.evaluate(PANES)]))

    # compare: visdom's /compare/A+B merges windows with the same title
    vis.line(Y=np.arange(4.0), win="loss", env="live2", opts=dict(title="loss", legend=["a"]))
    vis.line(Y=np.arange(6.0), win="loss", env="live", opts=dict(title="loss", legend=["a"]))
    browser.navigate("http://127.0.0.1:%d/compare/live+live2" % server.port)
    if not browser.wait("document.querySelectorAll('.react-grid-item').length === 2", timeout=15):
        raise Failure("%s: the compare view did not draw: %s" % (server.name, json.dumps(browser.evaluate(PANES))[:500]))
    time.sleep(1)
    seen.append(("compare", browser.evaluate(PANES)))
    return seen


def test_live(args, browser, tmp):
    results = {}
    for make in (lambda: VisdomServer(args.static, tempfile.mkdtemp(dir=tmp)),
                 lambda: LogStoreServer(args.server, os.path.join(tmp, "live.db"), args.static)):
        server = make()
        try:
            results[server.name] = live(args, browser, server)
        finally:
            server.stop()
    if results["visdom"] != results["logstore"]:
        for a, b in zip(results["visdom"], results["logstore"]):
            if a != b:
                raise Failure("live: after %s visdom's page shows %s, logstore's %s" % (a[0], json.dumps(a[1])[:400], json.dumps(b[1])[:400]))
    print("live: %d steps (appends, new window, client and page close, page save, client and page "
          "delete_env, env switch, compare) followed alike by both pages" % len(results["logstore"]))


TRACES = "Array.from(document.querySelectorAll('.js-plotly-plot')).map((p) => JSON.stringify(p.data.map((t) => [t.x, t.y])))"


def test_patch(args, browser, tmp):
    """An open page follows appends to a line through `window_update` patches: the frames are
    small, the page applies them (no `reload` frame: a hash it rejects would make it ask for
    the env again), and after each append it shows what a fresh page load shows. With the
    display capped at 60 points, appends past the cap change the last buckets of the thinned
    trace (or, when its bucket width doubles, all of it: the window goes whole); the page still
    equals a fresh load."""
    cap = 60
    server = LogStoreServer(args.server, os.path.join(tmp, "patch.db"), args.static, "--display-max-points", str(cap))
    try:
        vis = visdom.Visdom(port=server.port, env="patch", raise_exceptions=True, use_incoming_socket=False)
        vis.line(Y=np.column_stack([np.sin(np.arange(40.0)), np.cos(np.arange(40.0))]), X=np.arange(40.0),
                 win="loss", opts=dict(title="loss", legend=["a", "b"]))
        browser.navigate(env_url(server, "patch"))
        if not browser.wait("document.querySelectorAll('.js-plotly-plot').length === 1", timeout=30):
            raise Failure("patch: the page did not draw env patch")
        browser.wait("window.__frames.some((f) => f.includes('\"layout\"'))", timeout=15)
        browser.evaluate("window.__frames = []")
        n, patched, whole, sizes = 40, 0, 0, []
        for step in range(12):
            k = 1 + step % 3
            xs = np.arange(n, n + k, dtype=float)
            vis.line(Y=np.column_stack([np.sin(xs) * (1 + step), np.cos(xs)]), X=np.column_stack([xs, xs]), win="loss", update="append")
            n += k
            drawn = browser.wait("(() => { const p = document.querySelector('.js-plotly-plot');"
                                 " return p && p.data && p.data[0] && p.data[0].x && p.data[0].x.length <= Math.min(%d, %d) && p.data[0].x[p.data[0].x.length - 1] === %d; })()"
                                 % (n, cap, n - 1), timeout=15)
            if not drawn:
                raise Failure("patch: append %d did not reach the page (frames %s)" % (step, [f[:80] for f in browser.evaluate("window.__frames")]))
            for f in frames(browser):
                if f.get("command") == "window_update":
                    patched += 1
                    sizes.append(len(json.dumps(f)))
                elif f.get("command") == "window":
                    whole += 1
                elif f.get("command") == "reload":
                    raise Failure("patch: the page asked for the env again after append %d (it rejected a patch): %s" % (step, [json.dumps(g)[:300] for g in frames(browser)]))
            browser.evaluate("window.__frames = []")
            if step in (0, 5, 11):
                shown = browser.evaluate(TRACES)
                browser.navigate(env_url(server, "patch"))
                browser.wait("document.querySelectorAll('.js-plotly-plot').length === 1", timeout=30)
                browser.wait("window.__frames.some((f) => f.includes('\"layout\"'))", timeout=15)
                fresh = browser.evaluate(TRACES)
                if shown != fresh:
                    raise Failure("patch: after append %d the page shows %s, a fresh load %s" % (step, shown[0][:300], fresh[0][:300]))
                browser.evaluate("window.__frames = []")
        if n <= cap or patched == 0:
            raise Failure("patch: %d appends as patches, %d whole, %d points: expected patches, and appends past the cap of %d"
                          % (patched, whole, n, cap))
        print("patch: %d appends (to %d points, past the display cap %d): %d as window_update patches of %d-%d bytes, %d sent whole; "
              "the page applied every patch and equals a fresh load" % (12, n, cap, patched, min(sizes), max(sizes), whole))
    finally:
        server.stop()


def test_bigpatch(args, browser, tmp):
    """Appends to a window past the display cap reach an open page as small patches: a line of
    200,000 points (a sine with a spike of 50) drawn thinned to 2,000 gets 30 one-point appends
    (among them a dip to -100 and a spike of 100); each arrives as a `window_update` of a few
    kB, none whole (the bucket width, 256 points, holds from 200,000 to 255,488 points), the
    page applies every one, and then equals a fresh load of the env, spikes included. (No NaN
    or Infinity: the page's `JSON.parse` rejects a frame holding one, from visdom's server as
    from this one; the unit tests keep them.)"""
    cap, n = 2000, 200_000
    server = LogStoreServer(args.server, os.path.join(tmp, "bigpatch.db"), args.static, "--display-max-points", str(cap))
    try:
        vis = visdom.Visdom(port=server.port, env="bigpatch", raise_exceptions=True, use_incoming_socket=False)
        y = np.sin(np.arange(n) / 1000.0)
        y[123_456] = 50.0
        vis.line(Y=y, X=np.arange(n, dtype=float), win="big", opts=dict(title="big"))
        browser.navigate(env_url(server, "bigpatch"))
        if not browser.wait("document.querySelectorAll('.js-plotly-plot').length === 1", timeout=60):
            raise Failure("bigpatch: the page did not draw env bigpatch")
        browser.wait("window.__frames.some((f) => f.includes('\"layout\"'))", timeout=15)
        browser.evaluate("window.__frames = []")
        sizes, whole = [], 0
        for step in range(30):
            value = {10: -100.0, 20: 100.0}.get(step, float(np.sin(n / 1000.0)))
            vis.line(Y=np.array([value]), X=np.array([float(n)]), win="big", update="append")
            n += 1
            drawn = browser.wait("(() => { const p = document.querySelector('.js-plotly-plot');"
                                 " return p && p.data && p.data[0] && p.data[0].x && p.data[0].x.length <= %d && p.data[0].x[p.data[0].x.length - 1] === %d; })()"
                                 % (cap, n - 1), timeout=30)
            if not drawn:
                raise Failure("bigpatch: append %d did not reach the page (frames %s)" % (step, [f[:80] for f in browser.evaluate("window.__frames")]))
            for f in frames(browser):
                if f.get("command") == "window_update":
                    sizes.append(len(json.dumps(f)))
                elif f.get("command") == "window":
                    whole += 1
                elif f.get("command") == "reload":
                    raise Failure("bigpatch: the page asked for the env again after append %d (it rejected a patch)" % step)
            browser.evaluate("window.__frames = []")
        shown = browser.evaluate(TRACES)
        browser.navigate(env_url(server, "bigpatch"))
        browser.wait("document.querySelectorAll('.js-plotly-plot').length === 1", timeout=60)
        browser.wait("window.__frames.some((f) => f.includes('\"layout\"'))", timeout=15)
        fresh = browser.evaluate(TRACES)
        if shown != fresh:
            raise Failure("bigpatch: after 30 appends the page differs from a fresh load")
        xs, ys = json.loads(fresh[0])[0]
        if len(xs) > cap or not {0, 123_456, 200_010, 200_020, n - 1} <= set(xs) or max(ys) != 100 or min(ys) != -100:
            raise Failure("bigpatch: the thinned trace (%d points) lacks its first or last point or a spike" % len(xs))
        if whole or len(sizes) != 30 or max(sizes) > 4096:
            raise Failure("bigpatch: %d appends sent whole, %d patches of %s bytes: expected 30 patches of at most 4 kB"
                          % (whole, len(sizes), sorted(set(sizes))))
        print("bigpatch: 30 appends to a %d-point line drawn as %d points: 30 window_update patches of %d-%d bytes, "
              "none whole; the page applied every one and equals a fresh load" % (n, len(xs), min(sizes), max(sizes)))
    finally:
        server.stop()


def test_login(args, browser, tmp):
    """`--enable-login`: visdom's login page in the browser, its form and its redirect."""
    env = dict(os.environ, VISDOM_USERNAME="ann", VISDOM_PASSWORD="pw d")
    server = LogStoreServer(args.server, os.path.join(tmp, "login.db"), args.static, "--enable-login", env=env)
    try:
        vis = visdom.Visdom(port=server.port, username="ann", password="pw d", raise_exceptions=True, use_incoming_socket=False)
        vis.line(Y=np.arange(7.0), win="loss", env="main", opts=dict(title="loss"))
        browser.call("Network.clearBrowserCookies")
        browser.navigate("http://127.0.0.1:%d/" % server.port)
        if not browser.wait("document.title === 'Visdom Login' && !!window.sjcl", timeout=30):
            raise Failure("login: / did not show visdom's login page (title %r)" % browser.evaluate("document.title"))

        def submit(password):
            browser.evaluate("$('#inputUsername').val('ann'); $('#inputPassword').val(%s); $('#submitButton').click()" % json.dumps(password))

        submit("wrong")
        if not browser.wait("$('#errorMessage').text() === 'Invalid Login Information'", timeout=15):
            raise Failure("login: a wrong password was not refused on the page")
        submit("pw d")
        if not browser.wait("(() => { const p = document.querySelector('.js-plotly-plot'); return p && p.data[0].y.length === 7; })()", timeout=30):
            raise Failure("login: the right password did not open the page (title %r)" % browser.evaluate("document.title"))
        print("login: visdom's login page refused a wrong password and, with the right one, opened the page, which drew env main")
    finally:
        browser.call("Network.clearBrowserCookies")
        server.stop()


def resident_bytes(path):
    """Bytes of `path` in the OS page cache (mincore over a shared mapping of the file)."""
    import ctypes
    import mmap
    size = os.path.getsize(path)
    if size == 0:
        return 0
    libc = ctypes.CDLL(None, use_errno=True)
    libc.mmap.restype = ctypes.c_void_p
    libc.mmap.argtypes = [ctypes.c_void_p, ctypes.c_size_t, ctypes.c_int, ctypes.c_int, ctypes.c_int, ctypes.c_long]
    libc.mincore.argtypes = [ctypes.c_void_p, ctypes.c_size_t, ctypes.c_char_p]
    libc.munmap.argtypes = [ctypes.c_void_p, ctypes.c_size_t]
    page = mmap.PAGESIZE
    fd = os.open(path, os.O_RDONLY)
    try:
        addr = libc.mmap(None, size, mmap.PROT_READ, mmap.MAP_SHARED, fd, 0)
        if addr in (None, ctypes.c_void_p(-1).value):
            raise Failure("lazy: cannot map %s" % path)
        vec = ctypes.create_string_buffer((size + page - 1) // page)
        if libc.mincore(addr, size, vec) != 0:
            raise Failure("lazy: mincore failed: errno %d" % ctypes.get_errno())
        libc.munmap(addr, size)
        return sum(b & 1 for b in vec.raw) * page
    finally:
        os.close(fd)


def evict(path):
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
        os.posix_fadvise(fd, 0, 0, os.POSIX_FADV_DONTNEED)
    finally:
        os.close(fd)


def test_lazy(args, browser, tmp):
    """What the server reads of the store, seen from outside: a 1M-point env `big` (random y, so
    its segments are ~13 MB) and a small env `small`; the server is stopped, the store's files
    evicted from the page cache, and the server started again with LOGSTORE_READER_MMAP_BYTES=0
    (its readers use pread: with mmap the kernel reads 8 MB around each page touched here).
    Starting it and opening the page on `small` must leave less than a quarter of big's bytes
    resident; opening `big` afterwards must bring them in (the check sees a read of big)."""
    db = os.path.join(ROOT, ".build-browser", "lazy-%d.db" % os.getpid())
    for suffix in ("", "-wal", "-shm"):
        if os.path.exists(db + suffix):
            os.remove(db + suffix)
    try:
        server = LogStoreServer(args.server, db, args.static)
        try:
            rng = np.random.default_rng(7)
            before = os.path.getsize(db)
            post(server, "events", {"data": [{"x": list(range(1_000_000)), "y": rng.standard_normal(1_000_000).tolist(),
                                              "type": "scatter", "mode": "lines", "name": "loss"}],
                                    "layout": {"title": "big"}, "win": "big", "eid": "big"}).raise_for_status()
            post(server, "events", {"data": [{"x": list(range(100)), "y": list(range(100)), "type": "scatter", "mode": "lines"}],
                                    "layout": {"title": "small"}, "win": "small", "eid": "small"}).raise_for_status()
        finally:
            server.stop()
        files = [f for f in (db, db + "-wal") if os.path.exists(f)]
        big = os.path.getsize(db) - before  # the WAL was checkpointed into the file
        for f in files:
            evict(f)
        cold = sum(resident_bytes(f) for f in files)
        server = LogStoreServer(args.server, db, args.static, env=dict(os.environ, LOGSTORE_READER_MMAP_BYTES="0"))
        try:
            started = sum(resident_bytes(f) for f in files)
            browser.navigate(env_url(server, "small"))
            if not browser.wait("(() => { const p = document.querySelector('.js-plotly-plot');"
                                " return p && p.data && p.data[0].x.length === 100; })()", timeout=30):
                raise Failure("lazy: the page did not draw env small")
            time.sleep(1)
            small_open = sum(resident_bytes(f) for f in files)
            browser.navigate(env_url(server, "big"))
            if not browser.wait("(() => { const p = document.querySelector('.js-plotly-plot');"
                                " return p && p.data && p.data[0].x.length > 100; })()", timeout=60):
                raise Failure("lazy: the page did not draw env big")
            big_open = sum(resident_bytes(f) for f in files)
        finally:
            server.stop()
        if cold > big / 10:
            raise Failure("lazy: %d bytes of the store stayed in the page cache after eviction" % cold)
        if small_open > big / 4:
            raise Failure("lazy: starting the server read %d bytes of the store, opening env small %d; env big (not shown) is %d bytes"
                          % (started, small_open, big))
        if big_open < big * 0.8:
            raise Failure("lazy: opening env big left only %d of its %d bytes resident: the check cannot see reads" % (big_open, big))
        print("lazy: env big is %.1f MB of the store; after start-up and opening env small %.2f MB of the store had been read, "
              "after opening env big %.1f MB" % (big / 1e6, small_open / 1e6, big_open / 1e6))
    finally:
        for suffix in ("", "-wal", "-shm"):
            if os.path.exists(db + suffix):
                os.remove(db + suffix)


def polled_commands(server):
    """Opens a /socket_wrap session, loads env poll into it, and returns the commands of the
    frames one query then hands out, in the order given."""
    base = "http://127.0.0.1:%d/socket_wrap" % server.port
    sid = requests.get(base, timeout=30).json()["sid"]
    time.sleep(0.5)
    requests.post("http://127.0.0.1:%d/env/poll" % server.port, data=json.dumps({"sid": sid}), timeout=30)
    time.sleep(1.0)
    r = requests.post(base, data=json.dumps({"message_type": "query", "sid": sid}), timeout=30).json()
    return [json.loads(m).get("command") for m in r["messages"]]


def test_polling(args, browser, tmp):
    """`--use-polling` (visdom's -use_frontend_client_polling): /socket_wrap hands out frames in
    the order visdom's does (newest first); the page draws and follows an append through it
    instead of a websocket."""
    orders = {}
    for make in (lambda: VisdomServer(args.static, tempfile.mkdtemp(dir=tmp)),
                 lambda: LogStoreServer(args.server, os.path.join(tmp, "order.db"), args.static, "--use-polling")):
        server = make()
        try:
            vis = visdom.Visdom(port=server.port, env="poll", raise_exceptions=True, use_incoming_socket=False)
            vis.line(Y=np.arange(3.0), win="loss", opts=dict(title="loss"))
            orders[server.name] = polled_commands(server)
        finally:
            server.stop()
    if orders["visdom"] != orders["logstore"]:
        raise Failure("polling: one query hands out %s from visdom, %s from logstore" % (orders["visdom"], orders["logstore"]))
    print("polling: one /socket_wrap query hands out %s on both servers" % orders["logstore"])
    server = LogStoreServer(args.server, os.path.join(tmp, "polling.db"), args.static, "--use-polling")
    try:
        vis = visdom.Visdom(port=server.port, env="poll", raise_exceptions=True, use_incoming_socket=False)
        vis.line(Y=np.arange(10.0), X=np.arange(10.0), win="loss", opts=dict(title="loss"))
        browser.navigate(env_url(server, "poll"))
        if not browser.wait("document.querySelectorAll('.js-plotly-plot').length === 1", timeout=30):
            raise Failure("polling: the page did not draw env poll")
        vis.line(Y=np.arange(5.0), X=np.arange(10.0, 15.0), win="loss", update="append")
        if not browser.wait("document.querySelector('.js-plotly-plot').data[0].y.length === 15", timeout=30):
            raise Failure("polling: an append did not reach the polling page")
        if browser.evaluate("window.__frames.length") != 0:
            raise Failure("polling: the page used a websocket")
        print("polling: a page on /socket_wrap drew env poll and followed an append")
    finally:
        server.stop()


def test_shots(args, browser, tmp):
    os.makedirs(args.artifacts, exist_ok=True)
    log = os.path.join(ROOT, "examples", "training-run.jsonl")
    for make in (lambda: VisdomServer(args.static, tempfile.mkdtemp(dir=tmp)),
                 lambda: LogStoreServer(args.server, os.path.join(tmp, "shots.db"), args.static)):
        server = make()
        try:
            replay(server, log)
            envs = json.loads(post(server, "env_state", {}).text)
            env = [e for e in envs if e != "main"][0] if len(envs) > 1 else "main"
            panes = open_env(browser, server, env, window_count(server, env))
            path = os.path.join(args.artifacts, "training-%s.png" % server.name)
            browser.screenshot(path)
            print("shots: %s, env %s, %d panes -> %s" % (server.name, env, len(panes), path))
        finally:
            server.stop()


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--server", required=True)
    ap.add_argument("--static", required=True)
    ap.add_argument("--artifacts", required=True)
    ap.add_argument("--only", choices=["panes", "live", "patch", "bigpatch", "lazy", "login", "polling", "shots"])
    ap.add_argument("--all", action="store_true", help="also the diff_* differential scenarios")
    ap.add_argument("--scenario", action="append", help="only this scenario (repeatable)")
    args = ap.parse_args()
    args.static = os.path.abspath(args.static)
    tmp = tempfile.mkdtemp(prefix="logstore-page-")
    browser = Browser()
    browser.on_new_document(SOCKET_SPY)
    failures = 0
    try:
        for name, test in (("panes", test_panes), ("live", test_live), ("patch", test_patch), ("bigpatch", test_bigpatch), ("lazy", test_lazy), ("login", test_login),
                           ("polling", test_polling),
                           ("shots", test_shots)):
            if args.only and args.only != name:
                continue
            try:
                test(args, browser, tmp)
            except Failure as e:
                failures += 1
                print("FAIL %s: %s" % (name, e))
            except Exception:
                failures += 1
                print("FAIL %s:" % name)
                traceback.print_exc()
    finally:
        browser.close()
    print("browser tests: %s" % ("ok" if not failures else "%d failed" % failures))
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
