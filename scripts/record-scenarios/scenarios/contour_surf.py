"""Contour and surface plots: default clipping from the data (integers become floats), explicit xmin/xmax, colormaps, 3D layout margins; updates on them are refused."""
import os
import sys

import numpy as np
import visdom

LOG = sys.argv[1] if len(sys.argv) > 1 else "log.jsonl"
if os.path.exists(LOG):
    os.remove(LOG)
vis = visdom.Visdom(offline=True, log_to_filename=LOG, use_incoming_socket=False)

Z = np.outer(np.arange(4), np.arange(5))
vis.contour(Z, win="contour_int", opts=dict(title="int contour"))
vis.contour(np.array([[0.1, 0.2], [0.3, 0.4]]), win="contour_clip",
            opts=dict(xmin=0, xmax=1, colormap="Hot"))
vis.surf(Z * 0.5, win="surf", opts=dict(colormap="Jet", xlabel="i", zlabel="value"))
vis.surf(np.array([[1.0, -1.0], [-1.0, 1.0]]), win="surf_margins",
         opts=dict(marginleft=5, margintop=5, xmin=-2.0, xmax=2.0))
vis.line(Y=np.array([1.0]), X=np.array([0]), win="contour_int", update="append")
vis.update_window_opts(win="surf", opts=dict(title="refused"))
