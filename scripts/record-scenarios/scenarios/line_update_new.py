"""update='new' (and any update value other than append/remove): sent as a non-append update, so a new name inserts a trace, an existing name or no name replaces data, and a missing window is not created."""
import os
import sys

import numpy as np
import visdom

LOG = sys.argv[1] if len(sys.argv) > 1 else "log.jsonl"
if os.path.exists(LOG):
    os.remove(LOG)
vis = visdom.Visdom(offline=True, log_to_filename=LOG, use_incoming_socket=False)

vis.line(Y=np.array([1.0, 2.0]), X=np.array([0, 1]), win="w", name="first", opts=dict(title="new"))
vis.line(Y=np.array([5.0, 6.0, 7.0]), X=np.array([0, 1, 2]), win="w", name="second", update="new")
vis.line(Y=np.array([0.0]), X=np.array([9]), win="w", name="first", update="new")
vis.line(Y=np.array([[3.0, 4.0]]), X=np.array([[5, 5]]), win="w", update="new")
vis.line(Y=np.array([1.0]), X=np.array([0]), win="missing", name="x", update="new")
vis.line(Y=np.array([1.0]), X=np.array([0]), win="w", name="third", update="insert")
