"""Raw _send messages: unknown keys at every level of traces, layout, opts and the message; events without layout (fine for text/image panes, fatal for plots), layout null, data empty or without type, unknown trace types, non-string titles; update opts with nested values and nulls."""
import os
import sys

import visdom

LOG = sys.argv[1] if len(sys.argv) > 1 else "log.jsonl"
if os.path.exists(LOG):
    os.remove(LOG)
vis = visdom.Visdom(offline=True, log_to_filename=LOG, use_incoming_socket=False)

vis._send({"data": [{"x": [1, 2], "y": [3, 4], "type": "scatter", "name": "t",
                     "meta": {"run": 7, "tags": ["a", {"b": None}]}, "customdata": [[1, "x"], [2, "y"]],
                     "unknownTraceKey": {"deep": {"deeper": [1.5, None, True]}}}],
           "layout": {"title": "unknown keys", "myLayoutKey": {"nested": [1, {"k": "v"}]}},
           "opts": {"title": "opts title", "width": 300, "custom": {"nested": [1, 2]}, "flag": False},
           "win": "unknown", "eid": "main", "extraMessageKey": {"ignored": [1, 2, 3]}})
# update: opts values land on the window (nested ones too, nulls skipped), layout values in content.layout
vis._send({"data": [{"x": [3], "y": [5], "type": "scatter", "name": "t", "newKey": 1}],
           "win": "unknown", "eid": "main", "append": True,
           "opts": {"custom": {"replaced": True}, "title": None, "extra": [None]},
           "layout": {"myLayoutKey": None, "newLayoutKey": {"a": 1}}, "alsoUnknown": 5},
          endpoint="update")
# an update with neither data nor name: only opts and layout
vis._send({"win": "unknown", "eid": "main", "opts": {"only": "opts"}, "layout": {"only": "layout"}},
          endpoint="update")
# an update without layout and opts keys
vis._send({"data": [{"x": [4], "y": [6]}], "win": "unknown", "eid": "main", "append": True},
          endpoint="update")

# text and image panes need no layout
vis._send({"data": [{"content": "no layout needed", "type": "text", "extra": 1}], "win": "txt",
           "eid": "main"})
vis._send({"data": [{"content": {"src": "data:image/png;base64,", "caption": None, "extra": 2},
                     "type": "image"}], "win": "img", "eid": "main", "opts": {"title": 42}})
# layout null on a plot: stored; an update with layout then fails, one without works
vis._send({"data": [{"x": [0], "y": [0], "type": "scatter"}], "layout": None, "win": "nulllayout",
           "eid": "main"})
vis._send({"data": [{"x": [1], "y": [1]}], "win": "nulllayout", "eid": "main", "append": True,
           "layout": {"title": "x"}}, endpoint="update")
vis._send({"data": [{"x": [2], "y": [2]}], "win": "nulllayout", "eid": "main", "append": True},
          endpoint="update")
# events failing before a window is made: empty data, a trace without type
vis._send({"data": [], "layout": {}, "win": "nodata", "eid": "main"})
vis._send({"data": [{"x": [1], "y": [1]}], "layout": {}, "win": "notype", "eid": "main"})
# an unknown trace type makes a plot window; updates on it are refused
vis._send({"data": [{"x": [1], "open": [1], "close": [2], "type": "candlestick"}], "layout": {},
           "win": "candle", "eid": "main", "opts": {"inflate": False, "height": 200}})
vis._send({"data": [{"x": [2], "y": [2]}], "win": "candle", "eid": "main", "append": True},
          endpoint="update")
