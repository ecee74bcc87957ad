"""win=None: the client picks the window id ("window_" + hex time) before logging, so the ids are in the log; follow-up updates use the returned ids; updates with win=None get a fresh id and find no window."""
import os
import sys

import numpy as np
import visdom

LOG = sys.argv[1] if len(sys.argv) > 1 else "log.jsonl"
if os.path.exists(LOG):
    os.remove(LOG)
vis = visdom.Visdom(offline=True, log_to_filename=LOG, use_incoming_socket=False)

w_line = vis.line(Y=np.array([1.0, 2.0]), X=np.array([0, 1]))
w_text = vis.text("auto id")
w_hm = vis.heatmap(np.eye(2))
w_sc = vis.scatter(X=np.array([[0.0, 0.0]]), env="other")
vis.line(Y=np.array([3.0]), X=np.array([2]), win=w_line, update="append")
vis.text("appended", win=w_text, append=True)
vis.heatmap(np.ones((1, 2)), win=w_hm, update="appendRow")
vis.scatter(X=np.array([[1.0, 1.0]]), win=w_sc, env="other", update="append")
# updates with win=None: the client invents an id, the server has no such window
vis.text("lost", append=True)
vis.update_window_opts(win=None, opts=dict(title="lost"))
