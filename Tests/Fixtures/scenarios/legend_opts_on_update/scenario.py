"""Opts and legends on updates: an append's opts (legend, markers, mode, sizes) land on the window and rename traces; update_window_opts resets layout margins/showlegend from its opts; a legend longer than the traces; None opts values; opts-only updates on line, scatter, heatmap and text windows."""
import os
import sys

import numpy as np
import visdom

LOG = sys.argv[1] if len(sys.argv) > 1 else "log.jsonl"
if os.path.exists(LOG):
    os.remove(LOG)
vis = visdom.Visdom(offline=True, log_to_filename=LOG, use_incoming_socket=False)

vis.line(Y=np.array([[1.0, 2.0]]), X=np.array([[0, 0]]), win="curves", opts=dict(legend=["a", "b"]))
vis.line(Y=np.array([[3.0, 4.0]]), X=np.array([[1, 1]]), win="curves", update="append",
         opts=dict(legend=["train", "val"], markers=True, markersize=6))
vis.update_window_opts(win="curves", opts=dict(legend=["x", "y", "z"]))
vis.update_window_opts(win="curves", opts=dict(title="titled", marginleft=0))
vis._send({"win": "curves", "eid": "main", "opts": {"title": None, "width": 500},
           "layout": {"title": None, "showlegend": True}}, endpoint="update")
vis.line(Y=np.array([5.0]), X=np.array([2]), win="curves", name="x", update="append",
         opts=dict(legend=["only"]))

vis.scatter(X=np.array([[0.0, 0.0], [1.0, 1.0]]), Y=np.array([1, 2]), win="sc",
            opts=dict(legend=["p", "q"]))
vis.update_window_opts(win="sc", opts=dict(xlabel="x", ylabel="y", xtype="log", showlegend=False,
                                            layoutopts={"plotly": {"legend": {"orientation": "h"}}}))
vis.heatmap(np.eye(2), win="hm", opts=dict(columnnames=["a", "b"]))
vis.update_window_opts(win="hm", opts=dict(columnnames=["c", "d"], rownames=["r", "s"]))
vis.text("text", win="txt")
vis.update_window_opts(win="txt", opts=dict(title="fails on text"))
