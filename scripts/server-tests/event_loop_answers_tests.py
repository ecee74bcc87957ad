#!/usr/bin/env python3
"""`EventLoopAnswers` (Server/Sources/logstore-server/EventLoopAnswers.swift) through the built
logstore-server: `POST /win_exists` and `POST /update` with a `Content-Length` are answered
from the event loop; the same requests sent chunked take Hummingbird's path. Raw sockets, so
that the bytes on the wire and pipelined requests can be seen.

    event_loop_answers_tests.py --server Server/.build/debug/logstore-server [--only same_bytes,pipelined]

Each test prints one line saying what it showed; run by scripts/server-tests/run.sh.
"""

import argparse
import email.utils
import json
import os
import re
import socket
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
from server_process import run_tests, ServerProcess  # noqa: E402


class Failure(Exception):
    pass


def with_length(method, path, body, headers=()):
    """A request with a Content-Length: the event loop's."""
    head = ["%s %s HTTP/1.1" % (method, path), "Content-Length: %d" % len(body)] + list(headers)
    if not any(h.lower().startswith("host:") for h in headers):
        head.append("Host: 127.0.0.1")
    return ("\r\n".join(head) + "\r\n\r\n").encode() + body


def chunked(method, path, body, headers=()):
    """The same request with its body chunked: Hummingbird's path."""
    head = ["%s %s HTTP/1.1" % (method, path), "Transfer-Encoding: chunked"] + list(headers)
    if not any(h.lower().startswith("host:") for h in headers):
        head.append("Host: 127.0.0.1")
    chunks = b"".join(b"%x\r\n%s\r\n" % (len(body[i:i + 7]), body[i:i + 7]) for i in range(0, len(body), 7))
    return ("\r\n".join(head) + "\r\n\r\n").encode() + chunks + b"0\r\n\r\n"


def read_answers(sock, count, timeout=30):
    """`count` HTTP answers from `sock`, each as its raw bytes (head and body)."""
    sock.settimeout(timeout)
    data, answers = b"", []
    while len(answers) < count:
        end = data.find(b"\r\n\r\n")
        if end >= 0:
            length = int(re.search(rb"(?i)\r\ncontent-length: (\d+)", data[:end + 2]).group(1))
            if len(data) >= end + 4 + length:
                answers.append(data[:end + 4 + length])
                data = data[end + 4 + length:]
                continue
        chunk = sock.recv(65536)
        if not chunk:
            raise Failure("the server closed the connection after %d of %d answers" % (len(answers), count))
        data += chunk
    return answers


def exchange(port, *requests):
    """Sends `requests` pipelined (in one write) on one connection; their answers, in order."""
    with socket.create_connection(("127.0.0.1", port), timeout=30) as s:
        s.sendall(b"".join(requests))
        return read_answers(s, len(requests))


def masked(answer):
    """An answer with what differs between two identical requests masked: the Date (checked
    for its format first) and the epoch number."""
    date = re.search(rb"\r\nDate: ([^\r]*)\r\n", answer)
    if not date or email.utils.parsedate_to_datetime(date.group(1).decode()).tzname() != "UTC" \
            or not re.fullmatch(rb"[A-Z][a-z]{2}, \d\d [A-Z][a-z]{2} \d{4} \d\d:\d\d:\d\d GMT", date.group(1)):
        raise Failure("no RFC 9110 Date in %r" % answer)
    answer = answer.replace(date.group(1), b"<date>")
    return re.sub(rb"\r\nX-LogStore-Epoch: \d+\r\n", b"\r\nX-LogStore-Epoch: <n>\r\n", answer)


def client_bodies(win, env):
    """The bodies the visdom client sends for `vis.line(X=[0], Y=[0.5], win=win, env=env)`
    (/events) and for appending a point to it (/win_exists, then /update): {endpoint: body}."""
    import visdom
    captured = {}

    class Capture(visdom.Visdom):
        def _handle_post(self, url, data=None):
            captured[url.rsplit("/", 1)[1]] = data.encode()
            return win

    vis = Capture(server="http://127.0.0.1", port=1, use_incoming_socket=False)
    vis.line(X=[0], Y=[0.5], win=win, env=env)
    vis.line(X=[1], Y=[0.25], win=win, env=env, update="append")
    return captured


def events(win, env="main"):
    return client_bodies(win, env)["events"]


def exists(win, env="main"):
    return client_bodies(win, env)["win_exists"]


def update(win, step, env="main"):
    return client_bodies(win, env)["update"].replace(b"[1]", b"[%d]" % step, 1)


def test_same_bytes(binary, tmp):
    """Every kind of answer the event loop gives, against Hummingbird's for the same request."""
    token = "t-event-loop"
    env = dict(os.environ, LOGSTORE_TOKEN=token)
    auth = ["Authorization: Bearer " + token]
    with ServerProcess(binary, os.path.join(tmp, "same.db"), env=env) as server:
        port = server.port
        first = exchange(port, with_length("POST", "/events", events("w"), auth))[0]
        if b" 200 " not in first.split(b"\r\n")[0]:
            raise Failure("creating window w: %r" % first)
        cases = [
            ("/win_exists of a window", "/win_exists", exists("w"), auth),
            ("/win_exists of none", "/win_exists", exists("nope"), auth),
            ("/win_exists with a query string", "/win_exists?x=1", exists("w"), auth),
            ("/win_exists with a body that is not JSON", "/win_exists", b"{x", auth),
            ("/win_exists without the token", "/win_exists", b'{"win": "w", "eid": "main"}', []),
            ("/win_exists with Host evil.example", "/win_exists", b'{"win": "w", "eid": "main"}',
             auth + ["Host: evil.example"]),
            ("/update appending a point", "/update", update("w", 1), auth),
            ("/update of a window that does not exist", "/update", update("nope", 1), auth),
            ("/update without eid", "/update", b'{"win": "w", "data": [], "append": true}', auth),
            ("/update with a body that is not JSON", "/update", b"[1,", auth),
            ("/update from Origin http://evil.example", "/update", update("w", 2), auth + ["Origin: http://evil.example"]),
            ("/update without the token", "/update", update("w", 3), []),
        ]
        for what, path, body, headers in cases:
            loop, hummingbird = exchange(port, with_length("POST", path, body, headers), chunked("POST", path, body, headers))
            if masked(loop) != masked(hummingbird):
                raise Failure("%s: the event loop answered %r, Hummingbird %r" % (what, loop, hummingbird))
        status = [a.split(b"\r\n")[0].split(b" ")[1].decode() for a in
                  exchange(port, *[with_length("POST", p, b, h) for _, p, b, h in cases])]
        want = ["200", "200", "200", "500", "401", "403", "200", "200", "500", "500", "403", "401"]
        if status != want:
            raise Failure("statuses %s, want %s" % (status, want))
    print("same_bytes: %d kinds of /win_exists and /update answers (found, refused, not JSON, no token, foreign Host "
          "and Origin) are byte for byte Hummingbird's, Date and epoch aside; statuses %s" % (len(cases), " ".join(status)))


def test_pipelined(binary, tmp):
    """Pipelined requests are answered in order, whichever path each takes."""
    with ServerProcess(binary, os.path.join(tmp, "pipelined.db")) as server:
        port = server.port
        # Hummingbird's path first (an /events that waits for its epoch), then the event loop's
        # lookup of the window it creates: "true" only if answered after it.
        answers = exchange(port, chunked("POST", "/events", events("a", "p")), with_length("POST", "/win_exists", exists("a", "p")),
                           with_length("POST", "/update", update("a", 1, "p")), chunked("POST", "/env_state", b"{}"),
                           with_length("POST", "/win_exists", exists("b", "p")), chunked("POST", "/events", events("b", "p")),
                           with_length("POST", "/win_exists", exists("b", "p")))
        bodies = [a.split(b"\r\n\r\n", 1)[1] for a in answers]
        epochs = [int(m.group(1)) if m else None for m in (re.search(rb"X-LogStore-Epoch: (\d+)", a) for a in answers)]
        want = [b"a", b"true", b"a", b'["main", "p"]', b"false", b"b", b"true"]
        if bodies != want or not (epochs[0] < epochs[2] < epochs[5]):
            raise Failure("pipelined answers %r (epochs %s), want %r" % (bodies, epochs, want))
        # 200 lookups and updates pipelined on one connection, alternating paths.
        reqs = []
        for k in range(100):
            reqs.append(with_length("POST", "/win_exists", exists("a", "p")) if k % 2
                        else chunked("POST", "/win_exists", exists("a", "p")))
            reqs.append(with_length("POST", "/update", update("a", k + 2, "p")))
        answers = exchange(port, *reqs)
        epochs = [int(re.search(rb"X-LogStore-Epoch: (\d+)", a).group(1)) for a in answers[1::2]]
        if [a.split(b"\r\n\r\n", 1)[1] for a in answers[::2]] != [b"true"] * 100 or epochs != sorted(epochs):
            raise Failure("200 pipelined requests: answers out of order")
    print("pipelined: a lookup after a pipelined /events (Hummingbird's path) sees its window, answers in request "
          "order across both paths (7 mixed, then 200 alternating: epochs ascending)")


TESTS = {"same_bytes": test_same_bytes, "pipelined": test_pipelined}


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--server", required=True)
    ap.add_argument("--only", default=",".join(TESTS))
    args = ap.parse_args()
    with tempfile.TemporaryDirectory(prefix="logstore-event-loop-") as tmp:
        run_tests(TESTS, args.only.split(","), Failure, os.path.abspath(args.server), tmp)


if __name__ == "__main__":
    main()
