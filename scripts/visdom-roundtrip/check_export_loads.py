#!/usr/bin/env python3
"""Check that `logstore export` output loads unchanged into the real visdom 0.2.4 server.

Usage:
    check_export_loads.py [--logstore PATH] [--visdom-python PY] [--dir DIR ...] [NAME ...]

For every scenario directory (default: ../shared/visdom-corpus, if present, and
Tests/Fixtures/scenarios; NAME filters by directory name or LABEL/NAME, e.g.
`fixtures/line_basic`), this

1. imports its log.jsonl into a new database: `logstore --db DB import log.jsonl`;
2. for every env the manifest marks "exists": `logstore --db DB export --env ENV`
   (`--output FILE` when the CLI has it, else stdout) -> ENV_PATH/ENV.json,
   byte for byte as LogStore wrote it;
3. starts ONE real visdom server on ENV_PATH (127.0.0.1, free port, the
   `visdom.server.run_server.main` entry of scripts/record-scenarios/record.py,
   so no web-UI download) and checks, for every env:
   - /env_state lists it;
   - /win_data {"eid": ENV, "win": null} equals our export's "jsons";
   - /win_data {"eid": ENV, "win": WIN} equals our jsons[WIN] for every window;
   - /save {"data": [ENV]} rewrites ENV_PATH/ENV.json (json.dumps of what the
     server holds) and that equals our whole export, "reload" included, and
     (unless --no-byte-check) byte for byte, without our trailing newline;
   - if the scenario has expected/ENV.windows.json (what visdom held after
     replaying the log itself), /win_data equals that too: log -> visdom vs
     log -> LogStore -> env file -> visdom;
4. stops the server (always, by its pid).

Equality is strict: `contentID` keys are dropped everywhere, object key order is
ignored, array order is not; an integer differs from a float, -0.0 from 0.0,
NaN equals NaN; strings compare exactly. Our export must also be strict UTF-8
JSON without duplicate object keys (Python's json would silently keep the last).

One server per scenario: visdom's env name is the file name, and env names
repeat across scenarios. Prints one line per scenario, then `N passed, M
failed`; exits 0 only if at least one scenario ran and none failed.
Only the Python standard library is needed here; visdom runs under --visdom-python.
"""

import argparse
import json
import math
import os
import shutil
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(os.path.dirname(HERE))
sys.path.insert(0, os.path.join(REPO, "scripts", "record-scenarios"))
import record  # noqa: E402  (Server: the real visdom server, started offline)

DEFAULT_DIRS = [
    ("corpus", os.path.normpath(os.path.join(REPO, "..", "shared", "visdom-corpus"))),
    ("fixtures", os.path.join(REPO, "Tests", "Fixtures", "scenarios")),
]
SCRATCH = ".build-roundtrip"
DROP_KEYS = {"contentID"}
ENGINE_TIMEOUT = 120   # seconds per logstore call


class Fail(Exception):
    """The first difference: where (env/window), JSON path, what."""

    def __init__(self, what, env=None, window=None, path=None):
        where = []
        if env is not None:
            where.append("env=%s" % env)
        if window is not None:
            where.append("window=%s" % window)
        if path is not None:
            where.append(path)
        super().__init__(("%s: %s" % (" ".join(where), what)) if where else what)


# ---------------------------------------------------------------- strict JSON

def _no_duplicates(pairs):
    d = {}
    for k, v in pairs:
        if k in d:
            raise ValueError("duplicate key %s" % json.dumps(k))
        d[k] = v
    return d


def parse_ours(data, what, env=None):
    """Our bytes: strict UTF-8, JSON (NaN/Infinity tokens allowed), no duplicate keys."""
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as e:
        raise Fail("%s is not UTF-8: %s" % (what, e), env)
    try:
        return json.loads(text, object_pairs_hook=_no_duplicates)
    except ValueError as e:
        raise Fail("%s is not JSON: %s" % (what, e), env)


def parse_visdom(text, what):
    try:
        return json.loads(text)
    except ValueError as e:
        raise Fail("visdom's %s is not JSON (%s): %s" % (what, e, short(text, 200)))


def short(v, n=100):
    if not isinstance(v, str):
        try:
            v = json.dumps(v, ensure_ascii=False)
        except (TypeError, ValueError):
            v = repr(v)
    return v if len(v) <= n else v[:n - 3] + "..."


def describe(v):
    if isinstance(v, bool) or v is None:
        return json.dumps(v)
    if isinstance(v, int):
        return "int %d" % v
    if isinstance(v, float):
        return "float %r" % v
    if isinstance(v, str):
        return "string %s" % short(v)
    return "%s %s" % ("array" if isinstance(v, list) else "object", short(v))


def kind(v):
    for t, name in ((bool, "bool"), (int, "int"), (float, "float"), (str, "string"),
                    (list, "array"), (dict, "object")):
        if isinstance(v, t):
            return name
    return "null" if v is None else type(v).__name__


def key_path(path, k):
    return "%s.%s" % (path, k) if k.isidentifier() else "%s[%s]" % (path, json.dumps(k, ensure_ascii=False))


def diff(ours, theirs, path="$"):
    """The first difference as (path, ours, theirs), or None."""
    ko, kt = kind(ours), kind(theirs)
    if ko != kt:
        return path, ours, theirs
    if ko == "float":
        if math.isnan(ours) and math.isnan(theirs):
            return None
        if ours != theirs or math.copysign(1.0, ours) != math.copysign(1.0, theirs):
            return path, ours, theirs
    elif ko == "object":
        for k in ours:
            if k in DROP_KEYS:
                continue
            if k not in theirs:
                return key_path(path, k), ours[k], "<missing>"
            d = diff(ours[k], theirs[k], key_path(path, k))
            if d:
                return d
        for k in theirs:
            if k not in DROP_KEYS and k not in ours:
                return key_path(path, k), "<missing>", theirs[k]
    elif ko == "array":
        for i in range(min(len(ours), len(theirs))):
            d = diff(ours[i], theirs[i], "%s[%d]" % (path, i))
            if d:
                return d
        if len(ours) != len(theirs):
            return path + ".length", len(ours), len(theirs)
    elif ours != theirs:
        return path, ours, theirs
    return None


def byte_diff(ours, theirs):
    n = next((i for i in range(min(len(ours), len(theirs))) if ours[i] != theirs[i]),
             min(len(ours), len(theirs)))
    lo = max(0, n - 40)
    return " at byte %d: ours %r, visdom %r" % (n, ours[lo:n + 40], theirs[lo:n + 40])


def expect_equal(ours, theirs, env, window=None, what="/win_data", names=("ours", "visdom")):
    d = diff(ours, theirs)
    if d:
        path, a, b = d
        raise Fail("%s: %s %s, %s %s" % (
            what, names[0], a if a == "<missing>" else describe(a),
            names[1], b if b == "<missing>" else describe(b)), env, window, path)


# ---------------------------------------------------------------- logstore

class LogStore:
    def __init__(self, path):
        self.path = path
        self.has_output = None   # does `export` take --output? (probed on first export)

    def run(self, db, *args):
        p = subprocess.run([self.path, "--db", db] + list(args), stdout=subprocess.PIPE,
                           stderr=subprocess.PIPE, stdin=subprocess.DEVNULL, timeout=ENGINE_TIMEOUT)
        return p.returncode, p.stdout, p.stderr.decode("utf-8", "replace").strip()

    def check(self, db, *args):
        rc, out, err = self.run(db, *args)
        if rc != 0:
            raise Fail("`logstore %s` exited %d: %s" % (" ".join(args), rc, short(err, 300)))
        return out

    def export_env(self, db, env, dest):
        """Writes `export --env ENV` to dest and returns its bytes."""
        if self.has_output is not False:
            rc, out, err = self.run(db, "export", "--env", env, "--output", dest)
            if rc == 0:
                self.has_output = True
                with open(dest, "rb") as f:
                    return f.read()
            if self.has_output is None and rc == 64 and "--output" in err:
                self.has_output = False
            else:
                raise Fail("`logstore export --env %s --output FILE` exited %d: %s"
                           % (env, rc, short(err, 300)))
        out = self.check(db, "export", "--env", env)
        with open(dest, "wb") as f:
            f.write(out)
        return out


def build_logstore():
    env = dict(os.environ)
    env["PATH"] = "/opt/swift/usr/bin:" + env.get("PATH", "")
    t0 = time.time()
    p = subprocess.run(["swift", "build", "-c", "release", "--product", "logstore",
                        "--scratch-path", SCRATCH], cwd=REPO, env=env,
                       stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    if p.returncode != 0:
        sys.stdout.write(p.stdout.decode("utf-8", "replace")[-4000:])
        raise SystemExit("swift build failed (exit %d)" % p.returncode)
    p = subprocess.run(["swift", "build", "-c", "release", "--product", "logstore",
                        "--scratch-path", SCRATCH, "--show-bin-path"], cwd=REPO, env=env,
                       stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, check=True)
    path = os.path.join(p.stdout.decode().strip(), "logstore")
    print("built %s (%.1fs)" % (os.path.relpath(path, REPO), time.time() - t0), flush=True)
    return path


# ---------------------------------------------------------------- one scenario

def check_scenario(args, logstore, sdir, work):
    with open(os.path.join(sdir, "manifest.json"), encoding="utf-8") as f:
        manifest = json.load(f)
    envs = [e for e, v in manifest["envs"].items() if v.get("exists")]
    if not envs:
        return "no env exists"
    db = os.path.join(work, "logstore.db")
    env_path = os.path.join(work, "env")
    os.makedirs(env_path)
    logstore.check(db, "import", os.path.join(sdir, "log.jsonl"))

    ours = {}
    ours_bytes = {}
    for env in envs:
        if ".json" in env or "/" in env:
            # visdom's load_state takes eid = file name with every ".json" removed
            raise Fail("env name cannot round-trip through an env_path file name", env)
        data = logstore.export_env(db, env, os.path.join(env_path, env + ".json"))
        ours_bytes[env] = data
        value = parse_ours(data, "our export", env)
        if not isinstance(value, dict) or not isinstance(value.get("jsons"), dict) \
                or not isinstance(value.get("reload"), dict):
            raise Fail("our export is not {\"jsons\": {...}, \"reload\": {...}}: %s"
                       % short(value), env)
        ours[env] = value

    server = record.Server(args.visdom_python, work, env_path=env_path)
    try:
        status, body, errs = server.request("env_state", {})
        listed = parse_visdom(body, "/env_state") if status == 200 else None
        if not isinstance(listed, list):
            raise Fail("/env_state answered %s %s %s" % (status, short(body), errs))
        windows = 0
        for env in envs:
            if env not in listed:
                raise Fail("/env_state does not list it: %s" % short(listed), env)
            status, body, errs = server.request("win_data", {"eid": env, "win": None})
            if status != 200:
                raise Fail("/win_data answered %s %s" % (status, errs or short(body)), env)
            loaded = parse_visdom(body, "/win_data")
            expect_equal(ours[env]["jsons"], loaded, env)
            for win, window in ours[env]["jsons"].items():
                status, body, errs = server.request("win_data", {"eid": env, "win": win})
                if status != 200:
                    raise Fail("/win_data answered %s %s" % (status, errs or short(body)), env, win)
                expect_equal(window, parse_visdom(body, "/win_data"), env, win)
                windows += 1
            status, body, errs = server.request("save", {"data": [env]})
            if status != 200 or env not in parse_visdom(body, "/save"):
                raise Fail("/save answered %s %s" % (status, errs or short(body)), env)
            with open(os.path.join(env_path, env + ".json"), "rb") as f:
                resaved_bytes = f.read()
            resaved = parse_visdom(resaved_bytes.decode("utf-8"), "saved env file")
            expect_equal(ours[env], resaved, env, what="env file re-saved by visdom")
            if args.byte_check and resaved_bytes != ours_bytes[env].rstrip(b"\n"):
                raise Fail("env file re-saved by visdom differs from our export's bytes%s"
                           % byte_diff(ours_bytes[env].rstrip(b"\n"), resaved_bytes), env)
            recorded = os.path.join(sdir, "expected", env + ".windows.json")
            if os.path.isfile(recorded):
                with open(recorded, "rb") as f:
                    expect_equal(parse_ours(f.read(), recorded, env), loaded, env,
                                 what="/win_data vs expected/%s.windows.json" % env,
                                 names=("recorded", "visdom"))
    finally:
        server.stop()
    return "%d env%s, %d window%s" % (len(envs), "" if len(envs) == 1 else "s",
                                      windows, "" if windows == 1 else "s")


def find_scenarios(dirs, names):
    found = []
    for label, d in dirs:
        if not os.path.isdir(d):
            print("note: %s not found, skipped" % d, flush=True)
            continue
        for n in sorted(os.listdir(d)):
            sdir = os.path.join(d, n)
            if os.path.isfile(os.path.join(sdir, "manifest.json")) and \
                    os.path.isfile(os.path.join(sdir, "log.jsonl")):
                found.append(("%s/%s" % (label, n), n, sdir))
    if names:
        unknown = [x for x in names if not any(x in (lab, n) for lab, n, _ in found)]
        if unknown:
            raise SystemExit("no such scenario: %s" % " ".join(unknown))
        found = [s for s in found if s[0] in names or s[1] in names]
    return found


def main():
    ap = argparse.ArgumentParser(description=__doc__,
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("names", nargs="*", help="scenario names (NAME or LABEL/NAME); default: all")
    ap.add_argument("--logstore", help="logstore binary (default: swift build -c release "
                                       "--product logstore --scratch-path %s)" % SCRATCH)
    ap.add_argument("--visdom-python", default=os.environ.get("VISDOM_PYTHON", record.DEFAULT_PY),
                    help="Python with visdom 0.2.4 installed (default: $VISDOM_PYTHON or %(default)s)")
    ap.add_argument("--dir", action="append", metavar="DIR",
                    help="a folder of scenario directories (repeatable; default: %s)"
                         % ", ".join(d for _, d in DEFAULT_DIRS))
    ap.add_argument("--no-byte-check", dest="byte_check", action="store_false",
                    help="do not require the file visdom re-saves to equal our export byte for byte")
    ap.add_argument("--keep", action="store_true", help="keep the temporary files")
    args = ap.parse_args()

    t0 = time.time()
    dirs = [(os.path.basename(os.path.abspath(d)), os.path.abspath(d)) for d in args.dir] \
        if args.dir else DEFAULT_DIRS
    scenarios = find_scenarios(dirs, args.names)
    logstore = LogStore(os.path.abspath(args.logstore) if args.logstore else build_logstore())
    version = subprocess.run([args.visdom_python, "-c", "import visdom; print(visdom.__version__)"],
                             stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    if version.returncode != 0:
        raise SystemExit("cannot import visdom with %s" % args.visdom_python)
    print("visdom %s (%s)" % (version.stdout.decode().strip(), args.visdom_python), flush=True)

    root = tempfile.mkdtemp(prefix="visdom-roundtrip-")
    passed = failed = 0
    try:
        for label, name, sdir in scenarios:
            work = os.path.join(root, label.replace("/", "__"))
            os.makedirs(work)
            t = time.time()
            try:
                summary = check_scenario(args, logstore, sdir, work)
            except (Fail, record.RecordError, subprocess.TimeoutExpired, OSError, ValueError) as e:
                failed += 1
                print("FAIL %s %s" % (label, e), flush=True)
                continue
            passed += 1
            print("PASS %s (%s, %.1fs)" % (label, summary, time.time() - t), flush=True)
    finally:
        if args.keep:
            print("temporary files kept in %s" % root)
        else:
            shutil.rmtree(root, ignore_errors=True)
    print("total %.1fs" % (time.time() - t0))
    print("%d passed, %d failed" % (passed, failed))
    return 0 if passed and not failed else 1


if __name__ == "__main__":
    sys.exit(main())
