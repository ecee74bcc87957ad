"""A text pane whose string holds a lone UTF-16 surrogate (written by json.dumps as \\ud83d): the server stores and writes it back unchanged; also a surrogate pair written as two escapes."""
import os
import sys

import visdom

LOG = sys.argv[1] if len(sys.argv) > 1 else "log.jsonl"
if os.path.exists(LOG):
    os.remove(LOG)
vis = visdom.Visdom(offline=True, log_to_filename=LOG, use_incoming_socket=False)

vis.text("lone high surrogate: \ud83d end", win="lone")
vis.text("lone low surrogate: \ude00", win="lone", append=True)
vis.text("pair from escapes: \U0001F600", win="pair")
