"""Images: grayscale float HxW scaled to 0-255, uint8 CxHxW, float values above 1 (not scaled, wrapped by uint8), JPEG via jpgquality, caption, explicit width/height; vis.images grids (nrow, padding, single-channel batches, a list of images, a single image)."""
import os
import sys

import numpy as np
import visdom

LOG = sys.argv[1] if len(sys.argv) > 1 else "log.jsonl"
if os.path.exists(LOG):
    os.remove(LOG)
vis = visdom.Visdom(offline=True, log_to_filename=LOG, use_incoming_socket=False)

g = np.linspace(0, 1, 16).reshape(4, 4)
vis.image(g, win="gray", opts=dict(caption="gradient", title="gray"))
rgb = np.zeros((3, 3, 5), dtype=np.uint8)
rgb[0, :, :2] = 255
rgb[2, :, 3:] = 200
vis.image(rgb, win="rgb", opts=dict(width=100, height=60))
vis.image(np.full((3, 2, 2), 300.5), win="wrapped")
vis.image(np.full((3, 4, 4), 0.5), win="jpeg", opts=dict(jpgquality=50, caption="jpeg"))

batch = np.stack([np.full((3, 3, 3), k / 7.0) for k in range(7)])
vis.images(batch, nrow=3, padding=1, win="grid", opts=dict(caption="7 images, 3 per row"))
vis.images(np.stack([np.eye(3)[None] for _ in range(2)]), win="grid_gray")
# (padding=0 crashes the 0.2.4 client: its grid offsets assume padding >= 1)
vis.images([np.ones((3, 2, 2)), np.zeros((3, 2, 2))], nrow=2, padding=1, win="grid_list")
vis.images(np.ones((1, 2, 2)), win="single")
