/// The rows listings read (`Lister`, Materialize/Listing.swift), as of epoch `asOf`: whole
/// tables scanned once, in the orders the listing merges them in, each row decoded here.
struct ListingScans {
    let db: Connection
    let asOf: Int64

    private static let envWindowsSQL = """
        SELECT w.slot, w.wid, \(Catalog.lastChange(window: "w.window_id", asOf: "?1")),
          (SELECT doc FROM head h WHERE h.window_id = w.window_id AND h.epoch <= ?1 ORDER BY h.epoch DESC LIMIT 1)
        FROM window w WHERE w.env_id = ?2 AND \(AliveAsOf.window("w", asOf: "?1"))
        """

    /// Calls `body` with each alive window of env `env` (in no particular order): its slot, id,
    /// head (nil: none), lent for the call, and last change (`Catalog.lastChange`).
    func forEachWindow(
        ofEnv env: Int64,
        _ body: (_ slot: Int64, _ wid: String, _ head: UnsafeRawBufferPointer?, _ lastChange: Int64) throws -> Void
    ) throws {
        try db.forEach(Self.envWindowsSQL, [.integer(asOf), .integer(env)]) { st in
            var row = st.columns
            let slot = row.int64()
            let wid = row.text()
            let lastChange = row.optionalInt64() ?? 0
            try row.withOptionalBlob { try body(slot, wid, $0, lastChange) }
        }
    }

    /// An alive window incarnation.
    struct AliveWindow {
        let id, env, slot: Int64
        let wid: String
    }

    private static let aliveWindowsSQL = """
        SELECT window_id, env_id, slot, wid FROM window w WHERE \(AliveAsOf.window("w", asOf: "?1"))
          AND env_id IN (SELECT env_id FROM env WHERE \(AliveAsOf.env("env", asOf: "?1")))
        ORDER BY window_id
        """

    /// The alive windows of every alive env, by id.
    func aliveWindows() throws -> [AliveWindow] {
        try db.all(Self.aliveWindowsSQL, [.integer(asOf)]) { st in
            var row = st.columns
            return AliveWindow(id: row.int64(), env: row.int64(), slot: row.int64(), wid: row.text())
        }
    }

    /// Calls `body` with each window's newest `window_change` epoch, by window id.
    func forEachNewestChange(_ body: (_ window: Int64, _ epoch: Int64) throws -> Void) throws {
        try db.forEach(
            "SELECT window_id, max(epoch) FROM window_change WHERE epoch <= ? GROUP BY window_id ORDER BY window_id",
            [.integer(asOf)]
        ) { st in
            var row = st.columns
            try body(row.int64(), row.int64())
        }
    }

    /// Calls `body` with each window's newest head: its epoch and bytes, lent for the call, by
    /// window id. With one max() in the query, SQLite takes the bare column `doc` from the row
    /// holding the max (https://sqlite.org/lang_select.html#bare_columns_in_an_aggregate_query).
    func forEachNewestHead(_ body: (_ window: Int64, _ epoch: Int64, _ doc: UnsafeRawBufferPointer) throws -> Void)
        throws
    {
        try db.forEach(
            "SELECT window_id, max(epoch), doc FROM head WHERE epoch <= ? GROUP BY window_id ORDER BY window_id",
            [.integer(asOf)]
        ) { st in
            var row = st.columns
            let window = row.int64()
            let epoch = row.int64()
            try row.withBlob { try body(window, epoch, $0) }
        }
    }

    /// An alive env incarnation: its name, id and birth epoch.
    struct AliveEnv {
        let name: String
        let id, born: Int64
    }

    private static let aliveEnvsSQL =
        "SELECT name, env_id, epoch FROM env WHERE \(AliveAsOf.env("env", asOf: "?1")) ORDER BY name"

    /// The alive envs, by name.
    func aliveEnvs() throws -> [AliveEnv] {
        try db.all(Self.aliveEnvsSQL, [.integer(asOf)]) { st in
            var row = st.columns
            return AliveEnv(name: row.text(), id: row.int64(), born: row.int64())
        }
    }

    /// The greatest series id (0 with none): a rowid, found at the end of the table. Segments
    /// and blocks name series of this table (and pack rows 0), so it bounds their ids too,
    /// where a min() and max() of their `series_id` read both tables whole (no index leads with it).
    func highestSeriesID() throws -> Int64 { try db.int("SELECT max(series_id) FROM series", []) ?? 0 }

    /// A segment, or the part of a sealed block visible as of `asOf`: its series, last seq,
    /// the series' total after it, its bytes and its last epoch.
    struct SeriesRun {
        let seriesID, seq, total, bytes, epoch: Int64

        init(_ st: Statement) {
            var row = st.columns
            (seriesID, seq, total, bytes, epoch) = (row.int64(), row.int64(), row.int64(), row.int64(), row.int64())
        }

        init(seriesID: Int64, seq: Int64, total: Int64, bytes: Int64, epoch: Int64) {
            (self.seriesID, self.seq, self.total, self.bytes, self.epoch) = (seriesID, seq, total, bytes, epoch)
        }
    }

    private static let segmentRunsSQL =
        "SELECT series_id, seq, total, length(data), epoch, iif(series_id = 0, data, NULL) FROM segment WHERE epoch <= ?"
    private static let blockRunsSQL = """
        SELECT series_id, last_seq, total - count + logstore_block_count(epochs, first_epoch, first_epoch, ?1),
          length(data) + length(epochs), CASE WHEN last_epoch <= ?1 THEN last_epoch ELSE logstore_block_last(epochs, first_epoch, ?1) END
        FROM block WHERE first_epoch <= ?1
        """

    /// Calls `body` with every segment written as of `asOf` (in rowid order, which `compact`
    /// may make differ from seq order; a pack row's parts as segments, each its stored bytes),
    /// then every sealed block begun by then.
    func forEachSeriesRun(_ body: (SeriesRun) throws -> Void) throws {
        try db.forEach(Self.segmentRunsSQL, [.integer(asOf)]) { st in
            let run = SeriesRun(st)
            guard run.seriesID == 0 else { return try body(run) }
            try st.withBlob(5) { pack in
                try SegmentPack.forEach(pack) { part in
                    try body(
                        SeriesRun(
                            seriesID: part.seriesID, seq: part.seq, total: part.total, bytes: Int64(part.stored.count),
                            epoch: run.epoch))
                    return true
                }
            }
        }
        try db.forEach(Self.blockRunsSQL, [.integer(asOf)]) { try body(SeriesRun($0)) }
    }

    /// The greatest window id (0 with none).
    func highestWindowID() throws -> Int64 { try db.int("SELECT max(window_id) FROM window", []) ?? 0 }

    /// Calls `body` with every series' id, env and window, by series id: every series whose
    /// window has a row. Two plain scans (windows' envs into an array by window id, then the
    /// series), where a join looked each series' window up in the window table.
    func forEachSeriesOwner(_ body: (_ series: Int64, _ env: Int64, _ window: Int64) throws -> Void) throws {
        var envOfWindow: [Int64?] = Array(repeating: nil, count: Int(max(0, try highestWindowID())) + 1)
        try db.forEach("SELECT window_id, env_id FROM window", []) { st in
            var row = st.columns
            let (window, env) = (row.int64(), row.int64())
            if window >= 0 && window < envOfWindow.count { envOfWindow[Int(window)] = env }
        }
        try db.forEach("SELECT series_id, window_id FROM series", []) { st in
            var row = st.columns
            let (series, window) = (row.int64(), row.int64())
            guard window >= 0 && window < envOfWindow.count, let env = envOfWindow[Int(window)] else { return }
            try body(series, env, window)
        }
    }

    private static let windowAliveSQL = """
        SELECT count(*) FROM window w WHERE w.window_id = ?1 AND \(AliveAsOf.window("w", asOf: "?2"))
          AND \(AliveAsOf.envNotEnded("w.env_id", asOf: "?2"))
        """

    /// Whether window incarnation `window` and its env are alive as of `asOf`.
    func isAlive(window: Int64) throws -> Bool {
        try (db.int(Self.windowAliveSQL, [.integer(window), .integer(asOf)]) ?? 0) > 0
    }
}
