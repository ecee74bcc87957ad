"""Line plots: one trace (with and without X), several traces sharing a 1-D X, a 2-D X per trace, an N x 1 Y, integer data, and the styling opts (markers, fillarea, linecolor, dash, axis ticks/types, margins, layoutopts, traceopts, numeric title)."""
import os
import sys

import numpy as np
import visdom

LOG = sys.argv[1] if len(sys.argv) > 1 else "log.jsonl"
if os.path.exists(LOG):
    os.remove(LOG)
vis = visdom.Visdom(offline=True, log_to_filename=LOG, use_incoming_socket=False)
rng = np.random.default_rng(201)

# one trace without X: the client uses linspace(0, 1, N)
vis.line(Y=np.array([3.0, 1.0, 4.0, 1.0, 5.0]), win="one")
# one trace with X and axis labels
vis.line(Y=np.array([0.5, 0.25, 0.125]), X=np.array([1, 2, 3]), win="one_x",
         opts=dict(title="halving", xlabel="epoch", ylabel="loss"))
# a single point
vis.line(Y=np.array([7.5]), X=np.array([10]), win="point")
# integer X and Y: the values stay integers
vis.line(Y=np.array([1, 4, 9, 16]), X=np.array([1, 2, 3, 4]), win="ints")

# three traces sharing a 1-D X, with legend
Y = rng.normal(size=(6, 3)).round(3)
vis.line(Y=Y, X=np.arange(6), win="many",
         opts=dict(legend=["alpha", "beta", "gamma"], title="three traces, 1-D X"))
# the same Y with one X column per trace (2-D X)
X2 = np.column_stack([np.arange(6), np.arange(6) * 2, np.arange(6) * 0.5])
vis.line(Y=Y, X=X2, win="many_x2d", opts=dict(legend=["alpha", "beta", "gamma"]))
# N x 1 Y: one trace named "1" (a 2-D Y gets label traces), no legend
vis.line(Y=Y[:, :1], X=np.arange(6), win="column")
# four traces without legend: trace names "1".."4"
vis.line(Y=rng.random((3, 4)).round(2), X=np.array([0.0, 0.5, 1.0]), win="unnamed")

# styling: markers, fill, line colours and dashes per trace, axis opts, layout/trace opts
vis.line(Y=Y[:, :2], X=np.arange(6), win="styled",
         opts=dict(markers=True, markersymbol="cross-thin-open", markersize=4, fillarea=True,
                   linecolor=np.array([[255, 0, 0], [0, 0, 255]]),
                   dash=np.array(["dot", "dashdot"]), showlegend=True,
                   xtickmin=0, xtickmax=5, xtickstep=1, xtickvals=[0, 2, 4],
                   xticklabels=["zero", "two", "four"], ytype="log", ytickfont={"size": 9},
                   marginleft=10, marginright=5, margintop=30, marginbottom=25,
                   layoutopts={"plotly": {"hovermode": "closest", "legend": {"x": 0.1}}},
                   traceopts={"plotly": {"1": {"opacity": 0.5}, "2": {"line": {"width": 4}}}},
                   width=400, height=300))
# a numeric title is turned into a string by the client
vis.line(Y=np.array([1.0, 2.0]), X=np.array([0, 1]), win="numtitle", opts=dict(title=2024))
