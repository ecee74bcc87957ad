"""Env operations with raw 'fork_env' and 'delete_env' lines: fork then diverge, fork of a fork, fork onto an existing env (overwrites it), fork with '/' in names, fork of a missing env (fails), delete of a forked env, delete of an env that was never saved (state dropped, then the missing file fails the request), delete of a missing env, writes to a deleted env, delete of main."""
import os
import sys

import numpy as np
import visdom

LOG = sys.argv[1] if len(sys.argv) > 1 else "log.jsonl"
if os.path.exists(LOG):
    os.remove(LOG)
vis = visdom.Visdom(offline=True, log_to_filename=LOG, use_incoming_socket=False)
HERE = os.path.dirname(os.path.abspath(__file__))
# _common.py lives in scripts/record-scenarios/scenarios (also when run from a fixture dir)
sys.path[:0] = [HERE, os.path.join(HERE, "..", "..", "..", "..", "scripts", "record-scenarios", "scenarios")]
from _common import close, delete_env, fork_env, log_raw, set_window_data  # noqa: E402

vis.line(Y=np.array([1.0, 2.0]), X=np.array([0, 1]), win="loss", opts=dict(title="main loss"))
vis.text("main notes", win="notes")
fork_env(LOG, "main", "copy")
vis.line(Y=np.array([3.0]), X=np.array([2]), win="loss", env="copy", update="append")
vis.text("only in copy", win="extra", env="copy")
fork_env(LOG, "copy", "copy2")
vis.text("copy2 notes", win="notes", env="copy2")

vis.text("will be overwritten", win="t", env="target")
fork_env(LOG, "copy", "target")

vis.text("slash env", win="s", env="exp/a")
fork_env(LOG, "exp/a", "exp/b")
fork_env(LOG, "does-not-exist", "never")

delete_env(LOG, "copy2")
vis.text("scratch", win="s", env="scratch")
delete_env(LOG, "scratch")
vis.text("after delete", win="s", env="scratch", append=True)
delete_env(LOG, "no-such-env")
vis.text("new life", win="s2", env="scratch")

# main is on disk (written at server start), so its delete is clean
delete_env(LOG, "main")
vis.line(Y=np.array([9.0]), X=np.array([9]), win="loss", update="append")
