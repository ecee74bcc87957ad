"""Removing every trace of a line window by name leaves a window with no traces: it still accepts updates, opts updates work, but appends (named or not) fail because there is no trace to clone; re-creating the window restores it."""
import os
import sys

import numpy as np
import visdom

LOG = sys.argv[1] if len(sys.argv) > 1 else "log.jsonl"
if os.path.exists(LOG):
    os.remove(LOG)
vis = visdom.Visdom(offline=True, log_to_filename=LOG, use_incoming_socket=False)

vis.line(Y=np.array([[1.0, 2.0], [3.0, 4.0]]), X=np.array([0, 1]), win="w",
         opts=dict(legend=["a", "b"], title="two traces"))
vis.line(Y=None, X=None, win="w", name="a", update="remove")
vis.line(Y=None, X=None, win="w", name="b", update="remove")
vis.line(Y=None, X=None, win="w", name="b", update="remove")
vis.update_window_opts(win="w", opts=dict(title="no traces"))
vis.line(Y=np.array([5.0]), X=np.array([2]), win="w", name="c", update="append")
vis.line(Y=np.array([5.0]), X=np.array([2]), win="w", update="append")
vis.line(Y=np.array([5.0]), X=np.array([2]), win="w", update="replace")

vis.line(Y=np.array([1.0]), X=np.array([0]), win="w2", name="only")
vis.line(Y=None, X=None, win="w2", name="only", update="remove")
vis.line(Y=np.array([7.0]), X=np.array([1]), win="w2", name="only")
