/// Reads of the `epoch` table and of `meta` that the facade, readers and checks share
/// (schema.sql, epoch and meta).
enum EpochTable {
    /// The newest epoch's number.
    static let latestSQL = "SELECT max(epoch) FROM epoch"

    /// The newest epoch; nil only for a table with no rows (a store always has epoch 0, its
    /// creation).
    static func latest(_ db: Connection) throws -> Int64? { try db.int(latestSQL, []) }

    /// The oldest epoch written at or after `timeMS` (milliseconds since 1970), nil if none.
    static func first(writtenSince timeMS: Int64, _ db: Connection) throws -> Int64? {
        try db.int("SELECT min(epoch) FROM epoch WHERE time_ms >= ?", [.integer(timeMS)])
    }

    /// `compact --before N`'s N (`meta.compacted_before`): reads as of an epoch before it are
    /// refused; nil when the store was never compacted.
    static func compactedBefore(_ db: Connection) throws -> Int64? {
        try db.int("SELECT value FROM meta WHERE key = 'compacted_before'", [])
    }

    /// How many epoch rows there are, and the lowest and highest epoch (nil with no rows).
    static func extent(_ db: Connection) throws -> (count: Int64, low: Int64, high: Int64)? {
        try db.one("SELECT count(*), min(epoch), max(epoch) FROM epoch", []) { st in
            var row = st.columns
            return (row.int64(), row.int64(), row.int64())
        }
    }

    /// The gaps in the epoch numbers 0 ... `high`: each run of missing numbers after an
    /// existing epoch, ascending (numbers missing before the lowest epoch are not listed).
    static func gaps(below high: Int64, _ db: Connection) throws -> [ClosedRange<Int64>] {
        var gaps: [ClosedRange<Int64>] = []
        try db.forEach(
            """
            SELECT e.epoch + 1, (SELECT min(n.epoch) FROM epoch n WHERE n.epoch > e.epoch) - 1 FROM epoch e
            WHERE e.epoch >= 0 AND e.epoch < ?1 AND NOT EXISTS (SELECT 1 FROM epoch n WHERE n.epoch = e.epoch + 1)
            ORDER BY e.epoch
            """, [.integer(high)]
        ) { st in
            var row = st.columns
            let from = row.int64()
            gaps.append(from...max(from, row.int64()))
        }
        return gaps
    }

    /// The epochs `filter` selects, newest first: `SELECT <columns> FROM epoch WHERE … ORDER BY
    /// epoch DESC LIMIT …`, with its arguments.
    private static func selecting(_ columns: String, _ filter: EpochFilter) -> (String, [SQLValue]) {
        let sql = """
            SELECT \(columns) FROM epoch
            WHERE (?1 IS NULL OR env = ?1) AND epoch > ?2 AND epoch <= ?3 AND time_ms >= ?4 AND time_ms <= ?5
            ORDER BY epoch DESC LIMIT ?6
            """
        return (
            sql,
            [
                filter.env.map(SQLValue.text) ?? .null, .integer(filter.after ?? -1), .integer(filter.through ?? .max),
                .integer(filter.fromTimeMS ?? .min), .integer(filter.toTimeMS ?? .max),
                .integer(filter.limit.map { Int64(max($0, 0)) } ?? -1),
            ]
        )
    }

    /// Calls `body` with each epoch `filter` selects, newest first, and the window id its row
    /// names (nil when it names none, and always in a store before version 2, whose epoch rows
    /// name their windows only in window_change: read as is, `log` does not upgrade a store).
    static func forEachRecord(
        _ filter: EpochFilter, _ db: Connection, _ body: (EpochRecord, _ window: Int64?) throws -> Void
    ) throws {
        let window = try Schema.epochRowsNameTheirWindow(db) ? "window_id" : "NULL"
        let (sql, args) = selecting("epoch, time_ms, source, endpoint, env, win, status, detail, \(window)", filter)
        try db.forEach(sql, args) { st in
            var row = st.columns
            let record = EpochRecord(
                epoch: row.int64(), timeMS: row.int64(), source: row.text(), endpoint: row.text(),
                env: row.optionalText(), window: row.optionalText(), status: row.text(), detail: row.text())
            try body(record, row.optionalInt64())
        }
    }

    /// The longest fields of the epochs `filter` selects, in UTF-8 bytes, and the greatest epoch.
    static func fieldLengths(_ filter: EpochFilter, _ db: Connection) throws -> EpochFieldLengths {
        let (inner, args) = selecting("epoch, source, endpoint, env, win", filter)
        let sql = """
            SELECT max(length(CAST(source AS BLOB))), max(length(CAST(endpoint AS BLOB))),
              max(length(CAST(env AS BLOB))), max(length(CAST(win AS BLOB))), max(epoch) FROM (\(inner))
            """
        return try db.one(sql, args) { st in
            var row = st.columns
            return EpochFieldLengths(
                source: Int(row.int64()), endpoint: Int(row.int64()), env: Int(row.int64()),
                window: Int(row.int64()), maxEpoch: row.int64())
        } ?? EpochFieldLengths()
    }
}
