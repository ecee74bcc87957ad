#!/usr/bin/env python3
"""Which B-tree pages a one-point append writes to the WAL, by page size.

Reproduces the SQL shape of LogStore's save (two segment rows of one window, then the epoch
row, in one transaction) on the store's own schema (schema.sql), eight windows in turn, and
after each of the last SAMPLE saves maps the page numbers of the WAL's frames to the B-trees
that own them (SQLite's dbstat). Prints frames and WAL bytes per save, per B-tree.

    python3 Benchmarks/wal_pages_per_save.py [--clustered] [PAGE_SIZE ...]   (default: 4096 2048 1024)

--clustered: the segment table as a WITHOUT ROWID table keyed like segment_by_window, in
place of the rowid table and that index (an option measured for Benchmarks/README.md).
"""
import collections, os, random, sqlite3, struct, sys, tempfile

SCHEMA = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "schema.sql")
WINDOWS, SAVES, SAMPLE = 8, 6000, 2000


CLUSTERED_SEGMENT = """CREATE TABLE segment (
    window_id INTEGER NOT NULL, series_id INTEGER NOT NULL, seq INTEGER NOT NULL, epoch INTEGER NOT NULL,
    op INTEGER NOT NULL, count INTEGER NOT NULL, total INTEGER NOT NULL, data BLOB NOT NULL,
    PRIMARY KEY (window_id, epoch, seq, series_id)
) STRICT, WITHOUT ROWID;
"""


def schema(clustered):
    text = open(SCHEMA).read()
    if not clustered:
        return text
    start, end = text.index("CREATE TABLE segment ("), text.index("CREATE INDEX segment_prepends")
    return text[:start] + CLUSTERED_SEGMENT + text[end:]


def run(page_size, directory, clustered):
    path = os.path.join(directory, f"pages-{page_size}.db")
    db = sqlite3.connect(path, isolation_level=None)
    # As Schema.create: the page size before auto_vacuum, both before WAL.
    db.execute(f"PRAGMA page_size={page_size}")
    db.execute("PRAGMA auto_vacuum=INCREMENTAL")
    db.execute("PRAGMA journal_mode=WAL")
    db.execute("PRAGMA synchronous=NORMAL")
    db.execute("PRAGMA wal_autocheckpoint=0")
    db.executescript(schema(clustered))
    db.execute("INSERT INTO epoch(epoch,time_ms,source,endpoint,env,status) VALUES (0,0,'init','create','main','ok')")
    db.execute("INSERT INTO env(name,epoch) VALUES('main',0)")
    for w in range(WINDOWS):
        db.execute("INSERT INTO window(env_id,wid,slot,epoch) VALUES(1,?,?,0)", (f"w{w}", w))
    for i in range(2 * WINDOWS):
        db.execute("INSERT INTO series(window_id,kind,epoch) VALUES(?,0,0)", (i // 2 + 1,))
    seq, per_tree, frames = collections.Counter(), collections.Counter(), 0
    for e in range(1, SAVES + 1):
        w = e % WINDOWS + 1
        measured = e > SAVES - SAMPLE
        if measured:
            db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        db.execute("BEGIN IMMEDIATE")
        for s in (2 * w - 1, 2 * w):
            value = b"\x04" + struct.pack("<d", random.random())
            db.execute("INSERT INTO segment VALUES(?,?,?,?,0,1,?,?)", (w, s, seq[s], e, seq[s] + 1, value))
            seq[s] += 1
        db.execute(
            "INSERT INTO epoch VALUES(?,?,?,?,?,?,?,?,?)",
            (e, 1765000000000 + 37 * e, f"/tmp/run/train.jsonl:{e}", "update", "train_run", f"w{w - 1}", "ok", "", w),
        )
        db.execute("COMMIT")
        if not measured:
            continue
        wal = open(path + "-wal", "rb").read()
        pages, offset = [], 32
        while offset + 24 + page_size <= len(wal):
            pages.append(struct.unpack(">I", wal[offset : offset + 4])[0])
            offset += 24 + page_size
        owners = dict(db.execute(f"SELECT pageno, name FROM dbstat WHERE pageno IN ({','.join(map(str, pages))})"))
        for p in pages:
            per_tree["page 1" if p == 1 else owners.get(p, "pointer map")] += 1
        frames += len(pages)
    db.close()
    breakdown = ", ".join(f"{k} {v / SAMPLE:.2f}" for k, v in per_tree.most_common())
    print(f"{page_size}-byte pages: {frames / SAMPLE:.2f} frames, {frames / SAMPLE * (page_size + 24) / 1024:.1f} KiB of WAL per save ({breakdown})")


if __name__ == "__main__":
    clustered = "--clustered" in sys.argv[1:]
    sizes = [int(a) for a in sys.argv[1:] if a != "--clustered"] or [4096, 2048, 1024]
    with tempfile.TemporaryDirectory() as d:
        for size in sizes:
            run(size, d, clustered)
