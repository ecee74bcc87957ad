#!/usr/bin/env python3
"""Load on loopback: logstore-server next to the real visdom 0.2.4 server and a floor, same
workload, then two hostile probes.

    load.py --server Server/.build/release/logstore-server [--floor .../load-floor]
            [--seconds 10] [--clients 1,8,64] [--runs 1] [--probes] [--markdown FILE]

The workload is what a training script's `vis.line(X=[step], Y=[value], win=W,
update="append")` sends, with the bodies captured from the visdom client itself: a
`/win_exists` for W, then an `/update` appending one point to W; call k goes to window k mod 64
(64 line windows, created beforehand with one point). For each number of
concurrent clients (keep-alive connections of `wrk`, a C load generator, one thread), each
server starts fresh and takes `--seconds` of load; reported are requests/s, p50 and p99
latency, non-200 answers, the server's resident memory (peak during the load, and 2 s
after it) and the CPU time it used (all threads, user and system) per request answered.
logstore-server runs with both durabilities: `full` (its default: every answer is fsynced)
and `normal`; visdom keeps everything in memory and saves nothing. The floor (`load-floor`,
in the Server package) is a bare Hummingbird server answering every request with a fixed
200: what the HTTP stack alone serves here, so logstore-server's requests/s are also given as
a fraction of it. With `--runs N` every figure is the median of N runs.
Everything shares this machine's cores with the load generator. So that a tail latency can be
read against the machine, the run also reports the load average at its start and end and, in
the directory the stores live in, the latency of `fdatasync` after an 8 KiB write (what each of
logstore-server's group commits waits for with durability full) over 5 s before and after.

`--probes` then runs, against a fresh logstore-server each, (1) slowloris: 15,000 connections
that send half a request head and stall, held 20 s, while a well-behaved client keeps asking
`/env_state`; (2) big echo: one `/vis_socket` that never reads, and 800 echo messages of 1 MB
(fragmented in 16 KB frames) from another socket. Reported: the server's RSS before, peak
during, and 5 s after the probe's connections closed, and the well-behaved client's latency.
"""

import argparse
import json
import os
import re
import select
import shutil
import subprocess
import sys
import tempfile
import threading
import time

import requests
import visdom

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
from server_process import half_sent_requests, ServerProcess, VisdomServerProcess, free_port  # noqa: E402
from hardening_tests import ws_connect, ws_frame  # noqa: E402

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


def rss_mb(pid):
    try:
        with open("/proc/%d/status" % pid) as f:
            for line in f:
                if line.startswith("VmRSS:"):
                    return int(line.split()[1]) / 1024.0
    except OSError:
        pass
    return 0.0


def cpu_seconds(pid):
    """The CPU time (user and system, all threads) process `pid` has used, from /proc."""
    try:
        with open("/proc/%d/stat" % pid) as f:
            fields = f.read().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
    except OSError:
        return 0.0


class RSSSampler:
    """The peak resident memory of a process, sampled every 50 ms while running."""

    def __init__(self, pid):
        self.pid, self.peak, self.stop = pid, rss_mb(pid), threading.Event()
        self.thread = threading.Thread(target=self.run, daemon=True)
        self.thread.start()

    def run(self):
        while not self.stop.wait(0.05):
            self.peak = max(self.peak, rss_mb(self.pid))

    def finish(self):
        self.stop.set()
        self.thread.join()
        return self.peak


def run_wrk(port, clients, seconds, script, pid=None):
    cmd = ["wrk", "-t1", "-c%d" % clients, "-d%ds" % seconds, "--timeout", "30s", "-s", script,
           "http://127.0.0.1:%d/update" % port]
    sampler = RSSSampler(pid) if pid else None
    cpu_before = cpu_seconds(pid) if pid else 0.0
    out = subprocess.run(cmd, capture_output=True, text=True, timeout=seconds + 120)
    cpu_used = (cpu_seconds(pid) - cpu_before) if pid else 0.0
    m = re.search(r"^RESULT (\{.*\})$", out.stdout, re.M)
    if not m:
        raise RuntimeError("wrk: %s %s" % (out.stdout, out.stderr))
    r = json.loads(m.group(1))
    r["rps"] = r["requests"] / (r["duration_us"] / 1e6)
    r["cpu_us"] = cpu_used * 1e6 / max(1, r["requests"])
    r["rss_peak"] = sampler.finish() if sampler else 0.0
    time.sleep(2)
    r["rss_after"] = rss_mb(pid) if pid else 0.0
    return r


class FloorProcess:
    """`load-floor`: a bare Hummingbird server answering 200 "true" to everything."""

    def __init__(self, binary):
        self.proc = subprocess.Popen([binary, "--port", "0"], stdout=subprocess.PIPE, text=True)
        line = self.proc.stdout.readline()
        m = re.search(r":(\d+)\s*$", line)
        if not m:
            self.stop()
            raise RuntimeError("load-floor did not start: %r" % line)
        self.port = int(m.group(1))

    def stop(self):
        if self.proc.poll() is None:
            self.proc.terminate()
            self.proc.wait(timeout=20)


def median(values):
    v = sorted(values)
    n = len(v)
    return v[n // 2] if n % 2 else (v[n // 2 - 1] + v[n // 2]) / 2.0


def fmt_us(us):
    return "%.2f ms" % (us / 1000.0) if us >= 1000 else "%d µs" % us


SERVERS = ("floor (bare Hummingbird, fixed 200)", "visdom 0.2.4", "logstore-server, durability full",
           "logstore-server, durability normal")


def one_run(args, clients, name, script, tmp):
    work = tempfile.mkdtemp(dir=tmp)
    if name.startswith("floor"):
        server = FloorProcess(args.floor)
    elif name.startswith("visdom"):
        env_path = os.path.join(work, "env")
        os.makedirs(env_path)
        server = VisdomServerProcess(sys.executable, free_port(), env_path)
    else:
        durability = name.rsplit(" ", 1)[1]
        server = ServerProcess(args.server, os.path.join(work, "load.db"), "--durability", durability)
    try:
        if not name.startswith("floor"):
            create_windows(server.port)
        r = run_wrk(server.port, clients, args.seconds, script, server.proc.pid)
        r["stored"] = None if name.startswith("floor") else stored_points(server.port)
    finally:
        server.stop()
    shutil.rmtree(work, ignore_errors=True)
    return r


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--server", required=True)
    ap.add_argument("--floor", help="the load-floor binary (default: next to --server)")
    ap.add_argument("--seconds", type=int, default=10)
    ap.add_argument("--clients", default="1,8,64")
    ap.add_argument("--runs", type=int, default=1)
    ap.add_argument("--probes", action="store_true")
    ap.add_argument("--markdown")
    args = ap.parse_args()
    args.floor = args.floor or os.path.join(os.path.dirname(os.path.abspath(args.server)), "load-floor")
    if not shutil.which("wrk"):
        sys.exit("load.py: wrk is missing (scripts/server-tests/load.sh installs it)")
    (exists_prefix, exists_suffix), (before, middle, after) = client_bodies()
    runs = {}
    machine = ["load average at the start: %s" % loadavg()]
    with tempfile.TemporaryDirectory(prefix="logstore-load-") as tmp:
        machine.append("disk before: " + disk_probe(tmp))
        print(machine[-1], flush=True)
        script = os.path.join(tmp, "append.lua")
        with open(script, "w") as f:
            f.write(LUA % {"exists_prefix": json.dumps(exists_prefix), "exists_suffix": json.dumps(exists_suffix),
                           "prefix": json.dumps(before), "middle": json.dumps(middle),
                           "suffix": json.dumps(after), "windows": WINDOWS})
        for run in range(args.runs):
            for clients in [int(c) for c in args.clients.split(",")]:
                for name in SERVERS:
                    r = one_run(args, clients, name, script, tmp)
                    runs.setdefault((clients, name), []).append(r)
                    print("run %d  %-38s clients=%-3d %8.0f req/s  p50 %-9s p99 %-9s non-200 %d  socket errors %d  "
                          "RSS peak %.0f MB after %.0f MB  CPU %.0f µs/request  points stored %s"
                          % (run + 1, name, clients, r["rps"], fmt_us(r["p50_us"]), fmt_us(r["p99_us"]),
                             r["status_errors"], r["socket_errors"], r["rss_peak"], r["rss_after"], r["cpu_us"], r["stored"]), flush=True)
        machine.append("disk after: " + disk_probe(tmp))
        print(machine[-1], flush=True)
        probe_rows = run_probes(args, tmp) if args.probes else []
    machine.append("load average at the end: %s" % loadavg())
    rows = []
    for (clients, name), rs in runs.items():
        row = {k: median([r[k] for r in rs]) for k in ("rps", "p50_us", "p99_us", "rss_peak", "rss_after", "cpu_us")}
        row.update(clients=clients, server=name, errors=sum(r["status_errors"] + r["socket_errors"] for r in rs),
                   stored=None if rs[0]["stored"] is None else median([r["stored"] for r in rs]), n=len(rs))
        rows.append(row)
    table = ["| clients | server | requests/s | p50 | p99 | non-200 | RSS peak / after | CPU per request | points stored | vs floor | vs visdom |",
             "|---:|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|"]
    for r in rows:
        floor = next(x for x in rows if x["clients"] == r["clients"] and x["server"].startswith("floor"))
        base = next(x for x in rows if x["clients"] == r["clients"] and x["server"].startswith("visdom"))
        table.append("| %d | %s | %.0f | %s | %s | %d | %.0f / %.0f MB | %.0f µs | %s | %.0f%% | %.2f× |" % (
            r["clients"], r["server"], r["rps"], fmt_us(r["p50_us"]), fmt_us(r["p99_us"]), r["errors"],
            r["rss_peak"], r["rss_after"], r["cpu_us"], "–" if r["stored"] is None else "%d" % r["stored"],
            100.0 * r["rps"] / floor["rps"], r["rps"] / base["rps"]))
    text = "Medians of %d run(s), %d s each. %s.\n\n" % (args.runs, args.seconds, "; ".join(machine)) + "\n".join(table) + "\n"
    if probe_rows:
        text += "\n| probe (logstore-server) | RSS before | RSS peak during | RSS 5 s after | well-behaved client |\n|---|---:|---:|---:|---|\n"
        for p in probe_rows:
            text += "| %s | %.0f MB | %.0f MB | %.0f MB | %s |\n" % (p["probe"], p["before"], p["peak"], p["after"], p["client"])
    print(text)
    if args.markdown:
        with open(args.markdown, "w") as f:
            f.write(text)


def run_probes(args, tmp):
    rows = []
    for probe in (slowloris_probe, big_echo_probe):
        server = ServerProcess(args.server, os.path.join(tempfile.mkdtemp(dir=tmp), "probe.db"))
        try:
            row = probe(server)
        finally:
            server.stop()
        print("probe: %r" % row, flush=True)
        rows.append(row)
    return rows


def slowloris_probe(server, connections=15000, hold=20):
    """Half-sent request heads on `connections` sockets, held `hold` seconds."""
    pid = server.proc.pid
    before = rss_mb(pid)
    sampler = RSSSampler(pid)
    socks = half_sent_requests(server.port, connections, b"POST /update HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Le")
    latencies, failures = [], 0
    deadline = time.time() + hold
    while time.time() < deadline:
        started = time.time()
        try:
            r = requests.post("http://127.0.0.1:%d/env_state" % server.port, data="{}", timeout=30)
            if r.status_code != 200:
                failures += 1
        except requests.RequestException:
            failures += 1
        latencies.append(time.time() - started)
        time.sleep(0.2)
    for s in socks:
        s.close()
    peak = sampler.finish()
    time.sleep(5)
    latencies.sort()
    client = "%d requests, %d failed, median %.2f s, max %.2f s" % (
        len(latencies), failures, median(latencies), latencies[-1])
    return {"probe": "slowloris: %d half-sent request heads held %d s" % (connections, hold),
            "before": before, "peak": peak, "after": rss_mb(pid), "client": client}


def big_echo_probe(server, messages=800, size=1 << 20, frame=1 << 14):
    """One /vis_socket that never reads; another sends `messages` echoes of `size` bytes."""
    pid = server.proc.pid
    before = rss_mb(pid)
    sampler = RSSSampler(pid)
    idle, _, _ = ws_connect(server.port, "/vis_socket")
    sender, _, _ = ws_connect(server.port, "/vis_socket")
    stop = threading.Event()

    # The socket stays blocking for sendall (a timeout set here would apply to the sends too,
    # and a send the busy server takes a second to read would end the probe); the reader
    # waits with select instead.
    sender.settimeout(None)

    def drain():
        while not stop.is_set():
            try:
                if select.select([sender], [], [], 1)[0] and not sender.recv(1 << 20):
                    return
            except (OSError, ValueError):
                return
    reader = threading.Thread(target=drain, daemon=True)
    reader.start()
    payload = json.dumps({"cmd": "echo", "data": "x" * (size - 30)}).encode()
    sent, failure = 0, None
    try:
        for _ in range(messages):
            for i in range(0, len(payload), frame):
                chunk = payload[i:i + frame]
                opcode = 1 if i == 0 else 0
                f = ws_frame(opcode, chunk)
                if i + frame < len(payload):
                    f = bytes([f[0] & 0x7F]) + f[1:]  # not the final fragment
                sender.sendall(f)
            sent += 1
    except OSError as e:
        failure = e
    time.sleep(2)
    started = time.time()
    try:
        status = requests.post("http://127.0.0.1:%d/env_state" % server.port, data="{}", timeout=30).status_code
    except requests.RequestException as e:
        status = repr(e)
    waited = time.time() - started
    stop.set()
    idle.close()
    sender.close()
    reader.join(timeout=5)
    peak = sampler.finish()
    time.sleep(5)
    stopped = "" if failure is None else " (then the sender's socket failed: %s)" % failure.__class__.__name__
    return {"probe": "big echo: %d of %d messages of 1 MB sent%s, one socket not reading" % (sent, messages, stopped),
            "before": before, "peak": peak, "after": rss_mb(pid),
            "client": "/env_state answered %s in %.2f s" % (status, waited)}


def loadavg():
    with open("/proc/loadavg") as f:
        return " ".join(f.read().split()[:3])


def disk_probe(directory, seconds=5):
    """Latency of fdatasync after an 8 KiB write over an allocated block of a file in
    `directory`, for `seconds`: the floor under a durable commit's latency on this disk, as
    loaded right now."""
    path = os.path.join(directory, "fsync-probe")
    fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o644)
    block, lat, i = os.urandom(8192), [], 0
    # blocks already allocated, as in a WAL file that has wrapped: a write changes no metadata
    os.write(fd, block * 1000)
    os.fsync(fd)
    end = time.time() + seconds
    try:
        while time.time() < end:
            os.pwrite(fd, block, (i % 1000) * 8192)
            i += 1
            started = time.perf_counter()
            os.fdatasync(fd)
            lat.append(time.perf_counter() - started)
    finally:
        os.close(fd)
        os.remove(path)
    lat.sort()
    n = len(lat)
    return "fdatasync p50 %s, p99 %s (%d calls)" % (fmt_us(lat[n // 2] * 1e6), fmt_us(lat[int(n * 0.99)] * 1e6), n)


def stored_points(port):
    """Points the server holds after the run (64 windows' x), as a check that the load was applied."""
    total = 0
    data = json.loads(requests.post("http://127.0.0.1:%d/win_data" % port,
                                    data=json.dumps({"win": None, "eid": "main"}), timeout=300).text)
    for w in data.values():
        for trace in w["content"]["data"]:
            total += len(trace["x"])
    return total - WINDOWS


if __name__ == "__main__":
    main()
