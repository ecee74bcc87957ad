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

    /// Every window incarnation's env, and the alive ones.
    struct Windows {
        /// The env of each window incarnation, indexed by window id (-1: no window has that
        /// id). Window and env ids are rowids (1 ... max, never negative: SQLite assigns them;
        /// the scan reports a negative one).
        var envOf: [Int64] = []
        /// The windows alive as of `asOf` in the envs the scan accepted, by id.
        var alive: [AliveWindow] = []

        /// The env of window incarnation `id`, nil for an id no window has.
        func env(of id: Int64) -> Int64? {
            guard id >= 0 && id < envOf.count, envOf[Int(id)] >= 0 else { return nil }
            return envOf[Int(id)]
        }
    }

    /// Every window incarnation, and those alive as of `asOf` in the envs `isAliveEnv`
    /// accepts (the alive envs): two plain scans, the window tombstones and the windows in
    /// rowid order, merged here. A join or `IN` made SQLite seek each window through an index
    /// and sort the rows.
    func windows(aliveIn isAliveEnv: (Int64) -> Bool) throws -> Windows {
        var ended = Set<Int64>()
        try db.forEach("SELECT window_id FROM window_end WHERE epoch <= ?", [.integer(asOf)]) { st in
            var row = st.columns
            ended.insert(row.int64())
        }
        var windows = Windows()
        try db.forEach("SELECT window_id, env_id, epoch, slot, wid FROM window ORDER BY window_id", []) { st in
            var row = st.columns
            let (id, env, born) = (row.int64(), row.int64(), row.int64())
            guard id >= 0, env >= 0 else { throw StoreInvariantError("window \(id) of env \(env)") }
            if id >= windows.envOf.count {
                windows.envOf.append(contentsOf: repeatElement(-1, count: Int(id) + 1 - windows.envOf.count))
            }
            windows.envOf[Int(id)] = env
            guard born <= asOf, isAliveEnv(env), ended.isEmpty || !ended.contains(id) else { return }
            windows.alive.append(AliveWindow(id: id, env: env, slot: row.int64(), wid: row.text()))
        }
        return windows
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

    /// Calls `body` with each window's newest head as of `asOf`: its epoch and bytes, lent for
    /// the call, by DESCENDING window id. The primary key (window_id, epoch) read backwards
    /// gives each window's newest head first; its older heads are passed over.
    func forEachNewestHeadDescending(
        _ body: (_ window: Int64, _ epoch: Int64, _ doc: UnsafeRawBufferPointer) throws -> Void
    ) throws {
        var previous: Int64?
        try db.forEach(
            "SELECT window_id, epoch, doc FROM head WHERE epoch <= ? ORDER BY window_id DESC, epoch DESC",
            [.integer(asOf)]
        ) { st in
            var row = st.columns
            let window = row.int64()
            guard window != previous else { return }
            previous = window
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

    /// A segment, or the part of a sealed block visible as of `asOf`: its window and series,
    /// last seq, the series' total after it, its bytes and its last epoch.
    struct SeriesRun {
        let window, seriesID, seq, total, bytes, epoch: Int64

        init(_ st: Statement) {
            var row = st.columns
            (window, seriesID, seq, total, bytes, epoch) = (
                row.int64(), row.int64(), row.int64(), row.int64(), row.int64(), row.int64()
            )
        }

        init(window: Int64, seriesID: Int64, seq: Int64, total: Int64, bytes: Int64, epoch: Int64) {
            (self.window, self.seriesID, self.seq, self.total, self.bytes, self.epoch) = (
                window, seriesID, seq, total, bytes, epoch
            )
        }
    }

    private static let segmentRunsSQL =
        "SELECT window_id, series_id, seq, total, epoch, data FROM segment WHERE epoch <= ?"
    private static let blockRunsSQL = """
        SELECT window_id, series_id, last_seq, total - count + logstore_block_count(epochs, first_epoch, first_epoch, ?1),
          length(data) + length(epochs), CASE WHEN last_epoch <= ?1 THEN last_epoch ELSE logstore_block_last(epochs, first_epoch, ?1) END
        FROM block WHERE first_epoch <= ?1
        """

    /// Calls `body` with every segment written as of `asOf` (in rowid order, which `compact`
    /// may make differ from seq order; a pack row's parts as segments, each its stored bytes),
    /// then every sealed block begun by then.
    func forEachSeriesRun(_ body: (SeriesRun) throws -> Void) throws {
        try db.forEach(Self.segmentRunsSQL, [.integer(asOf)]) { st in
            var row = st.columns
            let (window, series, seq, total, epoch) = (row.int64(), row.int64(), row.int64(), row.int64(), row.int64())
            try row.withBlob { data in
                guard series == 0 else {
                    return try body(
                        SeriesRun(
                            window: window, seriesID: series, seq: seq, total: total, bytes: Int64(data.count),
                            epoch: epoch))
                }
                try SegmentPack.forEach(data) { part in
                    try body(
                        SeriesRun(
                            window: window, seriesID: part.seriesID, seq: part.seq, total: part.total,
                            bytes: Int64(part.stored.count), epoch: epoch))
                    return true
                }
            }
        }
        try db.forEach(Self.blockRunsSQL, [.integer(asOf)]) { try body(SeriesRun($0)) }
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
