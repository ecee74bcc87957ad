/// What a range of epochs wrote to one window: the head versions in force, the segments and
/// the sealed blocks (schema.sql, head, segment, block). `log`'s changes and the import
/// report's point counts read it; they never read values.
struct WindowHistory {
    let db: Connection
    let window: Int64

    /// A segment's series, epoch and count.
    struct SegmentCount {
        let seriesID, epoch, count: Int64

        static let columns = "series_id, epoch, count, iif(series_id = 0, data, NULL)"

        init(seriesID: Int64, epoch: Int64, count: Int64) {
            (self.seriesID, self.epoch, self.count) = (seriesID, epoch, count)
        }
    }

    private static let headsSQL = """
        SELECT epoch, doc FROM head WHERE window_id = ?1 AND epoch <= ?3 AND epoch >= coalesce(
          (SELECT max(epoch) FROM head WHERE window_id = ?1 AND epoch <= ?2), 0) ORDER BY epoch
        """

    /// Calls `body` with each head version in force during epochs `from ... through` (the
    /// newest at or before `from`, then every later one up to `through`), by epoch, its bytes
    /// lent for the call.
    func forEachHead(
        inForceFrom from: Int64, through: Int64, _ body: (_ epoch: Int64, _ doc: UnsafeRawBufferPointer) throws -> Void
    ) throws {
        try db.forEach(Self.headsSQL, [.integer(window), .integer(from), .integer(through)]) { st in
            var row = st.columns
            let epoch = row.int64()
            try row.withBlob { try body(epoch, $0) }
        }
    }

    private static let segmentsSQL =
        "SELECT \(SegmentCount.columns) FROM segment WHERE window_id = ?1 AND epoch >= ?2 AND epoch <= ?3"

    /// The window's segments written in epochs `from ... through` (a pack row's parts as
    /// segments of their own).
    func segments(from: Int64, through: Int64) throws -> [SegmentCount] {
        var out: [SegmentCount] = []
        try db.forEach(Self.segmentsSQL, [.integer(window), .integer(from), .integer(through)]) { st in
            var row = st.columns
            let (series, epoch, count) = (row.int64(), row.int64(), row.int64())
            guard series == 0 else { return out.append(SegmentCount(seriesID: series, epoch: epoch, count: count)) }
            try row.withBlob { pack in
                try SegmentPack.forEach(pack) { part in
                    out.append(SegmentCount(seriesID: part.seriesID, epoch: epoch, count: part.count))
                    return true
                }
            }
        }
        return out
    }

    private static let blocksSQL =
        "SELECT \(SealedBlock.columns) FROM block WHERE window_id = ?1 AND first_epoch <= ?3 AND last_epoch >= ?2"

    /// The window's sealed blocks holding a segment of epochs `from ... through`.
    func blocks(from: Int64, through: Int64) throws -> [SealedBlock] {
        try db.all(Self.blocksSQL, [.integer(window), .integer(from), .integer(through)], SealedBlock.init)
    }

    private static let blockCountsSQL = """
        SELECT series_id, logstore_block_count(epochs, first_epoch, ?2, ?3) FROM block
        WHERE window_id = ?1 AND first_epoch <= ?3 AND last_epoch >= ?2
        """

    /// Per sealed block holding a segment of epochs `from ... through`: its series and the
    /// values those segments hold (counted in SQL, the block's bytes staying in SQLite).
    func blockCounts(from: Int64, through: Int64) throws -> [(seriesID: Int64, count: Int64)] {
        try db.all(Self.blockCountsSQL, [.integer(window), .integer(from), .integer(through)]) { st in
            var row = st.columns
            return (row.int64(), row.int64())
        }
    }
}
