"""Env names: '/' is stored as '_' (so 'exp/run1' and 'exp_run1' are one env), several slashes, unicode (CJK, Greek, emoji), spaces and dots, a client whose default env has a slash."""
import os
import sys

import numpy as np
import visdom

LOG = sys.argv[1] if len(sys.argv) > 1 else "log.jsonl"
if os.path.exists(LOG):
    os.remove(LOG)
vis = visdom.Visdom(offline=True, log_to_filename=LOG, use_incoming_socket=False)

vis.line(Y=np.array([1.0]), X=np.array([0]), win="loss", env="exp/run1", opts=dict(title="slash"))
vis.line(Y=np.array([2.0]), X=np.array([1]), win="loss", env="exp_run1", update="append")
vis.text("same env, second window", win="note", env="exp_run1")
vis.text("three levels", win="t", env="a/b/c")
vis.text("中文环境", win="t", env="实验-α")
vis.text("rocket env", win="t", env="🚀 run")
vis.text("spaces and dots", win="t", env="my env v1.2")
team = visdom.Visdom(offline=True, log_to_filename=LOG, use_incoming_socket=False, env="team/x")
team.text("default env with a slash", win="t")
team.text("appended", win="t", append=True)
