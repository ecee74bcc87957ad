"""Marker colours on updates: per-point colours appended (lists concatenated), appends without colours (lists fall out of step), colours added to traces created without them, replace with colours, per-class colours on labelled appends, alpha (1-D) colours, line windows with markers."""
import os
import sys

import numpy as np
import visdom

LOG = sys.argv[1] if len(sys.argv) > 1 else "log.jsonl"
if os.path.exists(LOG):
    os.remove(LOG)
vis = visdom.Visdom(offline=True, log_to_filename=LOG, use_incoming_socket=False)

vis.scatter(X=np.array([[0.0, 0.0], [1.0, 1.0]]), win="pp",
            opts=dict(markercolor=np.array([[255, 0, 0], [0, 255, 0]])))
vis.scatter(X=np.array([[2.0, 2.0]]), win="pp", update="append",
            opts=dict(markercolor=np.array([[0, 0, 255]])))
vis.scatter(X=np.array([[3.0, 3.0], [4.0, 4.0]]), win="pp", update="append")
vis.scatter(X=np.array([[5.0, 5.0]]), win="pp", update="append",
            opts=dict(markercolor=np.array([[1, 2, 3]])))
vis.scatter(X=np.array([[6.0, 6.0]]), win="pp", update="replace",
            opts=dict(markercolor=np.array([[9, 9, 9]])))

# created without colours, appended with colours
vis.scatter(X=np.array([[0.0, 1.0]]), win="nocolor")
vis.scatter(X=np.array([[1.0, 2.0], [2.0, 3.0]]), win="nocolor", update="append",
            opts=dict(markercolor=np.array([[10, 20, 30], [40, 50, 60]])))

# two classes with per-class colours; append one point per class with colours
vis.scatter(X=np.array([[0.0, 0.0], [1.0, 0.0]]), Y=np.array([1, 2]), win="classes",
            opts=dict(legend=["neg", "pos"], markercolor=np.array([[200, 0, 0], [0, 0, 200]])))
vis.scatter(X=np.array([[0.0, 1.0], [1.0, 1.0]]), Y=np.array([1, 2]), win="classes",
            update="append", opts=dict(markercolor=np.array([[100, 0, 0], [0, 0, 100]])))
vis.scatter(X=np.array([[5.0, 5.0]]), win="classes", name="pos", update="append",
            opts=dict(markercolor=np.array([[7, 7, 7]])))

# alpha colours (1-D markercolor)
vis.scatter(X=np.array([[0.0, 0.0], [1.0, 1.0], [2.0, 2.0]]), win="alpha",
            opts=dict(markercolor=np.array([0, 127, 255])))
vis.scatter(X=np.array([[3.0, 3.0]]), win="alpha", update="append",
            opts=dict(markercolor=np.array([64])))

# line windows with markers and colours
vis.line(Y=np.array([1.0, 2.0]), X=np.array([0, 1]), win="line_markers",
         opts=dict(markers=True, markercolor=np.array([[255, 255, 0], [0, 255, 255]])))
vis.line(Y=np.array([3.0]), X=np.array([2]), win="line_markers", update="append",
         opts=dict(markers=True, markercolor=np.array([[255, 0, 255]])))
vis.line(Y=np.array([1.0]), X=np.array([0]), win="line_plain")
vis.line(Y=np.array([2.0]), X=np.array([1]), win="line_plain", update="append",
         opts=dict(markers=True, markersize=3, markercolor=np.array([[1, 1, 1]])))
