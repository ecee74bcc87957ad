"""Embeddings panes. vis.embeddings cannot finish offline in visdom 0.2.4 (no t-SNE backend, and registering its event handler needs the socket), so only its first 'loading' message comes from the call; the rest (points message, EntitySelected and RegionSelected updates) is sent with _send exactly as the client builds it."""
import os
import sys

import numpy as np
import visdom

LOG = sys.argv[1] if len(sys.argv) > 1 else "log.jsonl"
if os.path.exists(LOG):
    os.remove(LOG)
vis = visdom.Visdom(offline=True, log_to_filename=LOG, use_incoming_socket=False)

features = np.array([[0.0, 0.0], [0.1, 0.0], [5.0, 5.0], [5.1, 4.9]])
labels = ["cat", "cat", "dog", "dog"]
try:
    vis.embeddings(features, labels, win="emb", opts=dict(title="embeddings"))
except Exception as e:          # do_tsne: no backend installed
    print("vis.embeddings stopped after its first message:", e, file=sys.stderr)

# what vis.embeddings sends next, with fixed 2-D positions instead of t-SNE
positions = [[-1.0, -1.0], [-0.9, -1.0], [1.0, 1.0], [0.9, 0.95]]
label_set = ["cat", "dog"]
points = [{"group": label_set.index(labels[i]), "name": "Entity {}".format(i),
           "label": labels[i], "position": positions[i], "idx": i} for i in range(4)]
vis._send({"data": [{"content": {"data": points}, "type": "embeddings"}], "win": "emb",
           "eid": "main", "opts": {"title": "embeddings"}}, endpoint="events")

# what the client's event handler sends back on hover and lasso selection
vis._send({"data": {"update_type": "EntitySelected",
                    "selected": {"html": "<div>No preview available</div>", "entityId": "Entity 2"}},
           "win": "emb", "eid": "main", "opts": {"title": "not applied"}}, endpoint="update")
vis._send({"data": {"update_type": "RegionSelected",
                    "points": [dict(points[0], position=[-1.0, 0.0]),
                               dict(points[1], position=[1.0, 0.0])]},
           "win": "emb", "eid": "main", "opts": {}}, endpoint="update")
vis._send({"data": {"update_type": "RegionSelected", "points": [points[3]]},
           "win": "emb", "eid": "main", "opts": {}}, endpoint="update")
# an unknown update_type changes nothing but is accepted
vis._send({"data": {"update_type": "Other"}, "win": "emb", "eid": "main"}, endpoint="update")
