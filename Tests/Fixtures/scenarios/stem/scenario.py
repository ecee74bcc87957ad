"""Stem plots: 1-D values, several series with a legend and shared timestamps, and a 2-D timestamp matrix (NaN separators become null)."""
import os
import sys

import numpy as np
import visdom

LOG = sys.argv[1] if len(sys.argv) > 1 else "log.jsonl"
if os.path.exists(LOG):
    os.remove(LOG)
vis = visdom.Visdom(offline=True, log_to_filename=LOG, use_incoming_socket=False)

vis.stem(X=np.array([1.0, -2.0, 3.0, 0.5]), win="single", opts=dict(title="stem"))
vis.stem(X=np.array([[1.0, 2.0], [3.0, 4.0], [5.0, 6.0]]), Y=np.array([10, 20, 30]),
         win="series", opts=dict(legend=["sin", "cos"], colormap="Jet"))
vis.stem(X=np.array([[1, 2], [3, 4]]), Y=np.array([[0.0, 0.5], [1.0, 1.5]]), win="own_t")
