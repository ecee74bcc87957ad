-- LogStore schema, version 8: the one source of truth. The library creates every new store
-- from exactly this text (it is embedded into the binary at build time; a test checks it).
-- docs/FORMAT.md explains the format with a worked example.
--
-- The log is append-only. Accepting a message (one visdom request) is one EPOCH: every row
-- it writes carries that epoch's number, and no row written by an earlier epoch is ever
-- updated or deleted. A replaced window, replaced trace, closed window or deleted env is a
-- NEW row (a version or a tombstone). "The env as it was after epoch N" is therefore the rows
-- with epoch <= N, read with the same queries as the current state.
--
-- Values: window heads and bulk arrays are stored as blobs in LogStore's value encoding
-- (docs/FORMAT.md, "Value encoding"), never as SQLite REAL: SQLite turns a bound NaN into
-- NULL, and LogStore must keep NaN, +Infinity, -Infinity, null, ints and floats apart.

PRAGMA user_version = 8;
PRAGMA auto_vacuum = INCREMENTAL; -- lets `compact` hand freed pages back to the file system
PRAGMA application_id = 1280264019; -- 0x4C4F4753, "LOGS"

-- One accepted message. Numbered 1, 2, 3, ... with no gaps; epoch 0 is the store's
-- creation (the empty env "main" that a fresh visdom server holds). A reader never sees part
-- of an epoch: all its rows commit in one transaction (several epochs may share one).
-- `compact` and the writer seal runs of them into epoch_run rows (below): an epoch is a row
-- here or an epoch of exactly one run, and the newest epoch is always a row here.
CREATE TABLE epoch (
    epoch     INTEGER PRIMARY KEY,
    time_ms   INTEGER NOT NULL,          -- wall time, milliseconds since 1970
    source    TEXT    NOT NULL,          -- where the message came from: FILE:LINE, or "api"
    endpoint  TEXT    NOT NULL,          -- events, update, close, delete_env, fork_env, win_data
    env       TEXT,                      -- the env the message addressed (escaped id)
    win       TEXT,                      -- the window id it addressed, if any
    status    TEXT    NOT NULL,          -- ok | refused | failed (visdom: 200, 200 + message, 500)
    detail    TEXT    NOT NULL DEFAULT '', -- visdom's answer body, or the error it raised
    window_id INTEGER REFERENCES window(window_id) -- the one window whose content it changed, if
                                         -- exactly one (else NULL; see window_change). Version 2.
) STRICT;

-- An incarnation of an env: born at `epoch`, alive until an env_end row names it.
-- At most one incarnation per name is alive at any epoch.
CREATE TABLE env (
    env_id    INTEGER PRIMARY KEY,
    name      TEXT    NOT NULL,
    epoch     INTEGER NOT NULL REFERENCES epoch(epoch)
) STRICT;
CREATE INDEX env_by_name ON env(name, env_id);

-- Tombstone: env incarnation `env_id` was deleted (delete_env, or replaced by an env file
-- import) at `epoch`. Its windows die with it.
CREATE TABLE env_end (
    env_id    INTEGER PRIMARY KEY REFERENCES env(env_id),
    epoch     INTEGER NOT NULL REFERENCES epoch(epoch)
) STRICT;

-- The env's `reload` document (visdom's saved layout), versioned: the row with the greatest
-- epoch <= N is the reload as of N. Absent means {}.
CREATE TABLE env_reload (
    env_id    INTEGER NOT NULL REFERENCES env(env_id),
    epoch     INTEGER NOT NULL REFERENCES epoch(epoch),
    doc       BLOB    NOT NULL,
    PRIMARY KEY (env_id, epoch)
) STRICT, WITHOUT ROWID;

-- An incarnation of window `wid` in env incarnation `env_id`, born at `epoch` by an
-- `events` message, an append to a missing window, a fork or an import. `slot` orders the
-- env's windows as visdom's dict does: a window that replaces one with the same id takes its
-- predecessor's slot; a new id takes a slot after every other.
CREATE TABLE window (
    window_id INTEGER PRIMARY KEY,
    env_id    INTEGER NOT NULL REFERENCES env(env_id),
    wid       TEXT    NOT NULL,
    slot      INTEGER NOT NULL,
    epoch     INTEGER NOT NULL REFERENCES epoch(epoch)
) STRICT;
CREATE INDEX window_by_env ON window(env_id, wid);

-- Tombstone: window incarnation `window_id` was closed or replaced at `epoch`.
CREATE TABLE window_end (
    window_id INTEGER PRIMARY KEY REFERENCES window(window_id),
    epoch     INTEGER NOT NULL REFERENCES epoch(epoch)
) STRICT;

-- A version of a window's HEAD: the window JSON with every bulk array replaced by a series
-- reference (type, title, opts, layout, trace names and styles: never points). The row with
-- the greatest epoch <= N is the head as of N. A new version is written only when the head
-- changes, so a plain append writes none.
CREATE TABLE head (
    window_id INTEGER NOT NULL REFERENCES window(window_id),
    epoch     INTEGER NOT NULL REFERENCES epoch(epoch),
    doc       BLOB    NOT NULL,
    PRIMARY KEY (window_id, epoch)
) STRICT, WITHOUT ROWID;

-- A bulk array of one window: a trace's x, y, z or marker.color, a text pane's content (as
-- chunks whose concatenation is the text), an image history. Created at `epoch`, never
-- modified; a replaced trace gets a new series. kind: 0 list, 1 text.
CREATE TABLE series (
    series_id INTEGER PRIMARY KEY,
    window_id INTEGER NOT NULL REFERENCES window(window_id),
    kind      INTEGER NOT NULL CHECK (kind IN (0, 1)),
    epoch     INTEGER NOT NULL REFERENCES epoch(epoch)
) STRICT;
-- A window's series, for reads that go from windows to their stored values (listings sum an
-- env's segment bytes this way; without it, each env scanned the whole segment table).
CREATE INDEX series_by_window ON series(window_id);

-- The values one epoch added to one series, packed (the points of one message). `seq`
-- counts the series' segments from 0. op 0 appends at the end, op 1 prepends at the front
-- (heatmap prependRow). `total` is the series' element count after this segment, so the
-- latest segment gives the length without reading the others. The series as of N is its
-- segments with epoch <= N: prepends in descending seq, then appends in ascending seq. A
-- series' seq order is also its epoch order. `window_id` is the series' window (the same as
-- in its series row): segments are found by window, not by series (see segment_by_window).
--
-- A PACK ROW (version 8) holds the append segments one epoch wrote to two or more series of
-- one window (a line append's x and y) in one row, so a save inserts one row and one index
-- entry: `series_id` 0 (no series), `seq` 0, `op` 0, `count` the values of all its parts,
-- `total` 0, and `data` its parts back to back, each five varints (series id, seq, total,
-- count, byte length) and that many bytes of values (Store/SegmentPack.swift). A part is its
-- series' segment `seq` in every respect; a pack holds at most one part per series, and an
-- epoch that writes a pack writes no other segment of the pack's series. A series is read
-- as its window's entries with its series_id or 0.
CREATE TABLE segment (
    window_id INTEGER NOT NULL REFERENCES window(window_id),
    series_id INTEGER NOT NULL REFERENCES series(series_id),
    seq       INTEGER NOT NULL,
    epoch     INTEGER NOT NULL REFERENCES epoch(epoch),
    op        INTEGER NOT NULL CHECK (op IN (0, 1)),
    count     INTEGER NOT NULL,
    total     INTEGER NOT NULL,
    data      BLOB    NOT NULL
) STRICT;
-- A rowid table, not WITHOUT ROWID. A WITHOUT ROWID row keeps at most ~1000 bytes in its
-- B-tree page, so a segment of more than ~110 float values spilled into an overflow page of
-- its own, mostly empty: with 128-point messages 75% of the table was unused space, 106 bytes
-- per point for 18 bytes of values. A rowid row keeps up to ~4000 bytes in its page, and rows
-- are appended in epoch order at the end of the table.
--
-- The one index every read and write of segments goes through: a window's segments, in epoch
-- order. Version 3. Keyed by window first, not by series, so that the segments one epoch adds
-- to a window (a line append writes the x and the y series of a trace) sit next to each other
-- in ONE index page: an append writes the epoch row, the table's last page and one index
-- page, where an index by series wrote a page per series. A series is read as the entries of
-- its window with its series_id, in (epoch, seq) order; the window's other series are skipped
-- in the index, without reading their rows. (series_id, seq) is unique: `check` verifies it.
CREATE INDEX segment_by_window ON segment(window_id, epoch, seq, series_id);

-- The prepends of a series (rare: heatmap prependRow), so that finding a series' first element
-- does not read every segment of the series (SeriesStore.first).
CREATE INDEX segment_prepends ON segment(series_id, seq) WHERE op = 1;

-- The windows an epoch changed, when it changed two or more (fork_env, an env file import);
-- an epoch that changed one names it in epoch.window_id instead, so a plain append writes no
-- row here (one B-tree page less per append). Stores written before version 2 also hold a
-- row for every single-window change. "What changed in epochs (A, B]" is these rows plus the
-- epoch rows' window_id. An epoch changes a window's content exactly when it writes one of
-- its head or segment rows, so a window's last change as of N is the greatest epoch <= N
-- among its rows here, its head rows and its series' segments: that pair (window, last
-- change) gives `contentID` and keys the materialization cache.
CREATE TABLE window_change (
    window_id INTEGER NOT NULL REFERENCES window(window_id),
    epoch     INTEGER NOT NULL REFERENCES epoch(epoch),
    PRIMARY KEY (window_id, epoch)
) STRICT, WITHOUT ROWID;

-- How far each replay log or env file has been imported, written in the same transaction as
-- the messages it covers, so an import resumes exactly once. A row is one file content:
-- `identity` finds the candidates (a hash of a log's first line, or of an env file's bytes),
-- and `content_hash`, the XXH64 of the file's first `bytes` bytes, decides: a file continues
-- a row's import only if its first `bytes` bytes hash to it (the log imported, grown at its
-- end). Two logs that start alike are two rows. Rows written before version 4 have no hash.
CREATE TABLE import_progress (
    import_id TEXT    PRIMARY KEY,       -- a random id per log; 'env:' + size + hash per env file
    identity  TEXT    NOT NULL,
    path      TEXT    NOT NULL,          -- where the file was when last imported
    lines     INTEGER NOT NULL,          -- complete lines consumed
    bytes     INTEGER NOT NULL,          -- bytes consumed
    content_hash BLOB,                   -- XXH64 of those bytes, 8 bytes big-endian (NULL: before version 4)
    epoch     INTEGER NOT NULL REFERENCES epoch(epoch)
) STRICT;
CREATE INDEX import_progress_by_identity ON import_progress(identity);

-- The web page's saved layouts (visdom's `view/layouts.json`, its `save_layouts` socket
-- command): a version per epoch that saved them; the row with the greatest epoch <= N is what
-- the pages were given as of N. `doc` is the value encoding of what the page sent (a JSON text).
CREATE TABLE page_layout (
    epoch     INTEGER PRIMARY KEY REFERENCES epoch(epoch),
    doc       BLOB    NOT NULL
) STRICT;

-- Store-wide settings. 'compacted_before' = N: `logstore compact` merged the history before
-- epoch N, so "as of" reads before N are refused (the current state and every state from N on
-- are unchanged).
CREATE TABLE meta (
    key       TEXT    PRIMARY KEY,
    value     ANY
) STRICT;

-- A SEALED BLOCK: a run of a series' append segments (seqs first_seq ... last_seq, all op 0)
-- rewritten as one row by `compact` (Store/Sealer.swift), so a long run of one-point appends
-- costs bytes per point, not a row per point. It keeps what every epoch wrote: `epochs`
-- holds each replaced segment's epoch and count (BlockEpochs), `data` the values in the
-- smallest exact codec (BlockValues). The series as of N reads its blocks' values written at
-- or before N, then its segments as before; blocks come before the series' remaining append
-- segments in seq order, and a series that has prepend segments is not sealed. A block
-- replaces its segments in the transaction that writes it. Version 6.
CREATE TABLE block (
    window_id   INTEGER NOT NULL REFERENCES window(window_id),
    series_id   INTEGER NOT NULL REFERENCES series(series_id),
    first_seq   INTEGER NOT NULL,
    last_seq    INTEGER NOT NULL,
    first_epoch INTEGER NOT NULL REFERENCES epoch(epoch), -- the epoch of its first segment
    last_epoch  INTEGER NOT NULL REFERENCES epoch(epoch), -- the epoch of its last segment
    count       INTEGER NOT NULL,    -- values in the block
    total       INTEGER NOT NULL,    -- the series' length after its last value
    epochs      BLOB    NOT NULL,
    data        BLOB    NOT NULL
) STRICT;
-- A window's blocks, in epoch order (as `segment_by_window` orders its segments).
CREATE INDEX block_by_window ON block(window_id, first_epoch, series_id, first_seq);

-- A SEALED RUN OF EPOCHS: the epoch rows of epochs first_epoch ... last_epoch (consecutive,
-- every one of them, all `ok`) rewritten as one row by `compact` or, every 256th epoch, by
-- the writer (Store/EpochSealer.swift), so a live run's epochs cost bytes per epoch, not a row
-- each. It keeps every field of every row (Store/EpochRun.swift): `kinds` the distinct (source,
-- endpoint, env, win, status, detail, window_id) of its epochs, a FILE:LINE source as its
-- FILE: part; `data` per epoch its kind, its time_ms as a delta and its line as a delta. Every
-- read of epochs sees a run's epochs exactly as the rows it replaced. A run replaces its rows
-- in the transaction that writes it; it never holds the newest epoch. Version 7.
CREATE TABLE epoch_run (
    first_epoch INTEGER PRIMARY KEY,
    last_epoch  INTEGER NOT NULL,
    min_time_ms INTEGER NOT NULL,  -- the least and greatest time_ms of its epochs
    max_time_ms INTEGER NOT NULL,
    kinds       BLOB    NOT NULL,
    data        BLOB    NOT NULL
) STRICT;
