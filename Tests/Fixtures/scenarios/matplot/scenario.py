"""vis.matplot: a matplotlib figure sent as SVG in a text pane, width/height derived by the client from the SVG's pt size; explicit width/height opts."""
import os
import sys

os.environ["SOURCE_DATE_EPOCH"] = "0"   # reproducible SVG metadata
import matplotlib  # noqa: E402
matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import visdom  # noqa: E402

matplotlib.rcParams["svg.hashsalt"] = "visdom-fixture"
matplotlib.rcParams["svg.fonttype"] = "none"

LOG = sys.argv[1] if len(sys.argv) > 1 else "log.jsonl"
if os.path.exists(LOG):
    os.remove(LOG)
vis = visdom.Visdom(offline=True, log_to_filename=LOG, use_incoming_socket=False)

fig = plt.figure(figsize=(2, 1.5))
plt.plot([0, 1, 2, 3], [1, 0, 2, 1], "o-")
plt.title("mpl")
vis.matplot(plt, win="fig", opts=dict(title="matplotlib"))
plt.close(fig)

fig = plt.figure(figsize=(1, 1))
plt.bar([0, 1], [3, 1])
vis.matplot(plt, win="fig_sized", opts=dict(width=200, height=150))
plt.close(fig)
