#!/usr/bin/env python3
"""Record visdom scenarios: client script -> replay log -> real visdom server -> expected state.

Usage:
    record.py [--visdom-python PY] [--out DIR] [NAME | PATH.py ...]
    record.py --example [--visdom-python PY]
    record.py --from-log LOG.jsonl --name NAME [--out DIR]

For every scenario NAME (a client script scenarios/NAME.py next to this file, or
any PATH.py, e.g. a public corpus scenario.py), this

1. runs the client script with the visdom Python (`PY SCRIPT LOG`); the script
   uses `Visdom(offline=True, log_to_filename=LOG, use_incoming_socket=False)`,
   so the log holds every request the client would have sent (`log.jsonl`);
   a script may also append lines for endpoints the client never logs
   ("close", "delete_env", "fork_env", "win_data" with "data"), see
   scenarios/_common.py;
2. starts a fresh visdom server (`visdom.server` main, on 127.0.0.1, free port,
   empty temporary -env_path, -logging_level INFO) and POSTs every log line
   `[endpoint, msg]` to /endpoint, in order, one at a time, the way
   `Visdom.replay_log` sends it (msg["eid"] None or missing -> "main");
   records status, body and the errors the server logged for that request
   (`responses.jsonl`);
3. for every env the log touched that exists on the server afterwards:
   POST /win_data {"eid": E, "win": null} -> expected/E.windows.json and
   POST /save {"data": [E]}, then copies ENV_PATH/E.json -> expected/E.json;
4. writes manifest.json and copies the client script in as scenario.py.

The output directory layout is the one of the public visdom corpus
(/work/shared/visdom-corpus) so that its check.py runs on it.

Only the Python standard library is needed to run this file; the visdom
client and server run in the interpreter given by --visdom-python.
"""

import argparse
import ast
import json
import os
import re
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(os.path.dirname(HERE))
SCENARIOS_DIR = os.path.join(HERE, "scenarios")
DEFAULT_OUT = os.path.join(REPO, "Tests", "Fixtures", "scenarios")
DEFAULT_PY = "/tmp/v/bin/python"

EXAMPLE_SCRIPT = os.path.join(HERE, "example_training_run.py")
EXAMPLE_LOG = os.path.join(REPO, "examples", "training-run.jsonl")
EXAMPLE_EXPECTED = os.path.join(REPO, "examples", "training-run.expected")

# The endpoints the visdom client writes to its log, and the ones a scenario
# may add itself (the server handles them; the client never logs them).
CLIENT_ENDPOINTS = ("events", "update")
RAW_ENDPOINTS = ("close", "delete_env", "fork_env", "win_data")

# `python -m visdom.server` first downloads the web UI's JavaScript
# (download_scripts) and dies when it is offline; the server itself is
# visdom.server.run_server.main, which is what this runs by default.
SERVER_MAIN = ("import sys; from visdom.server.run_server import main; "
               "sys.argv[0] = 'visdom.server'; main()")

SCRIPT_TIMEOUT = 600      # seconds for one client script
START_TIMEOUT = 60        # seconds for the server to answer
REQUEST_TIMEOUT = 120     # seconds per HTTP request
LOG_WAIT = 10             # seconds to wait for a request's access-log line

RECORD_RE = re.compile(r"^(DEBUG|INFO|WARNING|ERROR|CRITICAL):([^:\s]*):(.*)$")
EXC_RE = re.compile(r"^ERROR: 500: \{'exc_info': \(<class '[^']*'>, (.*), "
                    r"<traceback object at 0x[0-9a-fA-F]+>\)\}$", re.S)
NOISE = (
    re.compile(r"^rendering error page$"),
    re.compile(r"^rendering complete$"),
    re.compile(r"^\[Errno 2\] No such file or directory: '.*error\.html'$"),
)


class RecordError(Exception):
    pass


# ---------------------------------------------------------------- server

def free_port():
    s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()
    return port


class ServerLog:
    """Reads the server's stderr file record by record (format LEVEL:logger:message)."""

    def __init__(self, path):
        self.path = path
        self.offset = 0
        self.pending = []    # complete records not consumed yet: (level, logger, message)
        self.current = None  # record being continued by following lines

    def _read(self):
        with open(self.path, "rb") as f:
            f.seek(self.offset)
            data = f.read()
        end = data.rfind(b"\n")
        if end < 0:
            return
        self.offset += end + 1
        for line in data[:end].decode("utf-8", "replace").split("\n"):
            m = RECORD_RE.match(line)
            if m:
                if self.current is not None:
                    self.pending.append(tuple(self.current))
                self.current = [m.group(1), m.group(2), m.group(3)]
                if m.group(2) == "tornado.access":
                    # an access line is a one-line record that ends the request
                    self.pending.append(tuple(self.current))
                    self.current = None
            elif self.current is not None:
                self.current[2] += "\n" + line

    def until_access(self, proc, timeout=LOG_WAIT):
        """Records up to and including the next tornado.access record."""
        deadline = time.time() + timeout
        while True:
            self._read()
            for i, rec in enumerate(self.pending):
                if rec[1] == "tornado.access":
                    out = self.pending[:i + 1]
                    self.pending = self.pending[i + 1:]
                    return out, True
            if time.time() > deadline or proc.poll() is not None:
                out = self.pending
                self.pending = []
                return out, False
            time.sleep(0.002)


def server_errors(records):
    """What the server logged for a request, as the corpus writes it."""
    out = []
    for level, logger, message in records:
        if logger != "root" or level not in ("WARNING", "ERROR", "CRITICAL"):
            continue
        if any(p.match(message) for p in NOISE):
            continue
        m = EXC_RE.match(message)
        if m:
            out.append("exception: " + m.group(1))
        else:
            out.append(message)
    return out


class Server:
    def __init__(self, python, workdir, entry="main", env_path=None):
        """Starts visdom on a new empty WORKDIR/env, or on env_path (an existing
        directory, e.g. one already holding ENV.json files for the server to load)."""
        self.python = python
        if env_path is None:
            self.env_path = os.path.join(workdir, "env")
            os.makedirs(self.env_path)
        else:
            self.env_path = env_path
        self.err_path = os.path.join(workdir, "server.stderr")
        self.out_path = os.path.join(workdir, "server.stdout")
        self.port = free_port()
        if entry == "module":
            cmd = [python, "-m", "visdom.server"]
        else:
            cmd = [python, "-c", SERVER_MAIN]
        cmd += ["-port", str(self.port), "-env_path", self.env_path,
                "-logging_level", "INFO", "-bind_local"]
        self.err = open(self.err_path, "wb")
        self.out = open(self.out_path, "wb")
        env = dict(os.environ)
        env["PYTHONUNBUFFERED"] = "1"
        self.proc = subprocess.Popen(cmd, stdout=self.out, stderr=self.err,
                                     stdin=subprocess.DEVNULL, cwd=workdir, env=env)
        self.log = ServerLog(self.err_path)
        self._wait_ready()

    def url(self, endpoint):
        return "http://127.0.0.1:%d/%s" % (self.port, endpoint)

    def _wait_ready(self):
        deadline = time.time() + START_TIMEOUT
        while time.time() < deadline:
            if self.proc.poll() is not None:
                raise RecordError("visdom server exited (%s): %s"
                                  % (self.proc.returncode, self._stderr_tail()))
            try:
                status, _ = self.post_raw("env_state", b"{}", timeout=2)
                if status == 200:
                    self.log.until_access(self.proc)
                    return
            except (OSError, urllib.error.URLError):
                pass
            time.sleep(0.1)
        raise RecordError("visdom server did not answer within %ss: %s"
                          % (START_TIMEOUT, self._stderr_tail()))

    def _stderr_tail(self):
        try:
            with open(self.err_path, "rb") as f:
                return f.read()[-2000:].decode("utf-8", "replace")
        except OSError:
            return ""

    def post_raw(self, endpoint, body, timeout=REQUEST_TIMEOUT):
        req = urllib.request.Request(self.url(endpoint), data=body, method="POST")
        try:
            with urllib.request.urlopen(req, timeout=timeout) as r:
                return r.status, r.read()
        except urllib.error.HTTPError as e:
            return e.code, e.read()

    def request(self, endpoint, msg):
        """POST msg; returns (status, body text, server_log lines)."""
        body = json.dumps(msg).encode("ascii")
        status, data = self.post_raw(endpoint, body)
        records, ok = self.log.until_access(self.proc)
        if not ok:
            if self.proc.poll() is not None:
                raise RecordError("visdom server died: %s" % self._stderr_tail())
            print("   warning: no access-log line for /%s" % endpoint, file=sys.stderr)
        return status, data.decode("utf-8", "replace"), server_errors(records)

    def stop(self):
        if self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait(10)
        self.err.close()
        self.out.close()


# ---------------------------------------------------------------- replay

def escape_eid(eid):
    return eid.replace("/", "_")


def read_log(path):
    entries = []
    with open(path, encoding="utf-8") as f:
        for n, line in enumerate(f, 1):
            if not line.strip():
                raise RecordError("%s:%d: empty line" % (path, n))
            entry = json.loads(line)
            if (not isinstance(entry, list) or len(entry) != 2 or not isinstance(entry[0], str)
                    or not isinstance(entry[1], dict)):
                raise RecordError("%s:%d: not [endpoint, message]" % (path, n))
            entries.append((entry[0], entry[1]))
    return entries


def prepare(endpoint, msg):
    """The message as Visdom.replay_log -> _send(msg, endpoint, from_log=True) posts it.

    _send sets a missing/None eid to the client's env ("main"). It would also
    replace a None "win" with a random "window_<time>" id; that is not done
    here: client-written lines always carry their window id already, and a
    scenario's own "close" line with win null means "close every window".
    """
    msg = dict(msg)
    if msg.get("eid") is None:
        msg["eid"] = "main"
    return msg


def touched_envs(endpoint, msg):
    envs = []
    if endpoint == "fork_env":
        for k in ("prev_eid", "eid"):
            if isinstance(msg.get(k), str):
                envs.append(escape_eid(msg[k]))
    elif isinstance(msg.get("eid"), str):
        envs.append(escape_eid(msg["eid"]))
    return envs


def replay(python, log_path, workdir, entry="main"):
    """Replays log_path on a fresh server; returns (responses, envs, env_data)."""
    entries = read_log(log_path)
    server = Server(python, workdir, entry)
    try:
        responses = []
        envs = []
        for n, (endpoint, raw) in enumerate(entries, 1):
            msg = prepare(endpoint, raw)
            for e in touched_envs(endpoint, msg):
                if e not in envs:
                    envs.append(e)
            status, body, errors = server.request(endpoint, msg)
            r = {"line": n, "endpoint": endpoint, "status": status, "body": body}
            if errors:
                r["server_log"] = errors
            responses.append(r)
        status, body, _ = server.request("env_state", {})
        existing = json.loads(body) if status == 200 else []
        env_data = {}
        for e in envs:
            if e not in existing:
                env_data[e] = None
                continue
            status, windows, errs = server.request("win_data", {"eid": e, "win": None})
            if status != 200:
                raise RecordError("win_data %s: %s %s" % (e, status, errs))
            status, saved, errs = server.request("save", {"data": [e]})
            if status != 200 or e not in json.loads(saved):
                raise RecordError("save %s: %s %s %s" % (e, status, saved, errs))
            with open(os.path.join(server.env_path, e + ".json"), "rb") as f:
                env_file = f.read()
            env_data[e] = (env_file, windows.encode("utf-8"))
        return entries, responses, envs, env_data
    finally:
        server.stop()


# ---------------------------------------------------------------- scenarios

def visdom_versions(python):
    out = subprocess.run(
        [python, "-c", "import platform, visdom; print(visdom.__version__); "
                       "print(platform.python_version())"],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, timeout=120)
    if out.returncode != 0:
        raise RecordError("cannot import visdom with %s: %s"
                          % (python, out.stderr.decode("utf-8", "replace")[-500:]))
    v, p = out.stdout.decode().split()
    return v, p


def run_script(python, script, log_path, cwd):
    env = dict(os.environ)
    env.setdefault("MPLBACKEND", "Agg")
    env["PYTHONHASHSEED"] = "0"
    env["PYTHONDONTWRITEBYTECODE"] = "1"
    p = subprocess.run([python, script, log_path], cwd=cwd, env=env,
                       stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                       timeout=SCRIPT_TIMEOUT)
    if p.returncode != 0:
        raise RecordError("%s failed (exit %s):\n%s"
                          % (script, p.returncode, p.stderr.decode("utf-8", "replace")[-3000:]))
    if not os.path.isfile(log_path):
        raise RecordError("%s wrote no log" % script)


def description(script):
    with open(script, encoding="utf-8") as f:
        doc = ast.get_docstring(ast.parse(f.read())) or ""
    return " ".join(doc.split())


def write_expected(dest, envs, env_data):
    exp = os.path.join(dest, "expected")
    os.makedirs(exp, exist_ok=True)
    manifest_envs = {}
    for e in envs:
        data = env_data[e]
        if data is None:
            manifest_envs[e] = {"exists": False}
            continue
        env_file, windows = data
        with open(os.path.join(exp, e + ".json"), "wb") as f:
            f.write(env_file)
        with open(os.path.join(exp, e + ".windows.json"), "wb") as f:
            f.write(windows)
        manifest_envs[e] = {"exists": True,
                            "windows": list(json.loads(env_file.decode("utf-8"))["jsons"].keys())}
    return manifest_envs


def record_scenario(args, name, script, versions):
    work = tempfile.mkdtemp(prefix="record-%s-" % re.sub(r"[^\w.-]", "_", name))
    try:
        log_path = os.path.join(work, "log.jsonl")
        if script is not None:
            run_script(args.visdom_python, script, log_path, work)
        else:
            shutil.copyfile(args.from_log, log_path)
        entries, responses, envs, env_data = replay(args.visdom_python, log_path,
                                                    os.path.join(work, "server"), args.server_entry)

        os.makedirs(args.out, exist_ok=True)
        stage = os.path.join(args.out, ".%s.tmp" % name)
        shutil.rmtree(stage, ignore_errors=True)
        os.makedirs(stage)
        shutil.copyfile(log_path, os.path.join(stage, "log.jsonl"))
        if script is not None:
            shutil.copyfile(script, os.path.join(stage, "scenario.py"))
        with open(os.path.join(stage, "responses.jsonl"), "w", encoding="utf-8") as f:
            for r in responses:
                f.write(json.dumps(r, ensure_ascii=False) + "\n")
        manifest_envs = write_expected(stage, envs, env_data)

        counts = {}
        for r in responses:
            counts[str(r["status"])] = counts.get(str(r["status"]), 0) + 1
        endpoints = []
        for endpoint, _ in entries:
            if endpoint not in endpoints:
                endpoints.append(endpoint)
        manifest = {
            "scenario": name,
            "description": description(script) if script else "replay of %s"
                                                                % os.path.basename(args.from_log),
            "visdom_version": versions[0],
            "python_version": versions[1],
            "modes": ["log", "envfile"],
        }
        if any(e not in CLIENT_ENDPOINTS for e in endpoints):
            manifest["endpoints"] = endpoints
        manifest.update({
            "log_lines": len(entries),
            "log_bytes": os.path.getsize(log_path),
            "http_status_counts": dict(sorted(counts.items())),
            "envs": manifest_envs,
        })
        with open(os.path.join(stage, "manifest.json"), "w", encoding="utf-8") as f:
            f.write(json.dumps(manifest, indent=1, ensure_ascii=False) + "\n")

        dest = os.path.join(args.out, name)
        shutil.rmtree(dest, ignore_errors=True)
        os.rename(stage, dest)
        return counts, manifest_envs
    finally:
        if args.keep_temp:
            print("   temp files kept in %s" % work, file=sys.stderr)
        else:
            shutil.rmtree(work, ignore_errors=True)


def record_example(args):
    """examples/training-run.jsonl and examples/training-run.expected/ENV.json."""
    work = tempfile.mkdtemp(prefix="record-example-")
    try:
        log_path = os.path.join(work, "training-run.jsonl")
        run_script(args.visdom_python, EXAMPLE_SCRIPT, log_path, work)
        entries, responses, envs, env_data = replay(args.visdom_python, log_path,
                                                    os.path.join(work, "server"), args.server_entry)
        bad = [r for r in responses if r["status"] != 200 or "server_log" in r]
        if bad:
            raise RecordError("example: the server refused lines: %s" % bad[:3])
        os.makedirs(os.path.dirname(EXAMPLE_LOG), exist_ok=True)
        shutil.copyfile(log_path, EXAMPLE_LOG)
        shutil.rmtree(EXAMPLE_EXPECTED, ignore_errors=True)
        os.makedirs(EXAMPLE_EXPECTED)
        for e in envs:
            if env_data[e] is None:
                raise RecordError("example: env %s was not created" % e)
            with open(os.path.join(EXAMPLE_EXPECTED, e + ".json"), "wb") as f:
                f.write(env_data[e][0])
        print("example: %d lines, %d bytes -> %s; envs %s"
              % (len(entries), os.path.getsize(EXAMPLE_LOG), EXAMPLE_LOG, ", ".join(envs)))
    finally:
        shutil.rmtree(work, ignore_errors=True)


def resolve(names):
    """[(name, script path)] for scenario names or script paths."""
    if not names:
        names = sorted(f[:-3] for f in os.listdir(SCENARIOS_DIR)
                       if f.endswith(".py") and not f.startswith("_"))
    out = []
    for n in names:
        if n.endswith(".py") and os.path.isfile(n):
            path = os.path.abspath(n)
            base = os.path.basename(path)[:-3]
            name = os.path.basename(os.path.dirname(path)) if base == "scenario" else base
        else:
            path = os.path.join(SCENARIOS_DIR, n + ".py")
            name = n
            if not os.path.isfile(path):
                raise RecordError("no scenario script %s" % path)
        out.append((name, path))
    return out


def main():
    ap = argparse.ArgumentParser(description=__doc__,
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("names", nargs="*",
                    help="scenario names (scenarios/NAME.py) or paths to client scripts; "
                         "default: every scenarios/*.py")
    ap.add_argument("--visdom-python", default=os.environ.get("VISDOM_PYTHON", DEFAULT_PY),
                    help="Python with visdom and numpy installed (default: %(default)s)")
    ap.add_argument("--out", default=DEFAULT_OUT, help="output directory (default: %(default)s)")
    ap.add_argument("--example", action="store_true",
                    help="record examples/training-run.jsonl and its expected export instead")
    ap.add_argument("--from-log", metavar="LOG",
                    help="replay an existing log instead of running a script (needs --name)")
    ap.add_argument("--name", help="scenario name for --from-log")
    ap.add_argument("--server-entry", choices=["main", "module"], default="main",
                    help="'main' runs visdom.server.run_server.main (default); 'module' runs "
                         "`python -m visdom.server`, which first downloads the web UI's "
                         "scripts and fails without internet")
    ap.add_argument("--keep-going", action="store_true", help="continue after a failed scenario")
    ap.add_argument("--keep-temp", action="store_true", help="keep temporary files (server logs)")
    args = ap.parse_args()
    args.out = os.path.abspath(args.out)

    versions = visdom_versions(args.visdom_python)
    print("visdom %s, python %s (%s)" % (versions[0], versions[1], args.visdom_python))
    if args.example:
        record_example(args)
        return 0
    if args.from_log:
        if not args.name:
            ap.error("--from-log needs --name")
        todo = [(args.name, None)]
    else:
        todo = resolve(args.names)

    failed = []
    for name, script in todo:
        t0 = time.time()
        try:
            counts, envs = record_scenario(args, name, script, versions)
        except (RecordError, subprocess.TimeoutExpired, OSError, ValueError) as e:
            failed.append(name)
            print("FAIL %s: %s" % (name, e), flush=True)
            if not args.keep_going:
                break
            continue
        print("ok   %-32s %s  envs: %s  (%.1fs)" % (
            name, " ".join("%s×%d" % kv for kv in counts.items()),
            ", ".join(e if v["exists"] else e + "(absent)" for e, v in envs.items()),
            time.time() - t0), flush=True)
    if failed:
        print("failed: %s" % " ".join(failed))
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
