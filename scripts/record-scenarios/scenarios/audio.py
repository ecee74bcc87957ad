"""Audio panes (text panes with an <audio> data URI): a mono tensor, a stereo tensor with sample_frequency, a wav file; width/height set by the client."""
import os
import sys

import numpy as np
import visdom

LOG = sys.argv[1] if len(sys.argv) > 1 else "log.jsonl"
if os.path.exists(LOG):
    os.remove(LOG)
vis = visdom.Visdom(offline=True, log_to_filename=LOG, use_incoming_socket=False)
import tempfile
import wave

t = np.arange(64) / 8000.0
vis.audio(tensor=np.sin(2 * np.pi * 440 * t), win="mono", opts=dict(title="beep"))
vis.audio(tensor=np.column_stack([np.sin(2 * np.pi * 220 * t), np.cos(2 * np.pi * 220 * t)]),
          win="stereo", opts=dict(sample_frequency=8000))
path = os.path.join(tempfile.mkdtemp(), "click.wav")
with wave.open(path, "wb") as w:
    w.setnchannels(1)
    w.setsampwidth(2)
    w.setframerate(8000)
    w.writeframes(bytes([0, 0, 255, 127, 0, 0, 1, 128] * 8))
vis.audio(audiofile=path, win="file")
