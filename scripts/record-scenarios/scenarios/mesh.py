"""Mesh plots: 2D vertices with polygons (type mesh), 3D vertices with triangles (mesh3d), vertices only, colour and opacity."""
import os
import sys

import numpy as np
import visdom

LOG = sys.argv[1] if len(sys.argv) > 1 else "log.jsonl"
if os.path.exists(LOG):
    os.remove(LOG)
vis = visdom.Visdom(offline=True, log_to_filename=LOG, use_incoming_socket=False)

vis.mesh(X=np.array([[0, 0], [1, 0], [0, 1], [1, 1]]), Y=np.array([[0, 1], [1, 2]]),
         win="mesh2d")
vis.mesh(X=np.array([[0.0, 0.0, 0.0], [1.0, 0.0, 0.0], [0.0, 1.0, 0.0], [0.0, 0.0, 1.0]]),
         Y=np.array([[0, 1, 2], [0, 1, 3], [0, 2, 3], [1, 2, 3]]), win="tetra",
         opts=dict(color="red", opacity=0.5, title="tetrahedron"))
vis.mesh(X=np.array([[0.0, 0.0, 0.0], [1.0, 1.0, 1.0], [2.0, 0.0, 1.0]]), win="points_only")
