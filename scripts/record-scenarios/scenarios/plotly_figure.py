"""vis.plotlyplot with plotly figures (the title taken into opts; numpy arrays arrive as plotly typed arrays {dtype, bdata}); appends to such windows: list data grows, typed-array data makes the server fail."""
import os
import sys

import numpy as np
import visdom

LOG = sys.argv[1] if len(sys.argv) > 1 else "log.jsonl"
if os.path.exists(LOG):
    os.remove(LOG)
vis = visdom.Visdom(offline=True, log_to_filename=LOG, use_incoming_socket=False)
import plotly.graph_objects as go

fig = go.Figure(data=[go.Scatter(x=[1, 2, 3], y=[3, 1, 2], name="s", mode="lines+markers",
                                 customdata=[[1], [2], [3]])],
                layout=dict(title=dict(text="plotly fig"), template="none",
                            xaxis=dict(rangeslider=dict(visible=True))))
vis.plotlyplot(fig, win="lists")
vis.line(Y=np.array([4.0]), X=np.array([4]), win="lists", update="append")

fig2 = go.Figure(data=[go.Scatter(x=np.array([1, 2, 3]), y=np.array([0.5, 1.5, 2.5]))],
                 layout=dict(template="none", title="typed arrays"))
vis.plotlyplot(fig2, win="typed")
vis.line(Y=np.array([4.0]), X=np.array([4]), win="typed", update="append")

fig3 = go.Figure(data=[go.Bar(x=["a", "b"], y=[1, 2]), go.Scatter(x=["a", "b"], y=[2, 1])],
                 layout=dict(template="none"))
vis.plotlyplot(fig3, win="no_title")
