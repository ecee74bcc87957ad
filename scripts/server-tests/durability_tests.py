#!/usr/bin/env python3
"""logstore-server's durable answers with `--durability full`, seen in the system calls of the
built binary run under `strace -f` (installed if missing; run by scripts/server-tests/run.sh):

    durability_tests.py --server Server/.build/debug/logstore-server

- acks: every `/update` answer is written only after an `fdatasync` of the store's `-wal` file
  that began after the update's commit (its last write to the WAL) and ended before the
  answer, and the store's directory was synced before the first answer;
"""

import argparse
import http.client
import json
import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
from server_process import run_tests  # noqa: E402

TRACED = "pwrite64,fdatasync,fsync,read,write,writev,sendmsg,recvfrom,recvmsg"


class Failure(Exception):
    pass


def ensure_strace():
    if shutil.which("strace"):
        return
    print("installing: strace", file=sys.stderr)
    sudo = [] if os.geteuid() == 0 else ["sudo"]
    env = dict(os.environ, DEBIAN_FRONTEND="noninteractive")
    subprocess.run(sudo + ["apt-get", "update", "-qq"], check=True, env=env)
    subprocess.run(sudo + ["apt-get", "install", "-y", "-qq", "strace"], check=True, env=env, stdout=subprocess.DEVNULL)


class TracedServer:
    """logstore-server under `strace -f`, its trace in `out`; `pid` is the server's own."""

    def __init__(self, binary, db, out):
        self.out = out
        self.proc = subprocess.Popen(
            ["strace", "-f", "-qq", "-ttt", "-T", "-yy", "-s", "24", "-e", "trace=" + TRACED, "-o", out,
             binary, "--db", db, "--port", "0", "--durability", "full"],
            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        line = self.proc.stdout.readline()
        m = re.search(r" on http://[^:/]+:(\d+)", line)
        if not m:
            self.proc.kill()
            raise Failure("the server under strace did not start: %r %s" % (line, self.proc.stderr.read()))
        self.port = int(m.group(1))
        with open("/proc/%d/task/%d/children" % (self.proc.pid, self.proc.pid)) as f:
            self.pid = int(f.read().split()[0])

    def stop(self):
        """SIGTERM to the server itself (strace would detach from it and leave it running)."""
        if self.proc.poll() is None:
            os.kill(self.pid, signal.SIGTERM)
            try:
                self.proc.wait(timeout=60)
            except subprocess.TimeoutExpired:
                os.kill(self.pid, signal.SIGKILL)
                self.proc.wait()
        self.proc.stdout.close()
        self.proc.stderr.close()


LINE = re.compile(r"^(\d+)\s+(\d+\.\d+)\s+(.*)$")
CALL = re.compile(r"^(\w+)\((-?\d+)(?:<(.*?)>(?=[,)\s]))?(.*)$")  # a socket's path holds "->"
RESUMED = re.compile(r"^<\.\.\. (\w+) resumed>(.*)$")
DURATION = re.compile(r"<(\d+\.\d+)>\s*$")


def parse(out):
    """The calls in the trace: dicts of tid, name, fd path, start, end and text (arguments and result)."""
    calls, open_calls = [], {}
    with open(out, errors="replace") as f:
        for raw in f:
            m = LINE.match(raw.rstrip("\n"))
            if not m:
                continue
            tid, ts, body = int(m.group(1)), float(m.group(2)), m.group(3)
            r = RESUMED.match(body)
            if r:
                call = open_calls.pop((tid, r.group(1)), None)
                if call is None:
                    continue
                call["text"] += r.group(2)
                d = DURATION.search(body)
                call["end"] = call["start"] + float(d.group(1)) if d else ts
                calls.append(call)
                continue
            c = CALL.match(body)
            if not c:
                continue
            call = {"tid": tid, "name": c.group(1), "path": c.group(3) or "", "start": ts, "text": c.group(4)}
            if body.endswith("<unfinished ...>"):
                open_calls[(tid, call["name"])] = call
                continue
            d = DURATION.search(body)
            call["end"] = ts + (float(d.group(1)) if d else 0.0)
            calls.append(call)
    calls.sort(key=lambda c: c["start"])
    return calls


def exchanges(calls):
    """(request read end, answer write start) for each `/update` on each connection, in order."""
    pairs, waiting = [], {}
    for c in calls:
        if not c["path"].startswith("TCP"):
            continue
        if c["name"] in ("read", "recvfrom", "recvmsg") and "POST /update" in c["text"]:
            waiting[c["path"]] = c["end"]
        elif c["name"] in ("write", "writev", "sendmsg") and "HTTP/1.1 " in c["text"] and c["path"] in waiting:
            pairs.append((waiting.pop(c["path"]), c["start"]))
    return pairs


def is_wal(c):
    return c["path"].endswith("-wal")


def wal_syncs(calls):
    return [c for c in calls if c["name"] in ("fdatasync", "fsync") and is_wal(c) and c["text"].rstrip().split("=")[-1].split()[0] == "0"]


def updates(port, count, window):
    """`count` appends to `window` on one keep-alive connection, as the visdom client sends them."""
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=120)
    trace = {"x": [0], "y": [0.0], "name": "1", "type": "scatter", "mode": "lines"}
    body = {"eid": "main", "win": window, "data": [trace], "layout": {}, "opts": {}}
    conn.request("POST", "/events", json.dumps(body))
    if conn.getresponse().read() is None:
        raise Failure("no answer to /events")
    for k in range(1, count + 1):
        trace.update(x=[k], y=[k / 4])
        conn.request("POST", "/update", json.dumps(dict(body, name=None, append=True)))
        r = conn.getresponse()
        r.read()
        if r.status != 200:
            raise Failure("/update answered %d" % r.status)
    conn.close()


def traced_run(binary, tmp, name, load):
    db = os.path.join(tmp, name + ".db")
    out = os.path.join(tmp, name + ".strace")
    server = TracedServer(binary, db, out)
    try:
        load(server.port)
    finally:
        server.stop()
    return db, parse(out)


def test_acks(binary, tmp):
    db, calls = traced_run(binary, tmp, "acks", lambda port: updates(port, 30, "w"))
    pairs = exchanges(calls)
    if len(pairs) != 30:
        raise Failure("found %d /update exchanges in the trace, not 30" % len(pairs))
    wal_writes = [c for c in calls if c["name"] == "pwrite64" and is_wal(c)]
    syncs = wal_syncs(calls)
    for i, (request, answer) in enumerate(pairs):
        commits = [w["end"] for w in wal_writes if request < w["end"] < answer]
        if not commits:
            raise Failure("update %d: no write to the WAL between its request and its answer" % i)
        commit = max(commits)
        if not any(s["start"] >= commit and s["end"] <= answer for s in syncs):
            raise Failure("update %d answered at %.6f without an fdatasync of the WAL between its commit (%.6f) "
                          "and its answer" % (i, answer, commit))
    directory = os.path.dirname(os.path.abspath(db))
    # SQLite syncs a directory with fdatasync, the store's syncer with fsync.
    dir_syncs = [c for c in calls if c["name"] in ("fsync", "fdatasync") and c["path"] == directory]
    if not dir_syncs or min(c["end"] for c in dir_syncs) > pairs[0][1]:
        raise Failure("the store's directory was not synced before the first answer")
    print("acks: each of 30 sequential /update answers follows an fdatasync of the WAL that began after the "
          "update's commit (%d WAL syncs), and the directory was synced before the first" % len(syncs))


TESTS = {"acks": test_acks}


def ptrace_refused():
    """Why strace cannot trace here (a container without ptrace), or None."""
    r = subprocess.run(["strace", "-qq", "-o", os.devnull, "true"], capture_output=True, text=True)
    return None if r.returncode == 0 else (r.stderr.strip().splitlines() or ["exit %d" % r.returncode])[-1]


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--server", required=True)
    ap.add_argument("--only", default=",".join(TESTS))
    args = ap.parse_args()
    ensure_strace()
    refused = ptrace_refused()
    if refused:
        print("SKIPPED: durability_tests: strace cannot trace on this machine: %s" % refused)
        return
    with tempfile.TemporaryDirectory(prefix="logstore-durability-") as tmp:
        run_tests(TESTS, args.only.split(","), Failure, os.path.abspath(args.server), tmp)


if __name__ == "__main__":
    main()
