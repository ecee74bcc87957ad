"""SVG panes (text panes): an svg string cut out of surrounding text, an svg file (the client embeds str(bytes), so the pane holds the b'...' escapes), appends to an svg pane."""
import os
import sys

import visdom

LOG = sys.argv[1] if len(sys.argv) > 1 else "log.jsonl"
if os.path.exists(LOG):
    os.remove(LOG)
vis = visdom.Visdom(offline=True, log_to_filename=LOG, use_incoming_socket=False)
import tempfile

svg = ('<?xml version="1.0"?>\n<!-- comment -->\n<svg height="30" width="60">\n'
       '  <circle cx="15" cy="15" r="10" fill="red"/>\n'
       '  <text x="30" y="20">é</text>\n</svg>\ntrailing text')
vis.svg(svgstr=svg, win="inline", opts=dict(title="circle"))
vis.text("<b>note</b>", win="inline", append=True)

path = os.path.join(tempfile.mkdtemp(), "shape.svg")
with open(path, "w", encoding="utf-8") as f:
    f.write('<svg width="10" height="10">\n<rect width="10" height="10"/>\n</svg>\n')
vis.svg(svgfile=path, win="fromfile")
