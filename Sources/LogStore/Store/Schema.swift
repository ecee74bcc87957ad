/// The store's schema: exactly the text of `schema.sql` at the repository root, embedded at
/// build time (`Package.swift` embeds `Store/schema.sql`, a link to that file), so the file
/// and the stores the library creates cannot drift apart.
enum Schema {
    /// `PRAGMA user_version` of stores this build creates and writes.
    static let version: Int64 = 8

    /// What turns a store of version `v` into version `v + 1`, for every older version this
    /// build still reads. Each step runs in one exclusive transaction with its version bump
    /// (`migrate`), so a crash leaves the store in the old version or the new one, never
    /// between. Steps keep every value: what a read returned before, it returns after.
    static let upgrades: [Int64: String] = [
        // Version 2: an epoch that changed exactly one window names it in its own row
        // instead of a `window_change` row; version-1 rows keep meaning what they meant.
        1: "ALTER TABLE epoch ADD COLUMN window_id INTEGER REFERENCES window(window_id)",
        // Version 3: segments carry their window and are indexed by window (schema.sql,
        // segment_by_window). SQLite cannot drop a primary key, so the table is built anew,
        // rows in the order version 3 appends them; O(size of the store), once. The table is
        // version 3's as schema.sql had it, copied on purpose: a step is frozen history, and a
        // later schema.sql must not change what it builds.
        2: """
        CREATE TABLE segment_v3 (
            window_id INTEGER NOT NULL REFERENCES window(window_id),
            series_id INTEGER NOT NULL REFERENCES series(series_id),
            seq       INTEGER NOT NULL,
            epoch     INTEGER NOT NULL REFERENCES epoch(epoch),
            op        INTEGER NOT NULL CHECK (op IN (0, 1)),
            count     INTEGER NOT NULL,
            total     INTEGER NOT NULL,
            data      BLOB    NOT NULL
        ) STRICT;
        INSERT INTO segment_v3(window_id, series_id, seq, epoch, op, count, total, data)
          SELECT s.window_id, g.series_id, g.seq, g.epoch, g.op, g.count, g.total, g.data
          FROM segment g JOIN series s USING (series_id) ORDER BY g.epoch, g.series_id, g.seq;
        DROP TABLE segment;
        ALTER TABLE segment_v3 RENAME TO segment;
        CREATE INDEX segment_by_window ON segment(window_id, epoch, seq, series_id);
        CREATE INDEX segment_prepends ON segment(series_id, seq) WHERE op = 1;
        """,
        // Version 4: an import's progress row records a hash (XXH64) of the bytes imported, and
        // logs that share a first line get a row each (keyed by `import_id`). A row from
        // version 3 keeps its identity as its id and has no hash: it resumes nothing (the
        // importer cannot tell its log from another that starts alike).
        3: """
        CREATE TABLE import_progress_v4 (
            import_id TEXT    PRIMARY KEY,
            identity  TEXT    NOT NULL,
            path      TEXT    NOT NULL,
            lines     INTEGER NOT NULL,
            bytes     INTEGER NOT NULL,
            content_hash BLOB,
            epoch     INTEGER NOT NULL REFERENCES epoch(epoch)
        ) STRICT;
        INSERT INTO import_progress_v4(import_id, identity, path, lines, bytes, content_hash, epoch)
          SELECT identity, identity, path, lines, bytes, NULL, epoch FROM import_progress;
        DROP TABLE import_progress;
        ALTER TABLE import_progress_v4 RENAME TO import_progress;
        CREATE INDEX import_progress_by_identity ON import_progress(identity);
        """,
        // Version 5: the web page's saved layouts (visdom's view/ files), one document per save.
        4: """
        CREATE TABLE page_layout (
            epoch     INTEGER PRIMARY KEY REFERENCES epoch(epoch),
            doc       BLOB    NOT NULL
        ) STRICT;
        """,
        // Version 6: sealed blocks (schema.sql, block); the never-used `window_cache` goes.
        5: """
        DROP TABLE window_cache;
        \(blockTable)
        """,
        // Version 7: sealed runs of epochs (schema.sql, epoch_run); epoch rows stay as they are.
        6: epochRunTable,
        // Version 8: pack rows (schema.sql, segment; Store/SegmentPack.swift). Every version-7
        // row means in version 8 what it meant, and no version-7 row is a pack: the step is
        // the version number alone.
        7: "-- version 8: segment pack rows",
    ]

    /// The `epoch_run` table as version 7 created it (frozen, like every step).
    static let epochRunTable = """
        CREATE TABLE epoch_run (
            first_epoch INTEGER PRIMARY KEY,
            last_epoch  INTEGER NOT NULL,
            min_time_ms INTEGER NOT NULL,
            max_time_ms INTEGER NOT NULL,
            kinds       BLOB    NOT NULL,
            data        BLOB    NOT NULL
        ) STRICT;
        """

    /// The `block` table and its index as version 6 created them (frozen, like every step).
    static let blockTable = """
        CREATE TABLE block (
            window_id   INTEGER NOT NULL REFERENCES window(window_id),
            series_id   INTEGER NOT NULL REFERENCES series(series_id),
            first_seq   INTEGER NOT NULL,
            last_seq    INTEGER NOT NULL,
            first_epoch INTEGER NOT NULL REFERENCES epoch(epoch),
            last_epoch  INTEGER NOT NULL REFERENCES epoch(epoch),
            count       INTEGER NOT NULL,
            total       INTEGER NOT NULL,
            epochs      BLOB    NOT NULL,
            data        BLOB    NOT NULL
        ) STRICT;
        CREATE INDEX block_by_window ON block(window_id, first_epoch, series_id, first_seq);
        """

    /// What a read-only handle puts in place of the block table of a store older than version 6:
    /// an empty TEMP view with its columns, so reads need no second set of queries.
    static let noBlocksBeforeVersion6 = """
        CREATE TEMP VIEW IF NOT EXISTS block AS
          SELECT 0 AS window_id, 0 AS series_id, 0 AS first_seq, 0 AS last_seq, 0 AS first_epoch,
                 0 AS last_epoch, 0 AS count, 0 AS total, x'' AS epochs, x'' AS data WHERE 0
        """

    /// What a read-only handle puts in place of the epoch_run table of a store older than
    /// version 7: an empty TEMP view with its columns (no epoch of such a store is sealed).
    static let noEpochRunsBeforeVersion7 = """
        CREATE TEMP VIEW IF NOT EXISTS epoch_run AS
          SELECT 0 AS first_epoch, 0 AS last_epoch, 0 AS min_time_ms, 0 AS max_time_ms, x'' AS kinds,
                 x'' AS data WHERE 0
        """

    /// What a read-only handle puts in front of the segment table of a store older than
    /// version 3 (a TEMP view is found before the table of the same name): the columns and
    /// the meaning of a version-3 segment table, so reads need no second set of queries.
    static let segmentsBeforeVersion3 = """
        CREATE TEMP VIEW IF NOT EXISTS segment AS
          SELECT s.window_id AS window_id, g.series_id AS series_id, g.seq AS seq, g.epoch AS epoch,
                 g.op AS op, g.count AS count, g.total AS total, g.data AS data
          FROM main.segment g JOIN main.series s USING (series_id)
        """

    /// Makes `db`, a read-only connection, read its store with this version's queries.
    static func prepareForReading(_ db: Connection) throws {
        let version = try db.userVersion
        if version < 3 { try db.execute(segmentsBeforeVersion3) }
        if version < 6 { try db.execute(noBlocksBeforeVersion6) }
        if version < 7 { try db.execute(noEpochRunsBeforeVersion7) }
    }
    /// The page size of the stores this build creates (`PRAGMA page_size`). A commit writes
    /// every page it changed to the WAL whole, and a one-point append changes three (the epoch
    /// row's, the segment table's last and one index page: docs/FORMAT.md): 3 × 1 KiB of WAL
    /// per append, where SQLite's default made it 3 × 4 KiB. 1 KiB, not 2: a 2 KiB page holds
    /// one segment of a 128-point message (~1.2 KB) and wastes the rest, while 1 KiB pages
    /// hold its head in the row and its tail in a full overflow page (Benchmarks/README.md has
    /// the three measured side by side). A store keeps the page size it was created with
    /// (SQLite cannot change it in WAL mode), so older stores keep 4 KiB.
    static let pageSize: Int64 = 1024

    /// `PRAGMA application_id` that marks a file as a LogStore store ("LOGS").
    static let applicationID: Int64 = 0x4C4F_4753

    static var sql: String { String(decoding: PackageResources.schema_sql, as: UTF8.self) }

    /// Whether the store's epoch rows name the window they changed (version 2 on; a
    /// version-1 store opened read-only keeps every change in `window_change`).
    static func epochRowsNameTheirWindow(_ db: Connection) throws -> Bool {
        try db.int("SELECT count(*) FROM pragma_table_info('epoch') WHERE name = 'window_id'", []) ?? 0 > 0
    }

    /// Brings a store of an older version up to `version`, one step per version, each in its
    /// own exclusive transaction (the version is read again inside it: another process may
    /// have upgraded the store meanwhile).
    static func migrate(_ db: Connection, upgrades: [Int64: String] = upgrades, to version: Int64 = version) throws {
        while true {
            let done = try db.transaction(.exclusive) { () throws -> Bool in
                let current = Int64(try db.userVersion)
                guard current < version else { return true }
                guard let step = upgrades[current] else {
                    throw LogStoreError.corrupt("schema version \(current) has no upgrade to \(current + 1)")
                }
                try db.execute(step)
                try db.setUserVersion(Int32(current + 1))
                return false
            }
            if done { return }
        }
    }

    /// Creates the schema and epoch 0 (a fresh visdom server's empty env "main") in a new,
    /// empty database, in WAL mode; returns false, creating nothing, if another connection
    /// created it first. Race-free: the emptiness is checked again inside the exclusive
    /// transaction that creates the schema, so of several processes creating one store at
    /// once exactly one creates it and the others find it created.
    @discardableResult
    static func create(on db: Connection, time: Int64) throws -> Bool {
        // Before anything writes the file's first page: switching to WAL does, and "changing
        // from "none" to "full" or "incremental" can only occur when the database is new" (no
        // first page yet: https://sqlite.org/pragma.html#pragma_auto_vacuum). Set after it,
        // SQLite ignored the pragma without an error, and stores never gave pages back.
        // The page size first: on an empty database, setting auto_vacuum fixes the page size, and
        // a page_size set after it is ignored without an error (SQLite 3.40).
        try db.execute("PRAGMA page_size = \(pageSize)")
        try db.execute("PRAGMA auto_vacuum = INCREMENTAL")
        // WAL before the schema transaction: a process killed inside it leaves frames that
        // were never committed, which every reader ignores, not a hot rollback journal, which
        // a read-only reader cannot roll back. (The switch itself commits in rollback mode; a
        // kill inside it leaves a hot journal that readers repair: Connection+ReadOnlyMedia.)
        try db.execute("PRAGMA journal_mode=WAL")
        return try db.transaction(.exclusive) { () throws -> Bool in
            let tables = try db.int("SELECT count(*) FROM sqlite_schema", []) ?? 0
            guard tables == 0, try db.userVersion == 0, try db.int("PRAGMA application_id", []) ?? 0 == 0 else {
                return false
            }
            try db.execute(sql)
            try db.run(
                "INSERT INTO epoch(epoch, time_ms, source, endpoint, env, status) VALUES (0, ?, 'init', 'create', 'main', 'ok')",
                [.integer(time)])
            try db.run("INSERT INTO env(name, epoch) VALUES ('main', 0)", [])
            return true
        }
    }
}
