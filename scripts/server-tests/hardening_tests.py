#!/usr/bin/env python3
"""logstore-server against hostile and careless clients (issue 17) and its own lifecycle
(issue 15), through the built binary with raw sockets, http.client and the real visdom server.

    hardening_tests.py --server Server/.build/debug/logstore-server --logstore .build/debug/logstore
                       [--only origin,names,timeouts,websocket,sizes,refused,compat,shutdown,logging,port,checkpoints]

Each test prints one line saying what it showed; run by scripts/server-tests/run.sh.
"""

import argparse
import base64
import http.client
import json
import os
import random
import select
import shutil
import signal
import socket
import sqlite3
import struct
import subprocess
import sys
import tempfile
import threading
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
from server_process import half_sent_requests, run_tests, ServerProcess, VisdomServerProcess, free_port  # noqa: E402

LOGSTORE = None


class Failure(Exception):
    pass


def request(server, method, path, body=None, headers=None, timeout=30):
    c = http.client.HTTPConnection("127.0.0.1", server.port, timeout=timeout)
    try:
        c.request(method, path, body=body, headers=headers or {})
        r = c.getresponse()
        return r.status, r.read(), dict(r.getheaders())
    finally:
        c.close()


def post(server, path, obj, headers=None):
    body = obj if isinstance(obj, (bytes, str)) else json.dumps(obj)
    status, data, _ = request(server, "POST", path, body, headers)
    return status, data


def expect(what, got, want):
    if got != want:
        raise Failure("%s: got %r, want %r" % (what, got, want))


# --- websocket by hand -------------------------------------------------------------------

def ws_connect(port, path, headers=None):
    """A raw socket after a websocket handshake; returns (socket, status line, head)."""
    s = socket.create_connection(("127.0.0.1", port), timeout=10)
    key = base64.b64encode(os.urandom(16)).decode()
    lines = ["GET %s HTTP/1.1" % path, "Host: 127.0.0.1:%d" % port, "Upgrade: websocket",
             "Connection: Upgrade", "Sec-WebSocket-Key: " + key, "Sec-WebSocket-Version: 13"]
    lines += ["%s: %s" % kv for kv in (headers or {}).items()]
    s.sendall(("\r\n".join(lines) + "\r\n\r\n").encode())
    head = b""
    while b"\r\n\r\n" not in head:
        chunk = s.recv(4096)
        if not chunk:
            break
        head += chunk
    return s, head.split(b"\r\n", 1)[0].decode(), head


def ws_frame(opcode, payload, masked=True):
    first = bytes([0x80 | opcode])
    n = len(payload)
    mask_bit = 0x80 if masked else 0
    if n < 126:
        header = first + bytes([mask_bit | n])
    elif n < 65536:
        header = first + bytes([mask_bit | 126]) + struct.pack(">H", n)
    else:
        header = first + bytes([mask_bit | 127]) + struct.pack(">Q", n)
    if not masked:
        return header + payload
    key = os.urandom(4)
    mask = (key * (n // 4 + 1))[:n]
    # XOR as one big integer: a byte at a time takes ~0.2 s per MB
    masked = (int.from_bytes(payload, "little") ^ int.from_bytes(mask, "little")).to_bytes(n, "little")
    return header + key + masked


def ws_read_frames(s, timeout=10):
    """Frames until the server closes: [(opcode, payload)]."""
    s.settimeout(timeout)
    data = b""
    try:
        while True:
            chunk = s.recv(65536)
            if not chunk:
                break
            data += chunk
    except (socket.timeout, ConnectionResetError):
        pass
    return ws_parse_frames(data)


def ws_parse_frames(data):
    """The server's frames in `data` (unmasked, as a server sends): [(opcode, payload)]."""
    frames = []
    i = 0
    while i + 2 <= len(data):
        op, n = data[i] & 0x0F, data[i + 1] & 0x7F
        i += 2
        if n == 126:
            n = struct.unpack(">H", data[i:i + 2])[0]
            i += 2
        elif n == 127:
            n = struct.unpack(">Q", data[i:i + 8])[0]
            i += 8
        frames.append((op, data[i:i + n]))
        i += n
    return frames


def close_code(frames):
    for op, payload in frames:
        if op == 8 and len(payload) >= 2:
            return struct.unpack(">H", payload[:2])[0]
    return None


# --- 1. Host and Origin ------------------------------------------------------------------

def test_origin(binary, logstore, tmp):
    with ServerProcess(binary, os.path.join(tmp, "origin.db")) as server:
        own = "http://127.0.0.1:%d" % server.port
        expect("a text window", post(server, "/events", {"eid": "x", "win": "t", "data": [{"content": "hi", "type": "text"}]})[0], 200)
        # a cross-site form post (text/plain, foreign Origin) does not delete the env
        status, _ = post(server, "/delete_env", {"eid": "x"}, {"Origin": "http://evil.example", "Content-Type": "text/plain"})
        expect("delete_env from http://evil.example", status, 403)
        status, _ = post(server, "/delete_env", {"eid": "x"}, {"Origin": "null"})
        expect("delete_env from Origin null", status, 403)
        status, _ = post(server, "/delete_env", {"eid": "x"}, {"Sec-Fetch-Site": "cross-site"})
        expect("delete_env marked Sec-Fetch-Site: cross-site", status, 403)
        expect("the env after the refused deletes", post(server, "/env_state", {})[1], b'["main", "x"]')
        # DNS rebinding: a foreign Host is refused, reads included
        status, _, _ = request(server, "POST", "/win_data", json.dumps({"eid": "x", "win": "t"}), {"Host": "evil.example:%d" % server.port})
        expect("win_data with Host evil.example", status, 403)
        status, _, _ = request(server, "GET", "/", None, {"Host": "evil.example"})
        expect("GET / with Host evil.example", status, 403)
        for host in ("localhost:%d" % server.port, "127.0.0.1:%d" % server.port, "[::1]:%d" % server.port, "app.localhost"):
            status, _, _ = request(server, "POST", "/env_state", "{}", {"Host": host})
            expect("env_state with Host %s" % host, status, 200)
        # the server's own page (same origin) may write
        status, _ = post(server, "/events", {"eid": "x", "win": "u", "data": [{"content": "page", "type": "text"}]}, {"Origin": own})
        expect("events from the server's own origin", status, 200)
        # websocket upgrades from a foreign origin are refused; the own origin and no Origin are served
        for origin, want in (("http://evil.example", "403"), (own, "101"), (None, "101")):
            s, line, _ = ws_connect(server.port, "/socket", {"Origin": origin} if origin else {})
            s.close()
            if want not in line:
                raise Failure("/socket upgrade with Origin %s: %r" % (origin, line))
        # the real Python client (no Origin) still works: via requests, as the client sends
        import visdom
        vis = visdom.Visdom(server="http://127.0.0.1", port=server.port, use_incoming_socket=False, raise_exceptions=True)
        if vis.text("client", win="c", env="x") != "c" or not vis.win_exists("c", env="x"):
            raise Failure("the visdom client was not served")
    with ServerProcess(binary, os.path.join(tmp, "origin2.db"), "--allow-host", "vis.lab.example",
                       "--allow-origin", "http://dash.lab.example:8080") as server:
        status, _, _ = request(server, "POST", "/env_state", "{}", {"Host": "vis.lab.example:8097"})
        expect("--allow-host vis.lab.example", status, 200)
        status, _ = post(server, "/events", {"eid": "y", "data": [{"content": "hi", "type": "text"}]}, {"Origin": "http://dash.lab.example:8080"})
        expect("--allow-origin", status, 200)
        status, _ = post(server, "/events", {"eid": "y", "data": [{"content": "hi", "type": "text"}]}, {"Origin": "http://dash.lab.example:8081"})
        expect("another port of the allowed origin", status, 403)
    env = dict(os.environ, VISDOM_USERNAME="ann", VISDOM_PASSWORD="pw")
    with ServerProcess(binary, os.path.join(tmp, "origin3.db"), "--enable-login", env=env) as server:
        import hashlib
        status, _, headers = request(server, "POST", "/", json.dumps({"username": "ann", "password": hashlib.sha256(b"pw").hexdigest()}))
        cookie = headers.get("Set-Cookie", "")
        if status != 200 or "HttpOnly" not in cookie or "SameSite=Strict" not in cookie:
            raise Failure("login cookie: %s %r" % (status, cookie))
    print("origin: foreign Origin/Origin null/Sec-Fetch-Site cross-site writes -> 403 (env kept), foreign Host -> 403, "
          "loopback and IP Hosts served, own-origin writes and sockets served, foreign-origin socket -> 403, "
          "the visdom client served, --allow-host/--allow-origin honoured, login cookie HttpOnly; SameSite=Strict")


# --- 2. names are bytes ------------------------------------------------------------------

def test_names(binary, logstore, tmp, visdom_python=None):
    nfd, nfc = "h_cafe\u0301", "h_caf\u00e9"
    steps = [("/events", {"eid": nfd, "win": "w", "data": [{"content": "nfd", "type": "text"}]}),
             ("/events", {"eid": nfc, "win": "w", "data": [{"content": "nfc", "type": "text"}]}),
             ("/delete_env", {"eid": nfc})]
    answers = {}
    for name in ("visdom", "logstore"):
        work = tempfile.mkdtemp(dir=tmp)
        if name == "visdom":
            server = VisdomServerProcess(sys.executable, free_port(), work)
        else:
            server = ServerProcess(binary, os.path.join(work, "names.db"))
        try:
            for path, body in steps:
                post(server, path, body)
            envs = json.loads(post(server, "/env_state", {})[1])
            saved = json.loads(post(server, "/save", {"data": [nfd, nfc]})[1])
            exists = [post(server, "/win_exists", {"eid": e, "win": "w"})[1] for e in (nfd, nfc)]
            data = post(server, "/win_data", {"eid": nfd, "win": "w"})
            answers[name] = (envs, saved, exists, data[0], json.loads(data[1])["content"] if data[0] == 200 else None)
        finally:
            server.stop()
    expect("after NFD created, NFC created and deleted (env_state, save, win_exists, win_data)", answers["logstore"], answers["visdom"])
    if nfd not in answers["logstore"][0]:
        raise Failure("the NFD env is not listed: %r" % (answers["logstore"],))
    print("names: NFD env listed after its NFC twin was created and deleted, as visdom: %r" % (answers["logstore"],))


# --- 3. timeouts, connection cap, malformed HTTP -----------------------------------------

def rss_kb(pid):
    with open("/proc/%d/status" % pid) as f:
        for line in f:
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    return 0


def test_timeouts(binary, logstore, tmp):
    args = ("--header-timeout", "2", "--body-timeout", "3", "--idle-timeout", "2", "--max-connections", "64")
    with ServerProcess(binary, os.path.join(tmp, "timeouts.db"), *args) as server:
        def closed_after(payload, limit):
            s = socket.create_connection(("127.0.0.1", server.port), timeout=limit + 10)
            if payload:
                s.sendall(payload)
            started = time.time()
            try:
                data = s.recv(4096)
            except ConnectionResetError:
                data = b""
            s.close()
            return time.time() - started, data
        # a head that never ends, a body that never ends, nothing at all, an idle kept-alive connection
        took, _ = closed_after(b"POST /env_state HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Le", 2)
        if not 1.5 <= took <= 6:
            raise Failure("a half-sent head was closed after %.1f s (header timeout 2 s)" % took)
        took, _ = closed_after(b"POST /env_state HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: 10\r\n\r\n{}", 3)
        if not 2.5 <= took <= 7:
            raise Failure("a half-sent body was closed after %.1f s (body timeout 3 s)" % took)
        took, _ = closed_after(None, 2)
        if not 1.5 <= took <= 6:
            raise Failure("a silent connection was closed after %.1f s" % took)
        s = socket.create_connection(("127.0.0.1", server.port), timeout=20)
        s.sendall(b"POST /env_state HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: 2\r\n\r\n{}")
        first = s.recv(4096)
        started = time.time()
        rest = s.recv(4096)
        idle = time.time() - started
        s.close()
        if not first.startswith(b"HTTP/1.1 200") or rest != b"" or not 1.5 <= idle <= 6:
            raise Failure("keep-alive idle: %r then %r after %.1f s" % (first[:20], rest[:20], idle))
        # malformed requests: 400 and a close
        for bad in (b"GARBAGE\r\n\r\n", b"POST /env_state HTTP/1.1\r\nHost: x\r\nContent-Length: zz\r\n\r\n",
                    b"GET / HTTP/1.1\r\nBad Header Line\r\n\r\n",
                    b"POST /env_state HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Big: " + b"a" * (100 << 10) + b"\r\n\r\n"):
            _, data = closed_after(bad, 2)
            if not data.startswith(b"HTTP/1.1 400"):
                raise Failure("malformed request %r answered %r" % (bad[:30], data[:40]))
        # more half-sent requests than the connection cap: a well-behaved client still gets in
        # once the header timeout has freed the slots, and memory stays flat
        rss_before = rss_kb(server.proc.pid)
        socks = half_sent_requests(server.port, 1000, b"POST /events HTTP/1.1\r\nHost: 127.0.0.1\r\n")
        started = time.time()
        status, body = post(server, "/env_state", {})
        waited = time.time() - started
        rss_during = rss_kb(server.proc.pid)
        for s in socks:
            s.close()
        if status != 200 or waited > 5:
            raise Failure("a client behind %d half-sent requests: %s after %.1f s" % (len(socks), status, waited))
    print("timeouts: half-sent head closed at the header timeout, half-sent body at the body timeout, silent and idle "
          "kept-alive connections closed; 4 malformed requests (a 100 KiB header among them) -> 400 + close; behind %d half-sent requests (cap 64) a "
          "client was served after %.1f s; RSS %d -> %d kB" % (len(socks), waited, rss_before, rss_during))


# --- 5. websocket protocol ---------------------------------------------------------------

def test_websocket(binary, logstore, tmp):
    with ServerProcess(binary, os.path.join(tmp, "ws.db")) as server:
        s, line, _ = ws_connect(server.port, "/vis_socket")
        expect("upgrade", "101" in line, True)
        s.sendall(ws_frame(1, json.dumps({"cmd": "echo", "data": "unmasked"}).encode(), masked=False))
        frames = ws_read_frames(s)
        s.close()
        if any(b"unmasked" in p for _, p in frames) or close_code(frames) != 1002:
            raise Failure("an unmasked frame: %r" % frames)
        s, line, _ = ws_connect(server.port, "/vis_socket")
        s.sendall(ws_frame(1, json.dumps({"cmd": "echo", "data": "masked"}).encode()))
        seen = b""
        s.settimeout(10)
        while b"masked" not in seen:
            chunk = s.recv(4096)
            if not chunk:
                break
            seen += chunk
        if b"masked" not in seen:
            raise Failure("a masked echo did not come back: %r" % seen)
        s.sendall(ws_frame(1, b"\xff\xfe not utf-8"))
        frames = ws_read_frames(s)
        s.close()
        if close_code(frames) != 1007:
            raise Failure("invalid UTF-8 after a masked echo: %r" % frames)
    token = "t-%d" % random.getrandbits(64)
    env = dict(os.environ, LOGSTORE_TOKEN=token, VISDOM_USERNAME="ann", VISDOM_PASSWORD="pw")
    with ServerProcess(binary, os.path.join(tmp, "ws-token.db"), "--enable-login", env=env) as server:
        s, line, _ = ws_connect(server.port, "/vis_socket")
        s.close()
        if "401" not in line:
            raise Failure("a token-less upgrade answered %r" % line)
        import hashlib
        login = json.dumps({"username": "ann", "password": hashlib.sha256(b"pw").hexdigest()})
        status, _, _ = request(server, "POST", "/", login)
        expect("a login without the token", status, 401)
        status, _, headers = request(server, "POST", "/", login, {"Authorization": "Bearer " + token})
        expect("a login with the token", status, 200)
        cookie = headers["Set-Cookie"].split(";")[0]
        s, line, _ = ws_connect(server.port, "/vis_socket", {"Authorization": "Bearer " + token, "Cookie": cookie})
        s.close()
        expect("an upgrade with token and cookie", "101" in line, True)
    print("websocket: unmasked client frame -> close 1002 (not echoed), invalid UTF-8 text -> close 1007, "
          "token-less upgrade -> 401, login without the token -> 401, with it -> 200 and the socket opens")


def ws_echo(s, size):
    """Sends an echo of about `size` bytes as one text frame; True when it comes back whole."""
    marker = "m%d" % random.getrandbits(32)
    s.sendall(ws_frame(1, json.dumps({"cmd": "echo", "data": marker + "x" * size}).encode()))
    seen = b""
    s.settimeout(10)
    while seen.count(b"x") < size:
        chunk = s.recv(1 << 20)
        if not chunk:
            return False
        seen += chunk
    return marker.encode() in seen


def ws_fragments(payload, frame):
    """`payload` as a text message in frames of `frame` bytes (continuations after the first)."""
    out = []
    for i in range(0, len(payload), frame):
        f = ws_frame(1 if i == 0 else 0, payload[i:i + frame])
        if i + frame < len(payload):
            f = bytes([f[0] & 0x7F]) + f[1:]  # not the final fragment
        out.append(f)
    return out


def test_socket_sizes(binary, logstore, tmp):
    """Incoming websocket messages: up to 10 MiB (tornado's limit, which visdom keeps) in one
    frame or many; a frame, or a fragmented message, above it closes the socket with 1009
    before it is buffered; --max-message-size sets the limit. Outgoing: a socket that does not
    read is closed with 1008 once 32 MiB wait for it."""
    limit = 10 << 20
    with ServerProcess(binary, os.path.join(tmp, "sizes.db")) as server:
        s, _, _ = ws_connect(server.port, "/vis_socket")
        # A page's `save` of many windows is one frame from a browser, well above 16 KiB.
        if not ws_echo(s, 200000):
            raise Failure("a 200 KB message in one frame was not echoed")
        s.close()
        # A frame header announcing more than the limit: refused from the header alone.
        s, _, _ = ws_connect(server.port, "/vis_socket")
        s.sendall(bytes([0x81, 0x80 | 127]) + struct.pack(">Q", limit + 1) + os.urandom(4) + b"{}")
        started = time.time()
        frames = ws_read_frames(s)
        s.close()
        expect("a frame above the limit", close_code(frames), 1009)
        if time.time() - started > 5:
            raise Failure("the oversized frame was not refused at once")
        # Fragments of 1 MiB adding up to the limit plus one byte.
        s, _, _ = ws_connect(server.port, "/vis_socket")
        head = b'{"cmd": "echo", "data": "'
        payload = head + b"x" * (limit - len(head)) + b"y"
        for f in ws_fragments(payload, 1 << 20):
            s.sendall(f)
        frames = ws_read_frames(s)
        s.close()
        expect("a fragmented message above the limit", close_code(frames), 1009)
        status, _ = post(server, "/env_state", {})
        expect("/env_state after the oversized messages", status, 200)
        # A socket that does not read, while 64 echoes of 1 MB go to every /vis_socket: once
        # 32 MiB wait for it (the kernel's socket buffers hold a few MB more), it is sent what
        # was queued, in order, then closed with 1008.
        idle, _, _ = ws_connect(server.port, "/vis_socket")
        sender, _, _ = ws_connect(server.port, "/vis_socket")
        sender.settimeout(None)
        stop = threading.Event()

        def drain():
            while not stop.is_set():
                try:
                    if select.select([sender], [], [], 0.5)[0] and not sender.recv(1 << 20):
                        return
                except (OSError, ValueError):
                    return
        reader = threading.Thread(target=drain, daemon=True)
        reader.start()
        message = json.dumps({"cmd": "echo", "data": "x" * (1 << 20)}).encode()
        for _ in range(64):
            sender.sendall(ws_frame(1, message))
        chunks = []
        idle.settimeout(30)
        try:
            while True:
                chunk = idle.recv(1 << 20)
                if not chunk:
                    break
                chunks.append(chunk)
        except (socket.timeout, ConnectionResetError):
            pass
        stop.set()
        sender.close()
        idle.close()
        reader.join(timeout=5)
        frames = ws_parse_frames(b"".join(chunks))
        echoes = sum(1 for op, p in frames if op == 1)
        expect("a socket that does not read", close_code(frames), 1008)
        if not 28 <= echoes < 64:
            raise Failure("the socket that did not read got %d echoes of 1 MB before its close" % echoes)
    with ServerProcess(binary, os.path.join(tmp, "sizes-small.db"), "--max-message-size", "4096") as server:
        s, _, _ = ws_connect(server.port, "/vis_socket")
        if not ws_echo(s, 3000):
            raise Failure("a 3 KB message under --max-message-size 4096 was not echoed")
        s.sendall(ws_frame(1, json.dumps({"cmd": "echo", "data": "x" * 5000}).encode()))
        frames = ws_read_frames(s)
        s.close()
        expect("a 5 KB message under --max-message-size 4096", close_code(frames), 1009)
    print("socket sizes: a 200 KB message in one frame echoed; a frame announcing 10 MiB + 1 "
          "-> close 1009 at once; 1 MiB fragments adding up to 10 MiB + 1 -> close 1009; "
          "a socket not reading 64 echoes of 1 MB -> the first %d, then close 1008; "
          "--max-message-size 4096: 3 KB echoed, 5 KB -> 1009" % echoes)


# --- 7. refused requests on disk ---------------------------------------------------------

def store_bytes(db):
    return sum(os.path.getsize(db + ext) for ext in ("", "-wal") if os.path.exists(db + ext))


def test_refused(binary, logstore, tmp):
    db = os.path.join(tmp, "refused.db")
    big = "n" * (1 << 20)
    with ServerProcess(binary, db) as server:
        post(server, "/env_state", {})
        before = store_bytes(db)
        for k in range(20):
            status, _ = post(server, "/events", {"eid": big + str(k), "win": big, "data": 5})
            expect("a failing /events with 1 MB names", status, 500)
        grown = store_bytes(db) - before
    if grown > 2 << 20:
        raise Failure("20 refused requests with 1 MB names added %d bytes" % grown)
    # a store written before the bound: compact cuts what its refused epochs kept
    con = sqlite3.connect(db)
    con.execute("UPDATE epoch SET env = ?, win = ?, detail = ? WHERE status <> 'ok'", (big, big, big))
    con.commit()
    con.close()
    swollen = store_bytes(db)
    run = subprocess.run([logstore, "--db", db, "compact"], capture_output=True, text=True)
    after = store_bytes(db)
    if run.returncode != 0 or after > 2 << 20 or after >= swollen:
        raise Failure("compact of a store whose refused epochs hold 60 MB: %d -> %d bytes (%s)" % (swollen, after, run.stderr))
    check = subprocess.run([logstore, "--db", db, "check"], capture_output=True, text=True)
    if check.returncode != 0:
        raise Failure("check after compact: %s" % check.stdout)
    print("refused: 20 failing /events with 1 MB names added %d bytes; refused epochs holding %.0f MB compacted to a "
          "%.1f MB store, check ok" % (grown, swollen / 1e6, after / 1e6))


# --- 8. compatibility with visdom 0.2.4 --------------------------------------------------

def compat_cases():
    def nested(n):
        return "[" * n + "]" * n
    cases = []
    for depth in (512, 513, 800, 983, 984, 990):
        cases.append(("win_exists nested %d" % depth, "/win_exists", '{"eid": "main", "win": "w", "x": %s}' % nested(depth - 1)))
        cases.append(("env_state nested %d" % depth, "/env_state", '{"x": %s}' % nested(depth - 1)))
    cases.append(("events opts nested 983", "/events",
                  '{"eid": "main", "win": "deep", "data": [{"content": "x", "type": "text"}], "opts": {"d": %s}}' % nested(981)))
    cases.append(("win_data of it", "/win_data", '{"eid": "main", "win": "deep"}'))
    cases.append(("lone surrogate window id", "/events", '{"eid": "main", "win": "\\ud800", "data": [{"content": "x", "type": "text"}]}'))
    cases.append(("it exists", "/win_exists", '{"eid": "main", "win": "\\ud800"}'))
    cases.append(("/env/x with eid 5", "/env/x", '{"eid": 5}'))
    cases.append(("/env/x with eid null", "/env/x", '{"eid": null}'))
    return cases


def test_compat(binary, logstore, tmp):
    answers = {}
    for name in ("visdom", "logstore"):
        work = tempfile.mkdtemp(dir=tmp)
        server = (VisdomServerProcess(sys.executable, free_port(), work) if name == "visdom"
                  else ServerProcess(binary, os.path.join(work, "compat.db")))
        try:
            answers[name] = []
            for label, path, body in compat_cases():
                status, data = post(server, path, body.encode())
                # win_data's window JSON is compared by its content, whose depth is the point
                answers[name].append((label, status, json.loads(data)["content"] if path == "/win_data" and status == 200 else data))
        finally:
            server.stop()
    differ = [(v, l) for v, l in zip(answers["visdom"], answers["logstore"]) if v != l]
    if differ:
        raise Failure("answers differ from visdom's: %s" % "; ".join("%s: visdom %s, logstore %s" % (v[0], v[1:], l[1:]) for v, l in differ)[:2000])
    print("compat: %d requests answered as the real visdom server answered them (nesting 512-990, a lone-surrogate "
          "window id, /env/x with eid 5 and null): %s" % (len(answers["logstore"]), ", ".join("%s %d" % (a[0], a[1]) for a in answers["logstore"])))


# --- issue 15: shutdown, logging, port ---------------------------------------------------

def test_shutdown(binary, logstore, tmp):
    for sig in (signal.SIGTERM, signal.SIGINT):
        db = os.path.join(tmp, "shutdown-%d.db" % sig)
        server = ServerProcess(binary, db)
        try:
            for k in range(50):
                post(server, "/events", {"eid": "run", "win": "w%d" % k, "data": [{"content": "point %d" % k, "type": "text"}]})
            # a socket that never reads nor answers the server's close frame: cut off after the grace period
            silent, _, _ = ws_connect(server.port, "/vis_socket")
            started = time.time()
            server.proc.send_signal(sig)
            code = server.proc.wait(timeout=30)
            took = time.time() - started
            silent.close()
        finally:
            server.stop()
        if code != 0 or took > 15:
            raise Failure("the server exited %s %.1f s after %s" % (code, took, signal.Signals(sig).name))
        copy = os.path.join(tmp, "copy-%d.db" % sig)
        shutil.copyfile(db, copy)
        run = subprocess.run([logstore, "--db", copy, "export", "--env", "run", "--window", "w49"], capture_output=True, text=True)
        if run.returncode != 0 or "point 49" not in run.stdout:
            raise Failure("the main file alone after %s: %s %s" % (signal.Signals(sig).name, run.returncode, run.stderr))
    print("shutdown: after a real SIGTERM and a real SIGINT, with a silent websocket open (exit 0 within the 5 s grace), "
          "a copy of the main .db file alone exports the last of 50 windows")


def thread_names(pid):
    names = []
    for task in os.listdir("/proc/%d/task" % pid):
        try:
            with open("/proc/%d/task/%s/comm" % (pid, task)) as f:
                names.append(f.read().strip())
        except OSError:
            pass
    return names


def test_checkpoints(binary, logstore, tmp):
    """The store's WAL is checkpointed by a thread of its own (`LogStore ckpt`), not inside
    the writer's commits, and stays bounded: 3,000 one-point appends (12,000-15,000 WAL pages
    of 1 KiB written) leave a WAL of at most the 8,000 pages past which the writer's own commit
    checkpoints; a copy of the main file alone after SIGTERM holds the last point."""
    db = os.path.join(tmp, "checkpoints.db")
    server = ServerProcess(binary, db, "--durability", "normal")
    try:
        names = thread_names(server.proc.pid)
        if "LogStore ckpt" not in names or "LogStore writer" not in names:
            raise Failure("threads of the server: %s" % sorted(set(names)))
        trace = {"x": [0], "y": [0.0], "name": "1", "type": "scatter", "mode": "lines"}
        expect("/events", post(server, "/events", {"eid": "main", "win": "w", "data": [trace], "layout": {}, "opts": {}})[0], 200)
        for k in range(1, 3001):
            # what the visdom client sends for vis.line(X=[k], Y=[k / 4], win="w", update="append")
            trace.update(x=[k], y=[k / 4])
            status, _ = post(server, "/update", {"eid": "main", "win": "w", "data": [trace], "layout": {}, "opts": {},
                                                 "name": None, "append": True})
            expect("/update", status, 200)
        wal = os.path.getsize(db + "-wal")
        if wal > 8100 * (1024 + 24):
            raise Failure("a WAL of %d bytes after 3000 appends" % wal)
        server.proc.send_signal(signal.SIGTERM)
        server.proc.wait(timeout=30)
    finally:
        server.stop()
    copy = os.path.join(tmp, "checkpoints-copy.db")
    shutil.copyfile(db, copy)
    run = subprocess.run([logstore, "--db", copy, "export", "--env", "main", "--window", "w"], capture_output=True, text=True)
    if run.returncode != 0 or "3000" not in run.stdout:
        raise Failure("the main file alone after SIGTERM: %s %s" % (run.returncode, run.stderr))
    print("checkpoints: a thread of their own (LogStore ckpt); after 3,000 appends the WAL is %d KiB, and the main "
          "file alone after SIGTERM holds the last point" % (wal // 1024))


def startup_log_lines(binary, tmp):
    """How many lines the server logs when it starts (e.g. what its web page lacks)."""
    proc = subprocess.Popen([binary, "--db", os.path.join(tmp, "startup.db"), "--port", "0"],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        proc.stdout.readline()
        time.sleep(0.5)
        proc.send_signal(signal.SIGTERM)
        _, err = proc.communicate(timeout=30)
    finally:
        if proc.poll() is None:
            proc.kill()
    return len(err.splitlines())


def test_logging(binary, logstore, tmp):
    startup = startup_log_lines(binary, tmp)
    for what in ("closed pipe", "/dev/full"):
        db = os.path.join(tmp, "logging.db")
        if what == "closed pipe":
            r, w = os.pipe()
            os.close(r)
            stderr = w
        else:
            stderr = os.open("/dev/full", os.O_WRONLY)
        cmd = [binary, "--db", db, "--port", "0"]
        proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=stderr, text=True)
        os.close(stderr)
        try:
            line = proc.stdout.readline()
            port = int(line.rsplit(":", 1)[1].split()[0].split("/")[0])

            class S:
                pass
            server = S()
            server.port = port
            # each of these writes a line to the log: a handler that raised, an invalid body
            for k in range(5):
                status, _ = post(server, "/events", b"{not json")
                expect("an invalid body with stderr a %s" % what, status, 500)
                status, _ = post(server, "/win_data", {"eid": "nope", "win": "w"})
                expect("win_data of a missing env", status, 500)
            status, _ = post(server, "/events", {"eid": "main", "win": "t", "data": [{"content": "still", "type": "text"}]})
            expect("a write after the failed log lines", status, 200)
            proc.send_signal(signal.SIGTERM)
            out = proc.stdout.read()
            code = proc.wait(timeout=30)
        finally:
            if proc.poll() is None:
                proc.kill()
        if code != 0 or "%d log lines could not be written" % (10 + startup) not in out:
            raise Failure("stderr a %s: exit %s, stdout %r" % (what, code, out))
    print("logging: with stderr a closed pipe and /dev/full, 10 requests that log got their 500s, a write its 200, "
          "the server exited 0 and said the 10 lines and its %d start-up lines were dropped" % startup)


def test_port(binary, logstore, tmp):
    with socket.socket() as holder:
        holder.bind(("127.0.0.1", 0))
        holder.listen()
        port = holder.getsockname()[1]
        run = subprocess.run([binary, "--db", os.path.join(tmp, "port.db"), "--port", str(port)],
                             capture_output=True, text=True, timeout=60)
    lines = run.stderr.strip().splitlines()
    if run.returncode != 1 or len(lines) != 1 or str(port) not in lines[0] or "visdom" not in lines[0] or "8097" not in lines[0]:
        raise Failure("port in use: exit %s, stderr %r" % (run.returncode, run.stderr))
    print("port: a port in use -> exit 1 and one line: %s" % lines[0])


TESTS = {"origin": test_origin, "names": test_names, "timeouts": test_timeouts, "websocket": test_websocket,
         "sizes": test_socket_sizes, "refused": test_refused, "compat": test_compat, "shutdown": test_shutdown, "logging": test_logging,
         "port": test_port, "checkpoints": test_checkpoints}


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--server", required=True)
    ap.add_argument("--logstore", required=True)
    ap.add_argument("--only", default=",".join(TESTS))
    args = ap.parse_args()
    with tempfile.TemporaryDirectory(prefix="logstore-hardening-") as tmp:
        run_tests(TESTS, args.only.split(","), Failure, os.path.abspath(args.server), os.path.abspath(args.logstore), tmp)


if __name__ == "__main__":
    main()
