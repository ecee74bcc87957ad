"""Box plots: one column (name "column 0"), several columns with a legend, several without; an update refused on the box window."""
import os
import sys

import numpy as np
import visdom

LOG = sys.argv[1] if len(sys.argv) > 1 else "log.jsonl"
if os.path.exists(LOG):
    os.remove(LOG)
vis = visdom.Visdom(offline=True, log_to_filename=LOG, use_incoming_socket=False)
rng = np.random.default_rng(207)

vis.boxplot(X=rng.normal(size=8).round(3), win="one")
vis.boxplot(X=rng.normal(size=(6, 2)).round(3), win="legend",
            opts=dict(legend=["before", "after"], title="boxes"))
vis.boxplot(X=np.array([[1, 10, 100], [2, 20, 200], [3, 30, 300]]), win="three")
vis.line(Y=np.array([1.0]), X=np.array([0]), win="legend", update="append")
