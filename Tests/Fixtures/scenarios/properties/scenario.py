"""Properties panes: every property type, re-created with other values; plot and text updates on a properties pane fail."""
import os
import sys

import visdom

LOG = sys.argv[1] if len(sys.argv) > 1 else "log.jsonl"
if os.path.exists(LOG):
    os.remove(LOG)
vis = visdom.Visdom(offline=True, log_to_filename=LOG, use_incoming_socket=False)

props = [
    {"type": "text", "name": "Text input", "value": "initial"},
    {"type": "number", "name": "Number input", "value": "12"},
    {"type": "button", "name": "Button", "value": "Start"},
    {"type": "checkbox", "name": "Checkbox", "value": True},
    {"type": "select", "name": "Select", "value": 1, "values": ["Red", "Green", "Blue"]},
]
vis.properties(props, win="props", opts=dict(title="settings"))
props[1]["value"] = "13"
props[3]["value"] = False
vis.properties(props, win="props")
vis.properties([], win="empty_props")
vis.text("appended", win="props", append=True)
vis._send({"data": [{"x": [1], "y": [1]}], "win": "props", "eid": "main", "append": True},
          endpoint="update")
