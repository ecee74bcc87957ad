"""Pie charts (with and without legend: labels null) and sunburst charts (with values and font/opacity/line opts, without values)."""
import os
import sys

import numpy as np
import visdom

LOG = sys.argv[1] if len(sys.argv) > 1 else "log.jsonl"
if os.path.exists(LOG):
    os.remove(LOG)
vis = visdom.Visdom(offline=True, log_to_filename=LOG, use_incoming_socket=False)

vis.pie(X=np.array([10, 20, 30.5]), win="pie", opts=dict(legend=["a", "b", "c"], title="shares"))
vis.pie(X=np.array([1.0, 1.0]), win="pie_nolegend")
vis.sunburst(labels=np.array(["root", "left", "right", "leaf"]),
             parents=np.array(["", "root", "root", "left"]),
             values=np.array([10, 4, 6, 4]), win="sun",
             opts=dict(size=14, font_color="white", opacity=0.7, marker_width=2, title="tree"))
vis.sunburst(labels=np.array(["A", "B"]), parents=np.array(["", "A"]), win="sun_plain")
