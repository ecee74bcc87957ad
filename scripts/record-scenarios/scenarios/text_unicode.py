"""Text panes with unicode: emoji (astral, ZWJ sequences, flags), CJK, RTL, combining marks, NUL and other control characters inside strings, U+2028, a 49,500-character string, appends of each; unicode window ids and titles."""
import os
import sys

import visdom

LOG = sys.argv[1] if len(sys.argv) > 1 else "log.jsonl"
if os.path.exists(LOG):
    os.remove(LOG)
vis = visdom.Visdom(offline=True, log_to_filename=LOG, use_incoming_socket=False)

vis.text("emoji 😀🎉 family 👨‍👩‍👧 flag 🇫🇷 keycap 1️⃣", win="emoji", opts=dict(title="Émoji ✓"))
vis.text(" + 追加 🚀", win="emoji", append=True)
vis.text("中文 日本語 한국어", win="cjk")
vis.text("עברית العربية mixed with latin", win="cjk", append=True)
vis.text("e\u0301 (e + combining acute) vs \u00e9", win="cjk", append=True)
# NUL and other control characters inside a string
vis.text("before\x00after", win="nul")
vis.text("\x00", win="nul", append=True)
vis.text("tab\tbell\x07esc\x1bdel\x7f line\u2028sep para\u2029sep\r\nCRLF", win="nul", append=True)
# a very long string, then an append to it
long_text = ("0123456789abcdef" * 3000) + "é中😀" * 500
vis.text(long_text, win="long", opts=dict(title="49.5k chars"))
vis.text("tail", win="long", append=True)
# unicode and odd window ids
vis.text("window id in Japanese", win="日本語の窓")
vis.text("appended", win="日本語の窓", append=True)
vis.text("id with spaces and symbols", win="win id / with ? & #")
vis.text("", win="empty")
vis.text("", win="empty", append=True)
