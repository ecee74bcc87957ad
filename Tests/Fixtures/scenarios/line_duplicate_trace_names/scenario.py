"""Traces sharing a name: a named append updates the first match then fails, a named remove deletes by shifting indices (removing the wrong trace or failing half-way), a named replace; named updates on traces that have no name fail."""
import os
import sys

import numpy as np
import visdom

LOG = sys.argv[1] if len(sys.argv) > 1 else "log.jsonl"
if os.path.exists(LOG):
    os.remove(LOG)
vis = visdom.Visdom(offline=True, log_to_filename=LOG, use_incoming_socket=False)
import json

Y = np.array([[1.0, 2.0, 3.0, 4.0], [1.5, 2.5, 3.5, 4.5]])
vis.line(Y=Y, X=np.array([0, 1]), win="dups", opts=dict(legend=["a", "b", "a", "c"]))
vis.line(Y=np.array([9.0]), X=np.array([2]), win="dups", name="a", update="append")
vis.line(Y=np.array([8.0]), X=np.array([3]), win="dups", name="b", update="replace")
vis.line(Y=None, X=None, win="dups", name="a", update="remove")

vis.line(Y=np.ones((1, 3)), X=np.zeros((1, 3)), win="triple", opts=dict(legend=["x", "x", "x"]))
vis.line(Y=None, X=None, win="triple", name="x", update="remove")

# traces without a "name" key (raw plotly data)
vis._send({"data": [{"x": [0], "y": [0], "type": "scatter"}], "layout": {}, "win": "noname",
           "eid": "main"})
vis.line(Y=np.array([1.0]), X=np.array([1]), win="noname", name="n", update="append")
vis.line(Y=None, X=None, win="noname", name="n", update="remove")
vis.line(Y=np.array([1.0]), X=np.array([1]), win="noname", update="append")
