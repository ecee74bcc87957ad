#!/usr/bin/env python3
"""The real visdom 0.2.4 Python client against `logstore-server`.

Run by scripts/server-tests/run.sh with the visdom venv's Python:

    client_tests.py --server Server/.build/debug/logstore-server --logstore .build/debug/logstore
                    [--only corpus,live,socket,auth,startup,limits,kill]

1. corpus: every scenario of the public corpus (../shared/visdom-corpus) and of
   Tests/Fixtures/scenarios is replayed by the client (`Visdom._send`, exactly as
   `replay_log` sends each line) into a fresh server; every request's HTTP status and body
   must equal the real server's (responses.jsonl), and `/win_data` of every env must equal
   expected/ENV.windows.json under check.py's --strict-numbers rules. Envs visdom never
   created must answer 500.
2. live: every public scenario.py runs its own client online, against the real visdom server
   and against logstore-server: the same messages sent, the same /win_data and env list.
3. socket: the client with its socket on: check_connection, an event forwarded by a page
   on /socket reaching register_event_handler with the window's JSON, echo.
4. auth: --enable-login with the client's username/password (HTTP and socket), a wrong
   password, --token with and without the header.
5. startup: a store whose point segments are all garbage still starts and answers everything
   that needs no points.
6. limits: --max-body-size refuses a larger body with 413 and keeps serving; the default bind
   address; --base-url.
7. kill: several real clients append to their own windows while the server is SIGKILLed,
   several times; after each restart every acknowledged point is in the store, in order,
   and at most the one request in flight per client is there without its acknowledgement.
"""

import argparse
import json
import os
import random
import subprocess
import sys
import tempfile
import threading
import time

import requests
import visdom
import websocket

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.normpath(os.path.join(HERE, "..", ".."))
CORPUS = os.path.normpath(os.path.join(ROOT, "..", "shared", "visdom-corpus"))
sys.path.insert(0, HERE)
sys.path.insert(0, CORPUS)
import check  # noqa: E402  (the corpus's own comparison, with --strict-numbers)
from server_process import run_tests, ServerProcess, VisdomServerProcess, free_port  # noqa: E402


LOGSTORE = None  # the logstore binary, from --logstore


class Failure(Exception):
    pass


class RecordingVisdom(visdom.Visdom):
    """The real client, keeping the HTTP status of its last request."""

    def _handle_post(self, url, data=None):
        r = self.session.post(url, data={} if data is None else data)
        self.last_status = r.status_code
        return r.text


def client(server, **kw):
    return RecordingVisdom(server="http://" + server.host, port=server.port,
                           use_incoming_socket=kw.pop("use_incoming_socket", False),
                           raise_exceptions=True, **kw)


def scenario_dirs():
    dirs = []
    for base in (CORPUS, os.path.join(ROOT, "Tests", "Fixtures", "scenarios")):
        for name in sorted(os.listdir(base)):
            d = os.path.join(base, name)
            if os.path.isfile(os.path.join(d, "log.jsonl")) and os.path.isfile(os.path.join(d, "manifest.json")):
                dirs.append(d)
    return dirs


def replay_line(vis, endpoint, msg):
    """Posts one log line as the corpus's server replayed it (scripts/record-scenarios/record.py
    `prepare`): what `replay_log` -> `_send(msg, endpoint, from_log=True)` sends, with a None
    eid set to the client's env, but a None win kept (a scenario's `close` with win null
    closes every window) and ids of any JSON type posted as they are (the client's own
    `env_list.add` cannot hash a list)."""
    msg = dict(msg)
    if msg.get("eid") is None:
        msg["eid"] = vis.env
    return vis._handle_post("%s:%s%s/%s" % (vis.server, vis.port, vis.base_url, endpoint), data=json.dumps(msg))


def known_divergence(endpoint, want, status, body):
    """The one answer that differs on purpose. visdom's delete_env deletes the env and then
    removes its file from env_path, which raises FileNotFoundError (500) for an env that was
    never saved; LogStore has no env files (every env is durable), deletes the env and
    answers 200. The state after is the same."""
    return (endpoint == "delete_env" and want["status"] == 500 and status == 200 and body == ""
            and any("FileNotFoundError" in e for e in want.get("server_log", [])))


def replay_scenario(binary, sdir, tmp):
    with open(os.path.join(sdir, "manifest.json"), encoding="utf-8") as f:
        manifest = json.load(f)
    responses = []
    rpath = os.path.join(sdir, "responses.jsonl")
    if os.path.exists(rpath):
        with open(rpath, encoding="utf-8") as f:
            responses = [json.loads(line) for line in f if line.strip()]
    db = os.path.join(tmp, os.path.basename(sdir) + ".db")
    with ServerProcess(binary, db) as server:
        vis = client(server)
        with open(os.path.join(sdir, "log.jsonl"), encoding="utf-8") as f:
            lines = f.readlines()
        for n, line in enumerate(lines, 1):
            endpoint, msg = json.loads(line)
            body = replay_line(vis, endpoint, msg)
            if n <= len(responses):
                want = responses[n - 1]
                if known_divergence(endpoint, want, vis.last_status, body):
                    continue
                if (vis.last_status, body) != (want["status"], want["body"]):
                    raise Failure("line %d (%s): got %s %r, visdom answered %s %r"
                                  % (n, endpoint, vis.last_status, check.short(body),
                                     want["status"], check.short(want["body"])))
        for env, info in manifest["envs"].items():
            text = vis.get_window_data(env=env)
            if not info.get("exists"):
                if vis.last_status != 500:
                    raise Failure("env %s: visdom never created it, /win_data answered %s" % (env, vis.last_status))
                continue
            if vis.last_status != 200:
                raise Failure("env %s: /win_data answered %s" % (env, vis.last_status))
            with open(os.path.join(sdir, "expected", env + ".windows.json"), encoding="utf-8") as f:
                expected = json.load(f)
            try:
                check.compare(expected, json.loads(text), "$", 0.0, True)
            except check.Mismatch as m:
                raise Failure("env %s: %s: %s" % (env, m.path, m.what))
        listed = vis.get_env_list()
        for env, info in manifest["envs"].items():
            if info.get("exists") and env not in listed:
                raise Failure("env %s missing from /env_state %r" % (env, listed))
    return len(lines)


def test_corpus(binary, tmp):
    dirs = scenario_dirs()
    failed = 0
    lines = 0
    for d in dirs:
        try:
            lines += replay_scenario(binary, d, tmp)
        except Failure as e:
            failed += 1
            print("FAIL corpus %s: %s" % (os.path.basename(d), e))
    print("corpus: %d scenarios (%d log lines) replayed by the visdom client, %d failed"
          % (len(dirs), lines, failed))
    if failed:
        raise Failure("%d corpus scenarios differ" % failed)


LIVE_RUNNER = """
import runpy, sys, visdom
script, log, port = sys.argv[1], sys.argv[2], int(sys.argv[3])
init = visdom.Visdom.__init__
def online(self, *args, **kw):
    # the scenario's own client, sending to the server instead of only to its log
    kw.update(offline=False, server="http://127.0.0.1", port=port, use_incoming_socket=False,
              raise_exceptions=True)
    init(self, *args, **kw)
visdom.Visdom.__init__ = online
sys.argv = [script, log]
runpy.run_path(script, run_name="__main__")
"""


def run_live(script, port, log, tmp):
    run = subprocess.run([sys.executable, "-c", LIVE_RUNNER, script, log, str(port)],
                         cwd=tmp, capture_output=True, text=True, timeout=600)
    if run.returncode != 0:
        raise Failure("scenario.py failed: %s" % check.tail(run.stderr))
    with open(log, encoding="utf-8") as f:
        return [json.loads(x) for x in f]


def test_live(binary, tmp):
    """Each public scenario.py runs its client online, once against the real visdom 0.2.4
    server and once against logstore-server. An online client asks the server before some
    calls (`line(update="append")` on a missing window sends `events`, not `update`), so its
    messages are not always its offline log's: the two runs must send the same messages and
    leave the same /win_data in every env, and the same env list."""
    failed = 0
    dirs = [d for d in scenario_dirs() if d.startswith(CORPUS) and os.path.exists(os.path.join(d, "scenario.py"))]
    for sdir in dirs:
        name = os.path.basename(sdir)
        script = os.path.join(sdir, "scenario.py")
        with open(os.path.join(sdir, "manifest.json"), encoding="utf-8") as f:
            envs = list(json.load(f)["envs"])
        work = tempfile.mkdtemp(prefix="live-" + name + "-", dir=tmp)
        env_path = os.path.join(work, "visdom-env")
        os.makedirs(env_path)
        answers = []
        try:
            real = VisdomServerProcess(sys.executable, free_port(), env_path)
            try:
                answers.append(live_answers(script, real.port, os.path.join(work, "visdom.jsonl"), envs, work))
            finally:
                real.stop()
            with ServerProcess(binary, os.path.join(work, "live.db")) as server:
                answers.append(live_answers(script, server.port, os.path.join(work, "logstore.jsonl"), envs, work))
            (sent_v, data_v, list_v), (sent_l, data_l, list_l) = answers
            if sent_v != sent_l:
                raise Failure("the client sent other messages to LogStore than to visdom")
            for env in envs:
                if (data_v[env] is None) != (data_l[env] is None):
                    raise Failure("env %s: visdom has it: %s, LogStore has it: %s"
                                  % (env, data_v[env] is not None, data_l[env] is not None))
                if data_v[env] is not None:
                    try:
                        check.compare(data_v[env], data_l[env], "$", 0.0, True)
                    except check.Mismatch as m:
                        raise Failure("env %s: %s: %s" % (env, m.path, m.what))
            if list_v != list_l:
                raise Failure("env lists differ: visdom %r, LogStore %r" % (list_v, list_l))
        except (Failure, subprocess.TimeoutExpired, RuntimeError) as e:
            failed += 1
            print("FAIL live %s: %s" % (name, e))
    print("live: %d public scenario.py scripts ran their client online against the real visdom server "
          "and against logstore-server: same messages, same /win_data, %d failed" % (len(dirs), failed))
    if failed:
        raise Failure("%d live scenarios differ" % failed)


def live_answers(script, port, log, envs, work):
    """Runs the scenario's client against the server on `port`; returns what it sent, each
    env's /win_data (None where the server raised), and /env_state."""
    sent = run_live(script, port, log, work)
    vis = RecordingVisdom(server="http://127.0.0.1", port=port, use_incoming_socket=False, raise_exceptions=True)
    data = {}
    for env in envs:
        text = vis.get_window_data(env=env)
        data[env] = json.loads(text) if vis.last_status == 200 else None
    return sent, data, vis.get_env_list()


def wait_for(predicate, timeout=10.0):
    deadline = time.time() + timeout
    while time.time() < deadline:
        if predicate():
            return True
        time.sleep(0.05)
    return predicate()


def test_socket(binary, tmp):
    with ServerProcess(binary, os.path.join(tmp, "socket.db")) as server:
        vis = client(server, use_incoming_socket=True)
        if not vis.check_connection(timeout_seconds=10):
            raise Failure("check_connection with the socket on is False")
        win = vis.text("hello")
        events = []
        vis.register_event_handler(events.append, win)
        page = websocket.create_connection("ws://%s:%d/socket" % (server.host, server.port), timeout=10)
        register = json.loads(page.recv())
        if register.get("command") != "register":
            raise Failure("/socket greeting is %r" % register)
        page.send(json.dumps({"cmd": "forward_to_vis",
                              "data": {"target": win, "eid": "main", "event_type": "KeyPress", "key": "x"}}))
        if not wait_for(lambda: events):
            raise Failure("the forwarded event never reached register_event_handler")
        event = events[0]
        if event.get("key") != "x" or event.get("pane_data", {}).get("content") != "hello":
            raise Failure("callback got %r" % check.short(event, 200))
        # the client's own `echo` command comes back on its socket
        source = websocket.create_connection("ws://%s:%d/vis_socket" % (server.host, server.port), timeout=10)
        alive = json.loads(source.recv())
        if alive != {"command": "alive", "data": "vis_alive"}:
            raise Failure("/vis_socket greeting is %r" % alive)
        source.send(json.dumps({"cmd": "echo", "data": "ping"}))
        if json.loads(source.recv()) != {"cmd": "echo", "data": "ping"}:
            raise Failure("echo did not come back")
        page.close()
        source.close()
        vis.use_socket = False
    print("socket: check_connection, a page's event reached the client's handler, echo")


def test_auth(binary, tmp):
    env = dict(os.environ, VISDOM_USERNAME="ann", VISDOM_PASSWORD="pw d")
    with ServerProcess(binary, os.path.join(tmp, "login.db"), "--enable-login", env=env) as server:
        vis = client(server, username="ann", password="pw d", use_incoming_socket=True)
        if not vis.check_connection(timeout_seconds=10):
            raise Failure("logged-in client is not connected (socket with the session cookie)")
        if vis.text("in") is None or vis.last_status != 200:
            raise Failure("a logged-in client's request failed")
        vis.use_socket = False
        try:
            client(server, username="ann", password="wrong").session
            raise Failure("a wrong password logged in")
        except RuntimeError:
            pass
        r = requests.post("http://%s:%d/events" % (server.host, server.port),
                          data=json.dumps({"data": [{"content": "x", "type": "text"}], "win": "w", "eid": "main"}))
        if r.status_code != 400:
            raise Failure("a request without the session cookie answered %s" % r.status_code)
    token = "t-%d" % random.getrandbits(64)
    env = dict(os.environ, LOGSTORE_TOKEN=token)
    with ServerProcess(binary, os.path.join(tmp, "token.db"), env=env) as server:
        url = "http://%s:%d/env_state" % (server.host, server.port)
        if requests.post(url, data="{}").status_code != 401:
            raise Failure("no token was accepted")
        if requests.post(url, data="{}", headers={"Authorization": "Bearer nope"}).status_code != 401:
            raise Failure("a wrong token was accepted")
        vis = client(server)
        vis.session.headers["Authorization"] = "Bearer " + token
        if vis.text("in") is None or vis.last_status != 200:
            raise Failure("a client with the token was refused")
    print("auth: visdom login (HTTP and socket), wrong password refused, bearer token")


def test_startup(binary, tmp):
    """Start-up reads no point data: with every stored point segment overwritten by garbage,
    the server starts and answers what needs no points; only reading those points fails."""
    import sqlite3
    db = os.path.join(tmp, "startup.db")
    example = os.path.join(ROOT, "examples", "training-run.jsonl")
    run = subprocess.run([LOGSTORE, "--db", db, "import", example], capture_output=True, text=True)
    if run.returncode != 0:
        raise Failure("import of the example failed: %s" % run.stderr)
    con = sqlite3.connect(db)
    poisoned = con.execute("UPDATE segment SET data = x'ff'").rowcount
    con.commit()
    con.close()
    if poisoned == 0:
        raise Failure("the example stored no segments")
    with ServerProcess(binary, db) as server:
        vis = client(server)
        envs = vis.get_env_list()
        if envs != ["main", "mnist_run"] or not vis.win_exists("loss", env="mnist_run"):
            raise Failure("env_state %r / win_exists answered wrong on a store with unreadable points" % envs)
        vis.get_window_data(win="loss", env="mnist_run")
        if vis.last_status == 200:
            raise Failure("the poisoned points were read as if valid")
    print("startup: the server started and answered env_state and win_exists with all %d point "
          "segments unreadable; only reading the points failed" % poisoned)


def test_limits(binary, tmp):
    with ServerProcess(binary, os.path.join(tmp, "limits.db"), "--max-body-size", "100000") as server:
        vis = client(server)
        big = "x" * 200000
        vis.text(big, win="big")
        if vis.last_status != 413:
            raise Failure("a 200 kB body answered %s with a 100 kB limit" % vis.last_status)
        if vis.text("small", win="small") != "small" or vis.win_exists("big"):
            raise Failure("the server did not keep serving, or stored the refused body")
        # without Content-Length (chunked), the limit holds while the body is read
        chunks = (b"x" * 50000 for _ in range(4))
        r = requests.post("http://%s:%d/events" % (server.host, server.port), data=chunks)
        if r.status_code != 413:
            raise Failure("a chunked 200 kB body answered %s" % r.status_code)
    with ServerProcess(binary, os.path.join(tmp, "base.db"), "--base-url", "/vis") as server:
        if server.host != "127.0.0.1":
            raise Failure("the server does not bind 127.0.0.1 by default: %s" % server.line)
        vis = client(server, base_url="/vis")
        if vis.text("under a prefix", win="p") != "p" or not vis.win_exists("p"):
            raise Failure("a client with base_url='/vis' is not served")
        r = requests.post("http://%s:%d/events" % (server.host, server.port), data="{}")
        if r.status_code != 404:
            raise Failure("a request outside --base-url answered %s" % r.status_code)
    print("limits: a body above --max-body-size is refused with 413 (with or without Content-Length), the next request is served; "
          "127.0.0.1 by default; --base-url serves the client's base_url and nothing outside it")


def appender(server_box, name, stop, acked, errors):
    """One client appending (i, i) to its own window; records each acknowledged i."""
    i = len(acked)
    while not stop.is_set():
        server = server_box[0]
        try:
            vis = client(server)
            if i == 0:
                vis.line(X=[0], Y=[0], win=name, opts=dict(title=name))
                if vis.last_status != 200:
                    raise requests.ConnectionError("status %s" % vis.last_status)
                acked.append(0)
                i = 1
            while not stop.is_set():
                r = vis.line(X=[i], Y=[i], win=name, update="append")
                if vis.last_status != 200 or r != name:
                    raise requests.ConnectionError("status %s" % vis.last_status)
                acked.append(i)
                i += 1
        except (ConnectionError, requests.RequestException):
            # the server was killed: wait for the next one
            while not stop.is_set() and server_box[0] is server:
                time.sleep(0.02)
        except Exception as e:  # a bug in the test or the server
            errors.append("%s: %r" % (name, e))
            return


def test_kill(binary, tmp, clients=4, kills=8):
    db = os.path.join(tmp, "kill.db")
    server = ServerProcess(binary, db)
    box = [server]
    stop = threading.Event()
    acked = {"c%d" % k: [] for k in range(clients)}
    errors = []
    threads = [threading.Thread(target=appender, args=(box, name, stop, acked[name], errors), daemon=True)
               for name in acked]
    for t in threads:
        t.start()
    checked = 0
    rng = random.Random(7)
    for round_ in range(kills):
        time.sleep(rng.uniform(0.5, 1.5))
        server.kill()
        counts = {name: len(a) for name, a in acked.items()}
        server = ServerProcess(binary, db)
        vis = client(server)
        for name, n in counts.items():
            if n == 0:
                continue
            data = json.loads(vis.get_window_data(win=name))
            x = data["content"]["data"][0]["x"]
            # Every acknowledged point, in order. Beyond them only the request in flight at
            # a kill (i = n, applied but never answered); the client sends it again after the
            # restart, so each kill may leave one duplicate per client, never a gap.
            duplicates = len(x) - len(set(x))
            if (x != sorted(x) or not set(range(n)) <= set(x) or max(x) > n
                    or duplicates > round_ + 1):
                raise Failure("round %d, %s: %d acknowledged, the store holds %d points, %d duplicates, ending %s"
                              % (round_, name, n, len(x), duplicates, x[-5:]))
            checked += n
        box[0] = server
    stop.set()
    for t in threads:
        t.join(timeout=30)
    server.stop()
    if errors:
        raise Failure("; ".join(errors))
    rc = subprocess.run([LOGSTORE, "--db", db, "check"], capture_output=True, text=True)
    if rc.returncode != 0:
        raise Failure("logstore check after the kills: %s %s" % (rc.stdout, rc.stderr))
    total = sum(len(a) for a in acked.values())
    print("kill: %d SIGKILLs under load from %d real clients; %d acknowledged appends, "
          "every one found after each restart (%d checks); `logstore check` passes"
          % (kills, clients, total, checked))


TESTS = {"corpus": test_corpus, "live": test_live, "startup": test_startup, "socket": test_socket, "auth": test_auth, "limits": test_limits, "kill": test_kill}


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--server", required=True, help="the logstore-server binary")
    ap.add_argument("--logstore", required=True, help="the logstore binary (for `logstore check`)")
    ap.add_argument("--only", default=",".join(TESTS), help="comma-separated: " + ",".join(TESTS))
    args = ap.parse_args()
    global LOGSTORE
    LOGSTORE = os.path.abspath(args.logstore)
    with tempfile.TemporaryDirectory(prefix="logstore-server-tests-") as tmp:
        run_tests(TESTS, args.only.split(","), Failure, os.path.abspath(args.server), tmp)


if __name__ == "__main__":
    main()
