#!/usr/bin/env python3
"""In-process visdom 0.2.4 oracle: replays a LogStore-style replay log through visdom's own
handler code (no HTTP server) and writes the state the server would hold.

Needs visdom 0.2.4 importable (run it with /tmp/v/bin/python; `run.py` re-executes itself
there). What it applies for each `[endpoint, msg]` line, exactly as the recorded server does:

- the replay client's `_send` rule that the recorder applies: a missing or None `eid` becomes
  "main" (a None `win` is left alone: generated scenarios never rely on random ids);
- the request body is `json.dumps(msg)` decoded again with `tornado.escape.json_decode`, so
  every message is a fresh object tree (NaN/Infinity tokens included);
- events   -> `PostHandler.post` (the same body: func check, extract_eid, window, register_window)
  update   -> `UpdateHandler.wrap_func` (update_packet included: deepcopy, jsonpatch, stringify)
  close    -> `CloseHandler.wrap_func`
  delete_env -> `DeleteEnvHandler.wrap_func`
  fork_env -> `ForkEnvHandler.wrap_func` (env_path None: serialize_env writes nothing)
  win_data -> `DataHandler.wrap_func` (with "data": sets windows)
  any exception is the server's 500; what the handler changed before it stays.

Usage:
  visdom_oracle.py run LOG.jsonl OUTDIR [--name NAME] [--description TEXT]
      writes OUTDIR/{log.jsonl, responses.jsonl, manifest.json, expected/ENV.json,
      expected/ENV.windows.json} in the visdom corpus layout.
  visdom_oracle.py validate DIR [DIR ...]
      replays every scenario directory under each DIR (or DIR itself) and compares the state
      with its recorded expected/*.json (contentID ignored, strict numbers).
"""

import contextlib
import io
import json
import logging
import os
import sys
import types

import tornado.escape
from visdom.server.handlers.web_handlers import (
    CloseHandler,
    DataHandler,
    DeleteEnvHandler,
    ForkEnvHandler,
    PostHandler,
    UpdateHandler,
)

logging.disable(logging.CRITICAL)

ENDPOINTS = ("events", "update", "close", "delete_env", "fork_env", "win_data")
CLIENT_ENDPOINTS = {"events", "update"}


class FakeRequest:
    def __init__(self, body):
        self.body = body


class FakeHandler:
    """What visdom's handlers touch on `self`: state, subs, sources, env_path, login, write."""

    def __init__(self, state):
        self.state = state
        self.subs = {}
        self.sources = {}
        self.port = 0
        self.env_path = None
        self.login_enabled = False
        self.current_user = None
        self.app = types.SimpleNamespace(env_path=None, state=state, subs={})
        self.request = None
        self.out = []

    def write(self, chunk):
        self.out.append(chunk if isinstance(chunk, str) else repr(chunk))

    def set_status(self, code):
        self.out.append("<status %s>" % code)


# How the recorder posts a log line and which envs it touched: the oracle must treat a
# scenario exactly as the recorder did.
sys.path.insert(0, os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), "record-scenarios"))
from record import prepare, touched_envs  # noqa: E402


def apply_one(handler, endpoint, msg):
    """Applies one request; returns (status, body, error)."""
    body = json.dumps(msg)
    handler.out = []
    try:
        with contextlib.redirect_stdout(io.StringIO()):
            if endpoint == "events":
                handler.request = FakeRequest(body.encode("utf-8"))
                PostHandler.post(handler)
            else:
                args = tornado.escape.json_decode(body)
                if endpoint == "update":
                    UpdateHandler.wrap_func(handler, args)
                elif endpoint == "close":
                    CloseHandler.wrap_func(handler, args)
                elif endpoint == "delete_env":
                    DeleteEnvHandler.wrap_func(handler, args)
                elif endpoint == "fork_env":
                    ForkEnvHandler.wrap_func(handler, args)
                elif endpoint == "win_data":
                    DataHandler.wrap_func(handler, args)
                else:
                    return 404, "", "unknown endpoint %r" % endpoint
    except Exception as e:  # the server's 500
        return 500, "".join(handler.out), "exception: %r" % (e,)
    return 200, "".join(handler.out), None


def read_log(path):
    entries = []
    with open(path, encoding="utf-8") as f:
        for n, line in enumerate(f, 1):
            if not line.strip():
                continue
            entry = json.loads(line)
            if (not isinstance(entry, list) or len(entry) != 2 or not isinstance(entry[0], str)
                    or not isinstance(entry[1], dict)):
                raise ValueError("%s:%d: not [endpoint, message]" % (path, n))
            entries.append((entry[0], entry[1]))
    return entries


def replay(entries):
    """Returns (state, responses, touched envs in order of first appearance)."""
    state = {"main": {"jsons": {}, "reload": {}}}
    handler = FakeHandler(state)
    responses, envs = [], []
    for n, (endpoint, raw) in enumerate(entries, 1):
        msg = prepare(endpoint, json.loads(json.dumps(raw)))
        for e in touched_envs(endpoint, msg):
            if e not in envs:
                envs.append(e)
        status, body, err = apply_one(handler, endpoint, msg)
        r = {"line": n, "endpoint": endpoint, "status": status, "body": body}
        if err:
            r["server_log"] = [err]
        responses.append(r)
    return state, responses, envs


def env_texts(state, env):
    """(env file text, win_data text) as the server writes them; None if the env is gone."""
    if env not in state:
        return None
    return json.dumps(state[env]), json.dumps(state[env]["jsons"])


def write_scenario(out, log_text, name, description, entries=None):
    """Replays `log_text` (the exact bytes of log.jsonl) and writes a scenario directory."""
    os.makedirs(os.path.join(out, "expected"), exist_ok=True)
    with open(os.path.join(out, "log.jsonl"), "w", encoding="utf-8") as f:
        f.write(log_text)
    if entries is None:
        entries = read_log(os.path.join(out, "log.jsonl"))
    state, responses, envs = replay(entries)
    with open(os.path.join(out, "responses.jsonl"), "w", encoding="utf-8") as f:
        for r in responses:
            f.write(json.dumps(r, ensure_ascii=False) + "\n")
    manifest_envs = {}
    for e in envs:
        texts = env_texts(state, e)
        if texts is None:
            manifest_envs[e] = {"exists": False}
            continue
        env_file, windows = texts
        with open(os.path.join(out, "expected", e + ".json"), "w", encoding="utf-8") as f:
            f.write(env_file)
        with open(os.path.join(out, "expected", e + ".windows.json"), "w", encoding="utf-8") as f:
            f.write(windows)
        manifest_envs[e] = {"exists": True, "windows": list(json.loads(env_file)["jsons"].keys())
                            if isinstance(json.loads(env_file).get("jsons"), dict) else []}
    counts = {}
    for r in responses:
        counts[str(r["status"])] = counts.get(str(r["status"]), 0) + 1
    endpoints = []
    for endpoint, _ in entries:
        if endpoint not in endpoints:
            endpoints.append(endpoint)
    manifest = {
        "scenario": name,
        "description": description,
        "visdom_version": "0.2.4",
        "python_version": "%d.%d.%d" % sys.version_info[:3],
        "oracle": "scripts/differential/visdom_oracle.py (visdom 0.2.4 handlers in-process)",
        "modes": ["log", "envfile"],
    }
    if any(e not in CLIENT_ENDPOINTS for e in endpoints):
        manifest["endpoints"] = endpoints
    manifest.update({
        "log_lines": len(entries),
        "log_bytes": len(log_text.encode("utf-8")),
        "http_status_counts": dict(sorted(counts.items())),
        "envs": manifest_envs,
    })
    with open(os.path.join(out, "manifest.json"), "w", encoding="utf-8") as f:
        f.write(json.dumps(manifest, indent=1, ensure_ascii=False) + "\n")
    return manifest, responses


# ------------------------------------------------------------------ validation

def _load_check():
    here = os.path.dirname(os.path.abspath(__file__))
    for cand in (os.environ.get("VISDOM_CORPUS_CHECK"),
                 os.path.join(here, "..", "..", "..", "shared", "visdom-corpus", "check.py"),
                 "/work/shared/visdom-corpus/check.py"):
        if cand and os.path.isfile(cand):
            import importlib.util
            spec = importlib.util.spec_from_file_location("visdom_corpus_check", cand)
            mod = importlib.util.module_from_spec(spec)
            spec.loader.exec_module(mod)
            return mod
    raise SystemExit("cannot find the corpus's check.py (set VISDOM_CORPUS_CHECK)")


def validate_scenario(sdir, check):
    """Returns None if the oracle reproduces the recorded state, else a description."""
    with open(os.path.join(sdir, "manifest.json"), encoding="utf-8") as f:
        manifest = json.load(f)
    if "log" not in manifest.get("modes", []):
        return None
    state, _, envs = replay(read_log(os.path.join(sdir, "log.jsonl")))
    for env, info in manifest["envs"].items():
        if not info.get("exists"):
            if env in state:
                return "env %s exists in the oracle, recorded as absent" % env
            continue
        if env not in state:
            return "env %s missing in the oracle" % env
        got = json.loads(json.dumps(state[env]))
        with open(os.path.join(sdir, "expected", env + ".json"), encoding="utf-8") as f:
            exp = json.loads(f.read())
        try:
            check.compare(exp, got, "$", 0.0, True)
        except check.Mismatch as m:
            return "env %s: %s: %s" % (env, m.path, m.what)
    if sorted(manifest["envs"]) != sorted(envs):
        return "touched envs differ: manifest %s, oracle %s" % (sorted(manifest["envs"]), sorted(envs))
    return None


def validate(dirs):
    check = _load_check()
    bad = n = 0
    for d in dirs:
        if os.path.isfile(os.path.join(d, "manifest.json")):
            cands = [d]
        else:
            cands = sorted(os.path.join(d, x) for x in os.listdir(d)
                           if os.path.isfile(os.path.join(d, x, "manifest.json")))
        for s in cands:
            n += 1
            why = validate_scenario(s, check)
            if why:
                bad += 1
                print("DIFF %s: %s" % (s, why))
            else:
                print("SAME %s" % s)
    print("%d scenarios, %d differ" % (n, bad))
    return 1 if bad or not n else 0


def main(argv):
    if len(argv) >= 2 and argv[0] == "validate":
        return validate(argv[1:])
    if len(argv) >= 3 and argv[0] == "run":
        import argparse
        ap = argparse.ArgumentParser()
        ap.add_argument("log")
        ap.add_argument("out")
        ap.add_argument("--name")
        ap.add_argument("--description", default="")
        a = ap.parse_args(argv[1:])
        with open(a.log, encoding="utf-8") as f:
            text = f.read()
        write_scenario(a.out, text, a.name or os.path.basename(os.path.abspath(a.out)), a.description)
        return 0
    print(__doc__, file=sys.stderr)
    return 2


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
