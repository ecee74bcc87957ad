"""2D scatter options: webgl (scattergl) with appends, non-contiguous labels with legend, text labels with a mode override, fillarea, per-trace dash/linecolor/traceopts, per-class marker colours."""
import os
import sys

import numpy as np
import visdom

LOG = sys.argv[1] if len(sys.argv) > 1 else "log.jsonl"
if os.path.exists(LOG):
    os.remove(LOG)
vis = visdom.Visdom(offline=True, log_to_filename=LOG, use_incoming_socket=False)
rng = np.random.default_rng(203)

P = rng.normal(size=(6, 2)).round(3)
vis.scatter(X=P, win="gl", opts=dict(webgl=True, title="webgl"))
vis.scatter(X=np.array([[1.0, 1.0], [2.0, 2.0]]), win="gl", update="append")

# labels 1 and 3 only: no trace for label 2, names from legend[k-1]
L = np.array([1, 3, 1, 3, 3])
vis.scatter(X=rng.random((5, 2)).round(3), Y=L, win="gaps",
            opts=dict(legend=["one", "two", "three"], markersymbol="diamond", markersize=7))
# float labels that are whole numbers are accepted
vis.scatter(X=np.array([[0.0, 0.0], [1.0, 1.0]]), Y=np.array([1.0, 2.0]), win="floatlabels")

# text labels, explicit mode, fillarea, per-trace dash and line colour, traceopts
vis.scatter(X=np.array([[0, 0], [1, 2], [2, 1], [3, 3]]), Y=np.array([1, 1, 2, 2]), win="styled",
            opts=dict(textlabels=["a", "b", "c", "d"], mode="lines+markers+text", fillarea=True,
                      dash=np.array(["solid", "dash"]),
                      linecolor=np.array([[10, 20, 30], [200, 100, 0]]),
                      traceopts={"plotly": {"2": {"marker": {"opacity": 0.3}, "hoverinfo": "x"}}},
                      markercolor=np.array([[255, 0, 0], [0, 128, 0]]),
                      markerborderwidth=2, title="styled"))
