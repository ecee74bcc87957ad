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
}
