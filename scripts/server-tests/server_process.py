"""Starting and stopping a `logstore-server` (or the real visdom server) for the tests."""

import re
import select
import signal
import socket
import subprocess
import sys
import time
import traceback
import urllib.request


class ServerProcess:
    """A logstore-server on a free loopback port: `port` once it said it is serving."""

    def __init__(self, binary, db, *args, env=None, timeout=60):
        cmd = [binary, "--db", db, "--port", "0", *args]
        self.proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                                     env=env, text=True)
        self.line = self._first_line(timeout)
        m = re.search(r" on http://([^:/]+):(\d+)", self.line)
        if not m:
            self.stop()
            raise RuntimeError("logstore-server did not start: %r %s" % (self.line, self.stderr()))
        self.host, self.port = m.group(1), int(m.group(2))

    def _first_line(self, timeout):
        ready, _, _ = select.select([self.proc.stdout], [], [], timeout)
        if not ready:
            return ""
        return self.proc.stdout.readline()

    def stderr(self):
        if self.proc.poll() is None:
            return ""
        return self.proc.stderr.read()

    def kill(self):
        """SIGKILL: the process gets no chance to flush or clean up anything."""
        self.proc.send_signal(signal.SIGKILL)
        self.proc.wait()

    def stop(self):
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(timeout=20)
            except subprocess.TimeoutExpired:
                self.kill()
        for f in (self.proc.stdout, self.proc.stderr):
            if f:
                f.close()

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.stop()


class VisdomServerProcess:
    """The real visdom 0.2.4 server (for the load comparison), with its env files in `env_path`."""

    def __init__(self, python, port, env_path, timeout=60, static=None, env=None):
        """`static`: a visdom static directory to serve the web page from (its template path
        too); `env`: the process's environment (default this one's)."""
        self.port = port
        # run_server.main rather than `-m visdom.server`, which downloads the web page's
        # scripts first (no internet here); -bind_local binds 127.0.0.1, as logstore-server.
        main = "import sys; from visdom.server.run_server import main; sys.argv[0] = 'visdom.server'; main()"
        if static is not None:
            main = ("import visdom.server.app as app; "
                    "app.tornado_settings['static_path'] = app.tornado_settings['template_path'] = %r; " % static) + main
        self.proc = subprocess.Popen(
            [python, "-c", main, "-port", str(port), "-env_path", env_path,
             "-logging_level", "WARNING", "-bind_local"],
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, stdin=subprocess.DEVNULL, env=env)
        deadline = time.time() + timeout
        while time.time() < deadline:
            try:
                urllib.request.urlopen("http://127.0.0.1:%d/env_state" % port,
                                       data=b"{}", timeout=2).read()
                return
            except Exception:
                time.sleep(0.2)
        self.stop()
        raise RuntimeError("visdom server did not start")

    def stop(self):
        if self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(timeout=20)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()


def free_port():
    """A TCP port on 127.0.0.1 that nothing listens on (at the time of asking)."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def half_sent_requests(port, count, head):
    """`count` connections to 127.0.0.1:`port`, each sent `head` (a request it never
    finishes) once all are open; the caller closes them."""
    socks = []
    for _ in range(count):
        s = socket.socket()
        s.setblocking(False)
        s.connect_ex(("127.0.0.1", port))
        socks.append(s)
    time.sleep(1)
    for s in socks:
        try:
            s.send(head)
        except OSError:
            pass
    return socks


def run_tests(tests, names, failure, *args):
    """Runs `tests[name](*args)` for each name, printing a FAIL line for a `failure` (or any
    other exception, with its traceback) and each test's time, then "N passed, N failed";
    exits 1 if any failed."""
    failed = []
    for name in names:
        started = time.time()
        try:
            tests[name](*args)
        except failure as e:
            failed.append(name)
            print("FAIL %s: %s" % (name, e))
        except Exception:
            failed.append(name)
            print("FAIL %s:" % name)
            traceback.print_exc()
        print("   (%s: %.1f s)" % (name, time.time() - started))
        sys.stdout.flush()
    print("%d passed, %d failed" % (len(names) - len(failed), len(failed)))
    sys.exit(1 if failed else 0)
