"""vis.graph network panes: default opts, directed with edge and node labels, 'different' colour scheme; an update on a network pane fails."""
import os
import sys

import numpy as np
import visdom

LOG = sys.argv[1] if len(sys.argv) > 1 else "log.jsonl"
if os.path.exists(LOG):
    os.remove(LOG)
vis = visdom.Visdom(offline=True, log_to_filename=LOG, use_incoming_socket=False)

vis.graph([(0, 1), (1, 2), (2, 0)], win="triangle")
vis.graph([(0, 1), (0, 2), (2, 3)], edgeLabels=["a", "b", "c"],
          nodeLabels=["root", "x", "y", "z"], win="labelled",
          opts=dict(directed=True, showVertexLabels=True, showEdgeLabels=True, scheme="different",
                    height=300, width=320, title="directed"))
vis.text("not a network", win="triangle", append=True)
