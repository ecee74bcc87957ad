"""Video panes (text panes with a <video> data URI): a tiny LxHxWxC tensor encoded by the client with PyAV (h264), an LxCxHxW tensor with fps/autoplay/loop, an mp4 file."""
import os
import sys

import numpy as np
import visdom

LOG = sys.argv[1] if len(sys.argv) > 1 else "log.jsonl"
if os.path.exists(LOG):
    os.remove(LOG)
vis = visdom.Visdom(offline=True, log_to_filename=LOG, use_incoming_socket=False)
import tempfile

frames = np.zeros((3, 16, 16, 3), dtype=np.uint8)
for k in range(3):
    frames[k, :, : 5 * (k + 1)] = 80 * k
vis.video(tensor=frames, win="tensor", opts=dict(title="3 frames"))
vis.video(tensor=frames.transpose(0, 3, 1, 2) / 255.0, dim="LxCxHxW", win="chw",
          opts=dict(fps=2, autoplay=True, loop=True))
content, _ = vis._encode(frames, 4)
path = os.path.join(tempfile.mkdtemp(), "clip.mp4")
with open(path, "wb") as f:
    f.write(content)
vis.video(videofile=path, win="file")
