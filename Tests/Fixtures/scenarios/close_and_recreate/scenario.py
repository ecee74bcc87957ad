"""Window lifecycle with raw 'close' lines: re-creating a window keeps its index i (also with another type), closing one window, then creating one gives i = number of windows (a duplicate i), closing a missing window, close with eid null (main), close of all windows (win null), close in a missing env (fails), append re-creates a closed window, replace does not."""
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

vis.line(Y=np.array([1.0]), X=np.array([0]), win="a")
vis.text("b", win="b")
vis.line(Y=np.array([2.0]), X=np.array([0]), win="c")
# re-create "b" as a line: replaced, keeps i = 1
vis.line(Y=np.array([5.0]), X=np.array([0]), win="b", opts=dict(title="b again"))
close(LOG, "a")
# two windows left (b: i=1, c: i=2): the new window gets i = 2 as well
vis.text("d", win="d")
close(LOG, "no-such-window")
log_raw(LOG, "close", {"win": "c", "eid": None})
# update a closed window: replace is refused, append re-creates it
vis.line(Y=np.array([3.0]), X=np.array([1]), win="c", update="replace")
vis.line(Y=np.array([3.0]), X=np.array([1]), win="c", update="append")
vis.text("a is back", win="a")

vis.text("one", win="x1", env="other")
vis.text("two", win="x2", env="other")
close(LOG, None, env="other")
vis.text("three", win="x3", env="other")
vis.text("one again", win="x1", env="other")
close(LOG, "x1", env="missing_env")
