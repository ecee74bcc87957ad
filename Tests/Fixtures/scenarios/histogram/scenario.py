"""Histograms (sent as bar plots): default bin count (min(30, N)), numbins, integer data, constant data, and an update refused on the bar window."""
import os
import sys

import numpy as np
import visdom

LOG = sys.argv[1] if len(sys.argv) > 1 else "log.jsonl"
if os.path.exists(LOG):
    os.remove(LOG)
vis = visdom.Visdom(offline=True, log_to_filename=LOG, use_incoming_socket=False)
rng = np.random.default_rng(206)

vis.histogram(X=rng.normal(size=40).round(3), win="default")
vis.histogram(X=rng.normal(size=200).round(3), win="bins5", opts=dict(numbins=5, title="5 bins"))
vis.histogram(X=np.array([1, 1, 2, 3, 3, 3, 7]), win="ints", opts=dict(numbins=3))
vis.histogram(X=np.full(4, 2.5), win="constant")
vis.line(Y=np.array([1.0]), X=np.array([0]), win="bins5", update="append")
