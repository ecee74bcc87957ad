"""Quiver plots (scatter lines with NaN separators sent as null): default grid with arrow heads, no arrow heads, normalize, explicit grids."""
import os
import sys

import numpy as np
import visdom

LOG = sys.argv[1] if len(sys.argv) > 1 else "log.jsonl"
if os.path.exists(LOG):
    os.remove(LOG)
vis = visdom.Visdom(offline=True, log_to_filename=LOG, use_incoming_socket=False)

U = np.array([[1.0, 0.0], [0.0, -1.0]])
V = np.array([[0.0, 1.0], [1.0, 0.5]])
vis.quiver(X=U, Y=V, win="default", opts=dict(title="field"))
vis.quiver(X=U, Y=V, win="noheads", opts=dict(arrowheads=False))
vis.quiver(X=U * 3, Y=V * 3, win="normalized", opts=dict(normalize=0.5))
vis.quiver(X=U, Y=V, gridX=np.array([[0.0, 0.0], [10.0, 10.0]]),
           gridY=np.array([[0.0, 5.0], [0.0, 5.0]]), win="grid", opts=dict(arrowheads=False))
