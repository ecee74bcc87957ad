"""Envs that only receive updates (and closes) are never created: every kind of update fails there; an env whose only events message fails is not created either; an env created later accepts the same update."""
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

vis.line(Y=np.array([1.0]), X=np.array([0]), win="w", env="ghost", update="append")
vis.scatter(X=np.array([[1.0, 1.0]]), win="w", env="ghost", update="replace")
vis.heatmap(np.eye(2), win="h", env="ghost", update="appendRow")
vis.text("t", win="t", env="ghost", append=True)
vis.update_window_opts(win="w", env="ghost", opts=dict(title="x"))
close(LOG, "w", env="ghost")
close(LOG, None, env="ghost")

vis._send({"data": [{"x": [1], "y": [1], "type": "scatter"}], "win": "w", "eid": "badevents"})

vis.line(Y=np.array([1.0]), X=np.array([0]), win="w", env="late", update="append")
vis.text("now it exists", win="t", env="late")
vis.line(Y=np.array([1.0]), X=np.array([0]), win="w", env="late", update="append")
