"""Update messages with "append": true create any kind of pane when the window is missing (window() builds it from the update message): text, image_history, network, properties; without the flag the update is refused. Text appends from the client carry no append flag."""
import os
import sys

import visdom

LOG = sys.argv[1] if len(sys.argv) > 1 else "log.jsonl"
if os.path.exists(LOG):
    os.remove(LOG)
vis = visdom.Visdom(offline=True, log_to_filename=LOG, use_incoming_socket=False)

vis.text("client text append to a missing window", win="t_client", append=True)
vis._send({"data": [{"content": "made by an append", "type": "text"}], "win": "t_raw",
           "eid": "main", "append": True, "opts": {"title": "append-made"}}, endpoint="update")
vis._send({"data": [{"content": " more", "type": "text"}], "win": "t_raw", "eid": "main",
           "append": True}, endpoint="update")
vis._send({"data": [{"content": {"src": "data:image/png;base64,", "caption": "h0"},
                     "type": "image_history"}], "win": "hist", "eid": "main", "append": True,
           "opts": {"show_slider": False}}, endpoint="update")
vis._send({"data": [{"content": {"src": "data:image/png;base64,", "caption": "h1"},
                     "type": "image_history"}], "win": "hist", "eid": "main"}, endpoint="update")
vis._send({"data": [{"content": {"nodes": [{"name": 0, "label": "0"}], "edges": []},
                     "type": "network"}], "win": "net", "eid": "main", "append": True,
           "opts": {"directed": True}}, endpoint="update")
vis._send({"data": [{"content": [{"type": "text", "name": "k", "value": "v"}],
                     "type": "properties"}], "win": "props", "eid": "main", "append": True},
          endpoint="update")
vis._send({"data": [{"content": "refused", "type": "text"}], "win": "t_noflag", "eid": "main",
           "append": False}, endpoint="update")
