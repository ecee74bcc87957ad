"""Two y axes: vis.dual_axis_lines with default and custom opts, and a line whose second trace is put on yaxis2 through traceopts/layoutopts; then appends to both kinds."""
import os
import sys

import numpy as np
import visdom

LOG = sys.argv[1] if len(sys.argv) > 1 else "log.jsonl"
if os.path.exists(LOG):
    os.remove(LOG)
vis = visdom.Visdom(offline=True, log_to_filename=LOG, use_incoming_socket=False)

x = np.arange(5)
vis.dual_axis_lines(X=x, Y1=x * 1.5, Y2=np.array([100, 80, 60, 50, 45]), win="dual_default")
vis.dual_axis_lines(X=np.array([0.0, 0.5, 1.0]), Y1=np.array([1.0, 2.0, 3.0]),
                    Y2=np.array([0.1, 0.01, 0.001]), win="dual_custom",
                    opts=dict(title="loss and lr", name_y1="loss", name_y2="lr", side="left",
                              color_title_y1="red", color_tick_y2="blue", showlegend=False,
                              top=10, bottom=20, left=30, right=40, width=640))
# append to one axis by trace name, then to both traces at once
vis.line(Y=np.array([7.5]), X=np.array([5]), win="dual_default", name="Y1 axis", update="append")
vis.line(Y=np.array([[9.0, 40.0]]), X=np.array([[6, 6]]), win="dual_default", update="append")

# a plain line with its second trace on a second axis (layoutopts + traceopts)
Y = np.column_stack([np.linspace(1, 0.1, 4), np.array([1e-3, 1e-3, 5e-4, 1e-4])])
vis.line(Y=Y, X=np.arange(4), win="line_y2",
         opts=dict(legend=["loss", "lr"], title="line with yaxis2",
                   traceopts={"plotly": {"lr": {"yaxis": "y2"}}},
                   layoutopts={"plotly": {"yaxis2": {"overlaying": "y", "side": "right",
                                                     "type": "log", "title": "lr"}}}))
vis.line(Y=np.array([[0.05, 5e-5]]), X=np.array([[4, 4]]), win="line_y2", update="append")
vis.line(Y=np.array([1e-5]), X=np.array([5]), win="line_y2", name="lr", update="append",
         opts=dict(layoutopts={"plotly": {"yaxis2": {"type": "linear"}}}))
