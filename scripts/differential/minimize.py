#!/usr/bin/env python3
"""Shrinks a failing differential scenario to the fewest log lines that still fail.

    python3 scripts/differential/minimize.py FAILING_SCENARIO_DIR OUTDIR [--same]

Removes chunks of lines (delta debugging), then single lines, then tries to drop keys from the
messages that are left; after every step the oracle recomputes visdom's state and the corpus
checker runs on the candidate. With --same a candidate must fail with the same first
difference (JSON path and message) as the original, otherwise any failure counts.
Writes the minimal scenario (with its expected files) to OUTDIR and prints its log.
"""

import json
import os
import shutil
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.abspath(os.path.join(HERE, "..", ".."))
sys.path.insert(0, HERE)


def ensure_visdom():
    try:
        import visdom  # noqa: F401
    except ImportError:
        py = os.environ.get("VISDOM_PYTHON", "/tmp/v/bin/python")
        if os.environ.get("DIFF_REEXEC"):
            raise SystemExit("visdom not importable")
        os.execve(py, [py, os.path.abspath(__file__)] + sys.argv[1:], dict(os.environ, DIFF_REEXEC="1"))


def fails(lines, logstore, check, want, tmp):
    import visdom_oracle
    d = tempfile.mkdtemp(dir=tmp)
    sdir = os.path.join(d, "cand")
    try:
        visdom_oracle.write_scenario(sdir, "".join(json.dumps(l) + "\n" for l in lines), "cand", "")
    except Exception:
        shutil.rmtree(d, ignore_errors=True)
        return None
    p = subprocess.run([sys.executable, check, logstore, "--strict-numbers", "--corpus", d],
                       stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    out = [l for l in p.stdout.decode("utf-8", "replace").splitlines() if l.startswith("FAIL")]
    shutil.rmtree(d, ignore_errors=True)
    if not out:
        return None
    sig = out[0].split(": ", 1)[-1]
    if want is not None and sig != want:
        return None
    return sig


def main():
    import argparse
    ap = argparse.ArgumentParser()
    ap.add_argument("scenario")
    ap.add_argument("out")
    ap.add_argument("--same", action="store_true")
    ap.add_argument("--logstore", default=os.path.join(ROOT, ".build-diff", "release", "logstore"))
    ap.add_argument("--check", default=os.path.join(ROOT, "..", "shared", "visdom-corpus", "check.py"))
    a = ap.parse_args()
    ensure_visdom()
    import visdom_oracle
    lines = [list(e) for e in visdom_oracle.read_log(os.path.join(a.scenario, "log.jsonl"))]
    tmp = tempfile.mkdtemp(prefix="minimize-")
    sig = fails(lines, a.logstore, a.check, None, tmp)
    if sig is None:
        raise SystemExit("the scenario does not fail")
    want = sig if a.same else None
    print("fails with: %s" % sig)

    # delta debugging over lines
    n = 2
    while len(lines) >= 2:
        chunk = max(1, len(lines) // n)
        reduced = False
        for start in range(0, len(lines), chunk):
            cand = lines[:start] + lines[start + chunk:]
            if cand and fails(cand, a.logstore, a.check, want, tmp):
                lines = cand
                n = max(n - 1, 2)
                reduced = True
                break
        if not reduced:
            if chunk == 1:
                break
            n = min(len(lines), n * 2)

    # drop keys inside messages
    changed = True
    while changed:
        changed = False
        for i in range(len(lines)):
            msg = lines[i][1]
            if not isinstance(msg, dict):
                continue
            for k in list(msg.keys()):
                cand = json.loads(json.dumps(lines))
                del cand[i][1][k]
                if fails(cand, a.logstore, a.check, want, tmp):
                    lines = cand
                    changed = True
                    break
    shutil.rmtree(tmp, ignore_errors=True)
    shutil.rmtree(a.out, ignore_errors=True)
    visdom_oracle.write_scenario(a.out, "".join(json.dumps(l) + "\n" for l in lines),
                                 os.path.basename(os.path.abspath(a.out)), "minimized from %s" % a.scenario)
    print("minimal (%d lines), written to %s:" % (len(lines), a.out))
    for l in lines:
        print(json.dumps(l))
    return 0


if __name__ == "__main__":
    sys.exit(main())
