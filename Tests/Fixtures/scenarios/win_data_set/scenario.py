"""Raw 'win_data' lines with "data" (Visdom.set_window_data): set one window (stored as given, no index i), set a whole env (replaces all windows, keeps their i values), set into a new env (creates it), invalid JSON data (fails); updates on set windows; re-creating a window that has no i fails."""
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

vis.text("original", win="t")
vis.line(Y=np.array([1.0]), X=np.array([0]), win="l")
# a single window, as arbitrary JSON
set_window_data(LOG, {"command": "window", "id": "t2", "title": "set", "inflate": True,
                      "width": None, "height": None, "content": "set text", "type": "text",
                      "custom": [1, 2]}, win="t2")
vis.text("appended", win="t2", append=True)
vis.text("re-create t2", win="t2")
# a whole env replaced: t and l disappear
set_window_data(LOG, {"only": {"command": "window", "id": "only", "title": "", "inflate": True,
                               "width": None, "height": None, "content": "only window",
                               "type": "text", "i": 7}}, win=None)
vis.text("new window after set", win="after")
vis.text("re-create only", win="only")
# a new env from set data
set_window_data(LOG, {"a": {"content": {"data": [{"x": [1], "y": [2], "type": "scatter"}],
                                        "layout": {}}, "type": "plot", "id": "a", "i": 0}},
                win=None, env="made_by_set")
vis.line(Y=np.array([3.0]), X=np.array([2]), win="a", env="made_by_set", update="append")
log_raw(LOG, "win_data", {"win": "x", "eid": "main", "data": "{not json"})
