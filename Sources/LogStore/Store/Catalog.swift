/// Which env and window incarnations are alive as of an epoch, and their heads.
///
/// Alive: `AliveAsOf`'s rule (a window is looked up in an env the caller found alive). Heads:
/// the version with the greatest epoch <= N.
struct Catalog {
    let db: Connection
    let asOf: Int64

    /// A window incarnation as the catalog lists it.
    struct WindowRow {
        let windowID: Int64
        let wid: String
        let slot: Int64

        /// The columns `init(_:)` reads, in its order.
        static let columns = "window_id, wid, slot"

        init(_ st: Statement) {
            var row = st.columns
            (windowID, wid, slot) = (row.int64(), row.text(), row.int64())
        }

        init(windowID: Int64, wid: String, slot: Int64) { (self.windowID, self.wid, self.slot) = (windowID, wid, slot) }
    }

    private static let envSQL = """
        SELECT env_id FROM env WHERE name = ?1 AND \(AliveAsOf.env("env", asOf: "?2"))
        ORDER BY env_id DESC LIMIT 1
        """

    /// `envSQL` as of now (`AliveAsOf.envNotEnded(_:)`): from the index `env_by_name` alone.
    private static let envNowSQL = """
        SELECT env_id FROM env WHERE name = ?1 AND \(AliveAsOf.envNotEnded("env.env_id"))
        ORDER BY env_id DESC LIMIT 1
        """

    func env(_ name: String) throws -> Int64? {
        asOf == .max
            ? try db.int(Self.envNowSQL, [.text(name)]) : try db.int(Self.envSQL, [.text(name), .integer(asOf)])
    }

    private static let windowInEnvSQL = """
        SELECT EXISTS (SELECT 1 FROM window WHERE env_id = (\(envSQL)) AND wid = ?3
            AND \(AliveAsOf.window("window", asOf: "?2")))
        """

    /// `windowInEnvSQL` as of now: from the indexes `env_by_name` and `window_by_env` alone.
    private static let windowInEnvNowSQL = """
        SELECT EXISTS (SELECT 1 FROM window WHERE env_id = (\(envNowSQL)) AND wid = ?2
            AND \(AliveAsOf.windowNotEnded("window.window_id")))
        """

    /// Whether env `name` is alive and holds an alive window `wid`: `env` then `window`, as
    /// one statement (so that, outside a transaction, one snapshot answers both).
    func windowExists(_ wid: String, envNamed name: String) throws -> Bool {
        guard asOf != .max else { return try db.int(Self.windowInEnvNowSQL, [.text(name), .text(wid)]) == 1 }
        return try db.int(Self.windowInEnvSQL, [.text(name), .integer(asOf), .text(wid)]) == 1
    }

    private static let envNamesSQL = """
        SELECT name FROM env WHERE \(AliveAsOf.env("env", asOf: "?1")) ORDER BY name
        """

    /// Names of the envs alive as of `asOf`, sorted as visdom's env list is.
    func envNames() throws -> [String] {
        try db.texts(Self.envNamesSQL, [.integer(asOf)])
    }

    private static let windowsSQL = """
        SELECT \(WindowRow.columns) FROM window WHERE env_id = ?1 AND \(AliveAsOf.window("window", asOf: "?2"))
        ORDER BY slot
        """

    /// The env's windows in visdom's dict order.
    func windows(ofEnv env: Int64) throws -> [WindowRow] {
        try db.all(Self.windowsSQL, [.integer(env), .integer(asOf)], WindowRow.init)
    }

    private static let windowSQL = """
        SELECT \(WindowRow.columns) FROM window WHERE env_id = ?1 AND wid = ?2 AND \(AliveAsOf.window("window", asOf: "?3"))
        ORDER BY window_id DESC LIMIT 1
        """

    func window(_ wid: String, env: Int64) throws -> WindowRow? {
        try db.one(Self.windowSQL, [.integer(env), .text(wid), .integer(asOf)]) { WindowRow($0) }
    }

    /// The head blob of a window as of `asOf`.
    func headBytes(_ window: Int64) throws -> [UInt8]? {
        try db.one(
            "SELECT doc FROM head WHERE window_id = ? AND epoch <= ? ORDER BY epoch DESC LIMIT 1",
            [.integer(window), .integer(asOf)]
        ) { st in
            var row = st.columns
            return row.blob()
        }
    }

    func head(_ window: Int64) throws -> PaneValue? {
        guard let bytes = try headBytes(window) else { return nil }
        return try bytes.withUnsafeBytes { try ValueCodec.decodePane($0) }
    }

    /// The last epoch (<= asOf) that changed the window's content: the newest of its
    /// `window_change` rows, its head versions, its series' last segments and the last epoch
    /// <= asOf of its sealed blocks (one row per sealed run, few per window) (schema.sql,
    /// window_change). One index probe per series: a segment's epoch never decreases with
    /// its seq, so the last segment at or before `asOf` is the first found walking back.
    func lastChange(_ window: Int64) throws -> Int64 {
        try db.int("SELECT " + Self.lastChange(window: "?1", asOf: "?2"), [.integer(window), .integer(asOf)]) ?? 0
    }

    /// The windows whose content epochs `after+1 ... asOf` changed, in ascending id: their
    /// epoch rows' `window_id`, those of their sealed epochs (`EpochRun`) and their
    /// `window_change` rows (schema.sql). A version-1 store opened read-only has no `window_id`
    /// column, and records every change in window_change.
    func windowsChanged(after: Int64) throws -> [Int64] {
        let hasColumn = try Schema.epochRowsNameTheirWindow(db)
        var ids = try db.ints(
            "SELECT window_id FROM window_change WHERE epoch > ?1 AND epoch <= ?2"
                + (hasColumn
                    ? " UNION SELECT window_id FROM epoch WHERE epoch > ?1 AND epoch <= ?2 AND window_id IS NOT NULL"
                    : ""),
            [.integer(after), .integer(asOf)])
        for run in try EpochTable.runs(after: after, through: asOf, db) {
            if run.firstEpoch > after && run.lastEpoch <= asOf {  // every kind is some epoch's
                ids.append(contentsOf: run.kinds.compactMap(\.windowID))
            } else {
                for e in try run.epochs() where e.epoch > after && e.epoch <= asOf {
                    if let id = run.kinds[e.kind].windowID { ids.append(id) }
                }
            }
        }
        return Array(Set(ids)).sorted()
    }

    /// `lastChange` as an SQL expression of the window id expression `window` and the epoch
    /// expression `asOf` (listings use it per row).
    static func lastChange(window: String, asOf: String) -> String {
        """
        max(coalesce((SELECT max(c.epoch) FROM window_change c WHERE c.window_id = \(window) AND c.epoch <= \(asOf)), 0),
            coalesce((SELECT max(h.epoch) FROM head h WHERE h.window_id = \(window) AND h.epoch <= \(asOf)), 0),
            coalesce((SELECT max(g.epoch) FROM segment g WHERE g.window_id = \(window) AND g.epoch <= \(asOf)), 0),
            coalesce((SELECT max(CASE WHEN b.last_epoch <= \(asOf) THEN b.last_epoch
                                      ELSE logstore_block_last(b.epochs, b.first_epoch, \(asOf)) END)
                      FROM block b WHERE b.window_id = \(window) AND b.first_epoch <= \(asOf)), 0))
        """
    }

    func reload(_ env: Int64) throws -> JSONValue {
        (try db.one(
            "SELECT doc FROM env_reload WHERE env_id = ? AND epoch <= ? ORDER BY epoch DESC LIMIT 1",
            [.integer(env), .integer(asOf)]
        ) { st in
            var row = st.columns
            return try row.withBlob { try ValueCodec.decodeFirst($0) }
        } ?? nil) ?? .object(JSONObject())
    }

    /// The pages' saved layouts (`layout_update`'s data) as of `asOf`; nil before any was
    /// saved, and in a store older than version 5 (read-only), which has no `page_layout`.
    func pageLayouts() throws -> JSONValue? {
        guard try db.userVersion >= 5 else { return nil }
        return try db.one(
            "SELECT doc FROM page_layout WHERE epoch <= ? ORDER BY epoch DESC LIMIT 1", [.integer(asOf)]
        ) { st in
            var row = st.columns
            return try row.withBlob { try ValueCodec.decodeFirst($0) }
        } ?? nil
    }

    /// An env incarnation born by `asOf`: its id, name, birth and tombstone (nil: none by then).
    struct EnvIncarnation {
        let id: Int64
        let name: String
        let begin: Int64
        let end: Int64?
    }

    /// Every env incarnation born by `asOf`, by id: the alive ones and the deleted ones with
    /// when they were deleted.
    func envIncarnations() throws -> [EnvIncarnation] {
        try db.all(
            """
            SELECT env.env_id, env.name, env.epoch, env_end.epoch FROM env
              LEFT JOIN env_end ON env_end.env_id = env.env_id AND env_end.epoch <= ?1
            WHERE env.epoch <= ?1 ORDER BY env.env_id
            """, [.integer(asOf)]
        ) { st in
            var row = st.columns
            return EnvIncarnation(id: row.int64(), name: row.text(), begin: row.int64(), end: row.optionalInt64())
        }
    }
}
