#!/usr/bin/env python3
"""Differential fuzzing of LogStore against visdom 0.2.4's own handler code.

Generates seeded random scenarios (generate.py), computes visdom's state for each in-process
(visdom_oracle.py), and runs the corpus checker on them against a LogStore binary:

    python3 scripts/differential/run.py --count 2000 --seed 1
    python3 scripts/differential/run.py --count 200 --seed 7 --keep /tmp/diff7   # keep scenarios
    python3 scripts/differential/run.py --logstore .build/release/logstore --jobs 8

Scenarios are generated and checked in batches (`--batch`, default 50), `--jobs` batches at a
time, each by `check.py LOGSTORE --strict-numbers --corpus BATCHDIR`. Failing scenarios are
copied to `--failures DIR` (default /tmp/logstore-diff-failures) and summarised by their first
differing JSON path. Exit status 0 only if nothing failed.

Needs visdom 0.2.4 (default venv /tmp/v; `--python` or $VISDOM_PYTHON): if this interpreter
cannot import visdom, the script re-runs itself under that one.
"""

import argparse
import collections
import concurrent.futures
import os
import re
import shutil
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.abspath(os.path.join(HERE, "..", ".."))
DEFAULT_CHECK = os.path.abspath(os.path.join(ROOT, "..", "shared", "visdom-corpus", "check.py"))


def ensure_visdom(python):
    try:
        import visdom  # noqa: F401
        return
    except ImportError:
        pass
    if os.environ.get("DIFF_REEXEC"):
        raise SystemExit("visdom is not importable by %s; create the venv (see README.md)" % python)
    env = dict(os.environ, DIFF_REEXEC="1")
    os.execve(python, [python, os.path.abspath(__file__)] + sys.argv[1:], env)


def gen_batch(args, out, start, count):
    sys.path.insert(0, HERE)
    import generate
    return generate.generate(out, count, args.seed, args.prefix, max_size=args.max_size, start=start,
                             exotic=args.exotic, client_share=args.client_share)


def check_batch(args, batch_dir):
    p = subprocess.run([sys.executable, args.check, args.logstore, "--strict-numbers",
                        "--corpus", batch_dir, "--timeout", "120"],
                       stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    return p.stdout.decode("utf-8", "replace")


def work(job):
    args, (d, start, n) = job
    gen_batch(args, d, start, n)
    return d, check_batch(args, d)


def signature(line):
    """A failure line reduced to its kind: JSON path without indices/window names."""
    m = re.match(r"FAIL (\S+) (\[\w+\])(?: env=\S*)?(?: window=\S*)?: (.*)", line)
    if not m:
        return line[:120]
    rest = m.group(3)
    rest = re.sub(r"Error: /\S+: ", "Error: FILE: ", rest)
    rest = re.sub(r"^.*?(Error: )", r"\1", rest) if "exited" in rest else rest
    rest = re.sub(r"'[^']*'", "'X'", rest)
    rest = re.sub(r"\[\d+\]", "[]", rest)
    rest = re.sub(r"\$\.jsons(\.\w+|\[\"[^\"]*\"\])", "$.jsons.W", rest)
    rest = re.sub(r"expected .*", "", rest) if "expected" in rest else rest
    return "%s %s" % (m.group(2), rest[:140])


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--count", type=int, default=500)
    ap.add_argument("--seed", default="1")
    ap.add_argument("--start", type=int, default=0, help="first scenario number")
    ap.add_argument("--prefix", default="gen")
    ap.add_argument("--batch", type=int, default=50)
    ap.add_argument("--jobs", type=int, default=max(1, min(8, (os.cpu_count() or 2))))
    ap.add_argument("--max-size", type=int, default=14, help="most messages per scenario")
    ap.add_argument("--logstore", default=os.path.join(ROOT, ".build-diff", "release", "logstore"))
    ap.add_argument("--check", default=DEFAULT_CHECK, help="the corpus's check.py")
    ap.add_argument("--python", default=os.environ.get("VISDOM_PYTHON", "/tmp/v/bin/python"))
    ap.add_argument("--keep", help="write scenarios here (kept) instead of a temp dir")
    ap.add_argument("--failures", default="/tmp/logstore-diff-failures")
    ap.add_argument("--exotic", action="store_true",
                    help="also generate the known differences LogStore does not reproduce (README.md)")
    ap.add_argument("--client-share", type=float, default=0.35,
                    help="share of the scenarios written by the real visdom client (client_gen.py)")
    ap.add_argument("-q", "--quiet", action="store_true")
    args = ap.parse_args()
    ensure_visdom(args.python)
    args.logstore = os.path.abspath(args.logstore)
    if not os.path.exists(args.logstore):
        raise SystemExit("no LogStore binary at %s; build it: swift build -c release --product logstore "
                         "--scratch-path .build-diff" % args.logstore)

    root = args.keep or tempfile.mkdtemp(prefix="logstore-diff-")
    os.makedirs(root, exist_ok=True)
    # a private copy of the binary, so that a rebuild during the run changes nothing
    bindir = tempfile.mkdtemp(prefix="logstore-diff-bin-")
    shutil.copy2(args.logstore, os.path.join(bindir, "logstore"))
    args.logstore = os.path.join(bindir, "logstore")
    os.makedirs(args.failures, exist_ok=True)
    batches = []
    for b, start in enumerate(range(args.start, args.start + args.count, args.batch)):
        n = min(args.batch, args.start + args.count - start)
        batches.append((os.path.join(root, "batch%04d" % b), start, n))

    fails = []
    passed = 0

    with concurrent.futures.ProcessPoolExecutor(max_workers=args.jobs) as ex:
        for d, out in ex.map(work, [(args, b) for b in batches]):
            for line in out.splitlines():
                if line.startswith("PASS"):
                    passed += 1
                elif line.startswith("FAIL"):
                    fails.append(line)
                    name = line.split()[1]
                    dst = os.path.join(args.failures, name)
                    shutil.rmtree(dst, ignore_errors=True)
                    shutil.copytree(os.path.join(d, name), dst)
                    if not args.quiet:
                        print(line, flush=True)
    kinds = collections.Counter(signature(f) for f in fails)
    print("\n%d scenarios: %d passed, %d failed" % (passed + len(fails), passed, len(fails)))
    for k, c in kinds.most_common():
        print("%5d  %s" % (c, k))
    if fails:
        print("failing scenarios copied to %s" % args.failures)
    if not args.keep:
        shutil.rmtree(root, ignore_errors=True)
    shutil.rmtree(bindir, ignore_errors=True)
    return 1 if fails else 0


if __name__ == "__main__":
    sys.exit(main())
