"""NaN and +/-inf in x and y of line creations and appends; all-NaN x (the client sends null and the server fails; a real NaN is skipped); empty appends (client-side empty scatter, raw empty x/y lists, empty data); NaN x in a two-trace append."""
import os
import sys

import numpy as np
import visdom

LOG = sys.argv[1] if len(sys.argv) > 1 else "log.jsonl"
if os.path.exists(LOG):
    os.remove(LOG)
vis = visdom.Visdom(offline=True, log_to_filename=LOG, use_incoming_socket=False)

nan, inf = np.nan, np.inf
vis.line(Y=np.array([1.0, 2.0, 3.0]), X=np.array([0.0, inf, -inf]), win="inf_x",
         opts=dict(title="inf in x"))
vis.line(Y=np.array([nan, -inf]), X=np.array([inf, 5.0]), win="inf_x", update="append")
vis.line(Y=np.array([4.0]), X=np.array([-inf]), win="inf_x", update="append")

vis.line(Y=np.array([1.0]), X=np.array([0]), win="w")
vis.line(Y=np.array([nan, inf, -inf]), X=np.array([1, 2, 3]), win="w", update="append")
# all-NaN x from the client is null: fails on the server
vis.line(Y=np.array([1.0]), X=np.array([nan]), win="w", update="append")
# a real NaN x (raw): the documented "skip all-NaN updates" path
vis._send({"data": [{"x": [float("nan")], "y": [5.0]}], "win": "w", "eid": "main",
           "append": True}, endpoint="update")
vis._send({"data": [{"x": [float("nan"), float("nan")], "y": [5.0, 6.0]}], "win": "w",
           "eid": "main", "append": True}, endpoint="update")
# NaN first, number second (raw): appended with the NaN
vis._send({"data": [{"x": [float("nan"), 7.0], "y": [float("nan"), 7.0]}], "win": "w",
           "eid": "main", "append": True}, endpoint="update")
# infinity x (raw)
vis._send({"data": [{"x": [float("inf")], "y": [8.0]}], "win": "w", "eid": "main",
           "append": True}, endpoint="update")

# empty appends
vis.scatter(X=np.zeros((0, 2)), win="w", update="append", opts=dict(title="empty append"))
vis._send({"data": [{"x": [], "y": []}], "win": "w", "eid": "main", "append": True},
          endpoint="update")
vis._send({"data": [], "win": "w", "eid": "main", "append": True, "name": "x"}, endpoint="update")
vis.scatter(X=np.zeros((0, 2)), win="empty_new", update="append")

# two traces: NaN x in the first trace fails before anything; in the second after the first
vis.line(Y=np.array([[1.0, 2.0]]), X=np.array([[0, 0]]), win="two", opts=dict(legend=["p", "q"]))
vis.line(Y=np.array([[1.5, 2.5]]), X=np.array([[nan, 1]]), win="two", update="append")
vis.line(Y=np.array([[1.5, 2.5]]), X=np.array([[1, nan]]), win="two", update="append")
vis.line(Y=np.array([[nan, nan]]), X=np.array([[2, 2]]), win="two", update="append")
