#!/usr/bin/env python3
"""Load on loopback: logstore-server next to the real visdom 0.2.4 server, same workload.

    load.py --server Server/.build/release/logstore-server [--seconds 10] [--clients 1,8,64]
            [--markdown FILE]

The workload is what a training script's `vis.line(X=[step], Y=[value], win=W,
update="append")` sends, with the bodies captured from the visdom client itself: a
`/win_exists` for W, then an `/update` appending one point to W; call k goes to window k mod 64
(64 line windows, created beforehand with one point). For each number of
concurrent clients (keep-alive connections of `wrk`, a C load generator, one thread), each
server starts fresh and takes `--seconds` of load; reported are requests/s, p50 and p99
latency, and non-200 answers. logstore-server runs with both durabilities: `full` (its
default: every answer is fsynced) and `normal`; visdom keeps everything in memory and saves
nothing. Everything shares this machine's cores with the load generator.
"""

import argparse
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time

import requests
import visdom

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
from server_process import ServerProcess, VisdomServerProcess  # noqa: E402

WINDOWS = 64

LUA = r"""
local counter = 0
local exists_prefix = %(exists_prefix)s
local exists_suffix = %(exists_suffix)s
local prefix = %(prefix)s
local middle = %(middle)s
local suffix = %(suffix)s
-- the client's two requests per call, in turn: /win_exists of the window, then /update
request = function()
  counter = counter + 1
  local step = math.floor((counter + 1) / 2)
  local window = step %% %(windows)d
  if counter %% 2 == 1 then
    return wrk.format("POST", "/win_exists", nil, exists_prefix .. window .. exists_suffix)
  end
  return wrk.format("POST", "/update", nil, prefix .. step .. middle .. window .. suffix)
end
done = function(summary, latency, requests)
  io.write(string.format('RESULT {"requests": %%d, "duration_us": %%d, "status_errors": %%d, "socket_errors": %%d, "p50_us": %%d, "p99_us": %%d, "max_us": %%d}\n',
    summary.requests, summary.duration, summary.errors.status,
    summary.errors.connect + summary.errors.read + summary.errors.write + summary.errors.timeout,
    latency:percentile(50), latency:percentile(99), latency.max))
end
"""


def client_bodies():
    """The bodies the real client sends for `vis.line(X=[step], Y=[value], win=W,
    update="append")`: /win_exists (online, the client first asks whether W exists), then
    /update; each split around the window number (and the step)."""
    captured = []

    class Capture(visdom.Visdom):
        def _handle_post(self, url, data=None):
            captured.append((url.rsplit("/", 1)[1], data))
            return "w"

    vis = Capture(server="http://127.0.0.1", port=1, use_incoming_socket=False, send=True)
    captured.clear()
    vis.line(X=[123456789], Y=[0.25], win="w987654321", update="append")
    assert [e for e, _ in captured] == ["win_exists", "update"], captured
    exists, update = captured[0][1], captured[1][1]
    exists_prefix, exists_suffix = exists.split("987654321", 1)
    before, rest = update.split("123456789", 1)
    middle, after = rest.split("987654321", 1)
    return (exists_prefix, exists_suffix), (before, middle, after)


def create_windows(port):
    vis = visdom.Visdom(server="http://127.0.0.1", port=port, use_incoming_socket=False, raise_exceptions=True)
    for k in range(WINDOWS):
        vis.line(X=[0], Y=[0.0], win="w%d" % k, opts=dict(title="loss %d" % k))


def run_wrk(port, clients, seconds, script):
    cmd = ["wrk", "-t1", "-c%d" % clients, "-d%ds" % seconds, "--timeout", "30s", "-s", script,
           "http://127.0.0.1:%d/update" % port]
    out = subprocess.run(cmd, capture_output=True, text=True, timeout=seconds + 120)
    m = re.search(r"^RESULT (\{.*\})$", out.stdout, re.M)
    if not m:
        raise RuntimeError("wrk: %s %s" % (out.stdout, out.stderr))
    r = json.loads(m.group(1))
    r["rps"] = r["requests"] / (r["duration_us"] / 1e6)
    return r


def fmt_us(us):
    return "%.2f ms" % (us / 1000.0) if us >= 1000 else "%d µs" % us


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--server", required=True)
    ap.add_argument("--seconds", type=int, default=10)
    ap.add_argument("--clients", default="1,8,64")
    ap.add_argument("--markdown")
    args = ap.parse_args()
    if not shutil.which("wrk"):
        sys.exit("load.py: wrk is missing (scripts/server-tests/load.sh installs it)")
    (exists_prefix, exists_suffix), (before, middle, after) = client_bodies()
    rows = []
    with tempfile.TemporaryDirectory(prefix="logstore-load-") as tmp:
        script = os.path.join(tmp, "append.lua")
        with open(script, "w") as f:
            f.write(LUA % {"exists_prefix": json.dumps(exists_prefix), "exists_suffix": json.dumps(exists_suffix),
                           "prefix": json.dumps(before), "middle": json.dumps(middle),
                           "suffix": json.dumps(after), "windows": WINDOWS})
        for clients in [int(c) for c in args.clients.split(",")]:
            for name in ("visdom 0.2.4", "logstore-server, durability full", "logstore-server, durability normal"):
                work = tempfile.mkdtemp(dir=tmp)
                if name.startswith("visdom"):
                    env_path = os.path.join(work, "env")
                    os.makedirs(env_path)
                    server = VisdomServerProcess(sys.executable, free_port(), env_path)
                else:
                    durability = name.rsplit(" ", 1)[1]
                    server = ServerProcess(args.server, os.path.join(work, "load.db"), "--durability", durability)
                try:
                    create_windows(server.port)
                    r = run_wrk(server.port, clients, args.seconds, script)
                    stored = stored_points(server.port)
                finally:
                    server.stop()
                r.update(server=name, clients=clients, stored=stored)
                rows.append(r)
                print("%-36s clients=%-3d %8.0f req/s  p50 %-9s p99 %-9s non-200 %d  socket errors %d  points stored %d"
                      % (name, clients, r["rps"], fmt_us(r["p50_us"]), fmt_us(r["p99_us"]),
                         r["status_errors"], r["socket_errors"], stored), flush=True)
    table = ["| clients | server | requests/s | p50 | p99 | non-200 | points stored | vs visdom, requests/s |",
             "|---:|---|---:|---:|---:|---:|---:|---:|"]
    for r in rows:
        base = next(x for x in rows if x["clients"] == r["clients"] and x["server"].startswith("visdom"))
        table.append("| %d | %s | %.0f | %s | %s | %d | %d | %.2f× |" % (
            r["clients"], r["server"], r["rps"], fmt_us(r["p50_us"]), fmt_us(r["p99_us"]),
            r["status_errors"] + r["socket_errors"], r["stored"], r["rps"] / base["rps"]))
    text = "\n".join(table) + "\n"
    print(text)
    if args.markdown:
        with open(args.markdown, "w") as f:
            f.write(text)


def stored_points(port):
    """Points the server holds after the run (64 windows' x), as a check that the load was applied."""
    total = 0
    data = json.loads(requests.post("http://127.0.0.1:%d/win_data" % port,
                                    data=json.dumps({"win": None, "eid": "main"}), timeout=300).text)
    for w in data.values():
        for trace in w["content"]["data"]:
            total += len(trace["x"])
    return total - WINDOWS


def free_port():
    import socket
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


if __name__ == "__main__":
    main()
