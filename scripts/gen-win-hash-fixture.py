#!/usr/bin/env python3
"""Computes visdom 0.2.4's own hash_md_window (the /win_hash answer) for every window of
every recorded scenario, so LogStore's WindowHash can be checked bit for bit.

Run with the visdom venv's python (see scripts/record-scenarios/README.md):
    /tmp/v/bin/python scripts/gen-win-hash-fixture.py
Writes Tests/Fixtures/win-hash/hashes.json: {"scenario/env/window": md5}.
"""
import json
import os
import sys

from visdom.utils.server_utils import hash_md_window

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
OUT = os.path.join(ROOT, "Tests", "Fixtures", "win-hash", "hashes.json")
CORPORA = [os.path.join(ROOT, "Tests", "Fixtures", "scenarios"), os.path.join(ROOT, "..", "shared", "visdom-corpus")]

hashes = {}
for corpus in CORPORA:
    if not os.path.isdir(corpus):
        continue
    for scenario in sorted(os.listdir(corpus)):
        expected = os.path.join(corpus, scenario, "expected")
        if not os.path.isdir(expected):
            continue
        for name in sorted(os.listdir(expected)):
            if not name.endswith(".windows.json"):
                continue
            env = name[: -len(".windows.json")]
            with open(os.path.join(expected, name)) as f:
                windows = json.load(f)
            for wid, window in windows.items():
                hashes["%s/%s/%s" % (scenario, env, wid)] = hash_md_window(window)
with open(OUT, "w") as f:
    json.dump(hashes, f, indent=1, sort_keys=True)
print("%s: %d windows" % (OUT, len(hashes)), file=sys.stderr)
