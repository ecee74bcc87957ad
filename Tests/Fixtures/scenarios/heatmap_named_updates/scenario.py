"""Heatmap with columnnames/rownames: every update direction with names, duplicate names (whole and partial), names missing on the update or on the plot side, mismatched shapes with names, names repeated inside one update, replace with and without names; opts of every update land on the window."""
import os
import sys

import numpy as np
import visdom

LOG = sys.argv[1] if len(sys.argv) > 1 else "log.jsonl"
if os.path.exists(LOG):
    os.remove(LOG)
vis = visdom.Visdom(offline=True, log_to_filename=LOG, use_incoming_socket=False)

vis.heatmap(np.arange(6.0).reshape(2, 3), win="hm",
            opts=dict(columnnames=["a", "b", "c"], rownames=["r1", "r2"], title="named"))
vis.heatmap(np.array([[6.0, 7.0, 8.0]]), win="hm", update="appendRow", opts=dict(rownames=["r3"]))
vis.heatmap(np.array([[-1.0, -2.0, -3.0]]), win="hm", update="prependRow",
            opts=dict(rownames=["r0"]))
vis.heatmap(np.full((4, 1), 9.0), win="hm", update="appendColumn", opts=dict(columnnames=["d"]))
vis.heatmap(np.full((4, 2), -9.0), win="hm", update="prependColumn",
            opts=dict(columnnames=["y", "z"]))
# a row / column name already in the plot: error logged, z and names unchanged
vis.heatmap(np.zeros((1, 6)), win="hm", update="appendRow", opts=dict(rownames=["r1"]))
vis.heatmap(np.zeros((4, 1)), win="hm", update="appendColumn", opts=dict(columnnames=["a"]))
vis.heatmap(np.zeros((4, 2)), win="hm", update="prependColumn", opts=dict(columnnames=["e", "b"]))
# the plot has names, the update has none
vis.heatmap(np.zeros((1, 6)), win="hm", update="appendRow")
vis.heatmap(np.zeros((4, 1)), win="hm", update="prependColumn")
# mismatched shapes (with names)
vis.heatmap(np.zeros((1, 2)), win="hm", update="appendRow", opts=dict(rownames=["bad"]))
vis.heatmap(np.zeros((3, 1)), win="hm", update="appendColumn", opts=dict(columnnames=["bad"]))
# the same new name twice within one update is accepted
vis.heatmap(np.ones((2, 6)), win="hm", update="appendRow", opts=dict(rownames=["twin", "twin"]))
# colormap and clipping on an append
vis.heatmap(np.ones((1, 6)), win="hm", update="prependRow",
            opts=dict(rownames=["first"], colormap="Hot", xmin=0, xmax=10))

# a heatmap without names; names only on the update side
vis.heatmap(np.eye(2), win="plain")
vis.heatmap(np.ones((1, 2)), win="plain", update="appendRow", opts=dict(rownames=["x"]))
vis.heatmap(np.ones((2, 1)), win="plain", update="appendColumn", opts=dict(columnnames=["x"]))
vis.heatmap(np.full((1, 2), 2.0), win="plain", update="prependRow")
vis.heatmap(np.full((3, 1), 3.0), win="plain", update="prependColumn")

# only rows named: columns can be added without names, rows need names
vis.heatmap(np.eye(2), win="rowsonly", opts=dict(rownames=["p", "q"]))
vis.heatmap(np.ones((2, 1)), win="rowsonly", update="appendColumn")
vis.heatmap(np.ones((2, 1)), win="rowsonly", update="appendColumn", opts=dict(columnnames=["c"]))
vis.heatmap(np.ones((1, 3)), win="rowsonly", update="appendRow")
vis.heatmap(np.ones((1, 3)), win="rowsonly", update="appendRow", opts=dict(rownames=["s"]))
# replace with new names (shape may change), then replace without names: names become null
vis.heatmap(np.full((2, 2), 5.0), win="rowsonly", update="replace",
            opts=dict(columnnames=["c1", "c2"], rownames=["n1", "n2"]))
vis.heatmap(np.full((3, 3), 1.0), win="rowsonly", update="replace")
vis.heatmap(np.zeros((1, 3)), win="rowsonly", update="appendRow")
