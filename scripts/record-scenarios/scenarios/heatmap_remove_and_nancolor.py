"""Heatmap 'remove' (deletes the traces; a later append re-adds one), updates on a nancolor heatmap (two traces: every update fails after applying opts), a line append on a heatmap, appends to an emptied window."""
import os
import sys

import numpy as np
import visdom

LOG = sys.argv[1] if len(sys.argv) > 1 else "log.jsonl"
if os.path.exists(LOG):
    os.remove(LOG)
vis = visdom.Visdom(offline=True, log_to_filename=LOG, use_incoming_socket=False)

vis.heatmap(np.array([[1.0, np.nan], [3.0, 4.0]]), win="nan_bg",
            opts=dict(nancolor="#ff00ff", title="nan background"))
vis.heatmap(np.array([[5.0, 6.0]]), win="nan_bg", update="appendRow")
vis.heatmap(np.array([[5.0, 6.0]]), win="nan_bg", update="appendRow", opts=dict(nancolor="#000000"))
vis.heatmap(np.array([[7.0], [8.0]]), win="nan_bg", update="appendColumn",
            opts=dict(columnnames=["new"]))
# remove on two traces: the first goes, then the server fails
vis.heatmap(None, win="nan_bg", update="remove")

vis.heatmap(np.arange(4.0).reshape(2, 2), win="hm", opts=dict(title="to be emptied"))
# a line append onto a heatmap: opts applied, then failure (no updateDir)
vis.line(Y=np.array([1.0]), X=np.array([0]), win="hm", update="append", opts=dict(title="line?"))
vis.heatmap(None, win="hm", update="remove")
vis.update_window_opts(win="hm", opts=dict(title="empty now"))
# a line append onto the empty window: nothing to clone, fails
vis.line(Y=np.array([1.0]), X=np.array([0]), win="hm", update="append")
# a heatmap append onto the empty window adds the update's trace as sent
vis.heatmap(np.array([[1.0, 2.0, 3.0]]), win="hm", update="appendRow",
            opts=dict(columnnames=["u", "v", "w"], colormap="Greens"))
vis.heatmap(np.array([[4.0, 5.0, 6.0]]), win="hm", update="appendRow")
vis.heatmap(np.array([[4.0, 5.0, 6.0]]), win="hm", update="appendRow", opts=dict(rownames=["r"]))
# remove on a window that does not exist
vis.heatmap(None, win="nowhere", update="remove")
