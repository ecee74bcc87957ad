"""3D scatter with class labels, legend, per-class marker colours, text labels and 3D axis opts (ticks, nticks from tickstep); updates and opts updates on a 3D scatter are refused."""
import os
import sys

import numpy as np
import visdom

LOG = sys.argv[1] if len(sys.argv) > 1 else "log.jsonl"
if os.path.exists(LOG):
    os.remove(LOG)
vis = visdom.Visdom(offline=True, log_to_filename=LOG, use_incoming_socket=False)
rng = np.random.default_rng(204)

X = rng.normal(size=(9, 3)).round(3)
Y = np.repeat([1, 2, 3], 3)
vis.scatter(X=X, Y=Y, win="clusters3d",
            opts=dict(title="3D clusters", legend=["red", "green", "blue"], markersize=4,
                      markercolor=np.array([[255, 0, 0], [0, 255, 0], [0, 0, 255]]),
                      xlabel="x", ylabel="y", zlabel="z",
                      xtickmin=-3, xtickmax=3, xtickstep=1, ztickmin=-2, ztickmax=2))
# integer coordinates and text labels
vis.scatter(X=np.array([[0, 0, 0], [1, 2, 3], [4, 5, 6]]), win="ints3d",
            opts=dict(textlabels=["origin", "p", "q"], ztype="log"))
# the server refuses updates on scatter3d windows (only the message is answered)
vis.scatter(X=np.array([[9.0, 9.0, 9.0]]), win="clusters3d", update="append")
vis.scatter(X=np.array([[1.0, 1.0, 1.0]]), win="clusters3d", name="red", update="append")
vis.update_window_opts(win="clusters3d", opts=dict(title="renamed"))
