"""Images with store_history as an online client sends them (win_exists emulated): history grows by updates (their opts are not applied), a history update on a plain image pane fails, other update kinds on a history pane change nothing, an events message replaces the history pane; the offline client instead logs every call as events."""
import os
import sys

import numpy as np
import visdom

LOG = sys.argv[1] if len(sys.argv) > 1 else "log.jsonl"
if os.path.exists(LOG):
    os.remove(LOG)
vis = visdom.Visdom(offline=True, log_to_filename=LOG, use_incoming_socket=False)


def frame(k):
    img = np.zeros((3, 2, 2), dtype=np.uint8)
    img[k % 3] = 40 * (k + 1) % 256
    return img


# offline: store_history calls are all "events" and replace each other
vis.image(frame(0), win="offline", opts=dict(store_history=True))
vis.image(frame(1), win="offline", opts=dict(store_history=True, caption="second"))

# online-style: once the window exists the client sends to "update"
made = set()
vis.win_exists = lambda win, env=None: win in made
vis.image(frame(0), win="hist", opts=dict(store_history=True, title="history"))
made.add("hist")
for k in range(1, 4):
    vis.image(frame(k), win="hist", opts=dict(store_history=True, caption="step %d" % k,
                                                title="ignored on update", width=99))
# other update kinds on a history pane: accepted, nothing changes
vis.text("text on a history pane", win="hist", append=True)
vis._send({"data": [{"content": {"src": "data:image/png;base64,", "caption": "x"},
                     "type": "image"}], "win": "hist", "eid": "main"}, endpoint="update")

# a plain image pane, then a history update to it: fails
vis.image(frame(2), win="plain")
made.add("plain")
vis.image(frame(3), win="plain", opts=dict(store_history=True))

# history update to a window that does not exist (no append flag): refused
made.add("ghost")
vis.image(frame(4), win="ghost", opts=dict(store_history=True))

# a history pane replaced by a plain image (events): type image, index kept
vis.image(frame(5), win="replaced", opts=dict(store_history=True))
made.add("replaced")
vis.image(frame(6), win="replaced", opts=dict(store_history=True))
vis.image(frame(7), win="replaced", opts=dict(caption="replaced"))
# a history pane replaced by a new history pane (events): history restarts
vis.image(frame(8), win="restarted", opts=dict(store_history=True))
made.add("restarted")
vis.image(frame(9), win="restarted", opts=dict(store_history=True))
made.discard("restarted")
vis.image(frame(10), win="restarted", opts=dict(store_history=True, show_slider=False))
