/// One row of the `block` table: a sealed run of a series' append segments (schema.sql,
/// block; docs/FORMAT.md, "Sealed blocks"). Readers see through it: as of epoch N, a block
/// holds its first `visible(asOf: N)` values, those its segments with epoch <= N held.
///
/// Invariants (`check` verifies them): `epochs` decodes to `last_seq - first_seq + 1` segments
/// whose epochs run from `first_epoch` to `last_epoch`, never decreasing, and whose counts sum
/// to `count`; `data` decodes to exactly `count` values; `total` is the series' length after
/// the block; a series' blocks cover seqs 0 ... k of append segments, in order.
struct SealedBlock {
    let seriesID: Int64
    let firstSeq, lastSeq: Int64
    let firstEpoch, lastEpoch: Int64
    let count, total: Int64
    let epochs: [UInt8]
    let data: [UInt8]

    /// The columns `init(_:)` reads, in its order.
    static let columns = "series_id, first_seq, last_seq, first_epoch, last_epoch, count, total, epochs, data"

    init(_ st: Statement) {
        var row = st.columns
        seriesID = row.int64()
        firstSeq = row.int64()
        lastSeq = row.int64()
        firstEpoch = row.int64()
        lastEpoch = row.int64()
        count = row.int64()
        total = row.int64()
        epochs = row.blob()
        data = row.blob()
    }

    init(
        seriesID: Int64, firstSeq: Int64, lastSeq: Int64, firstEpoch: Int64, lastEpoch: Int64, count: Int64,
        total: Int64,
        epochs: [UInt8], data: [UInt8]
    ) {
        (self.seriesID, self.firstSeq, self.lastSeq) = (seriesID, firstSeq, lastSeq)
        (self.firstEpoch, self.lastEpoch, self.count, self.total) = (firstEpoch, lastEpoch, count, total)
        (self.epochs, self.data) = (epochs, data)
    }

    /// The number of its values written at or before epoch `asOf`.
    func visible(asOf: Int64) throws -> Int64 {
        if asOf >= lastEpoch { return count }
        if asOf < firstEpoch { return 0 }
        return try epochs.withUnsafeBytes { try BlockEpochs.visible($0, firstEpoch: firstEpoch, through: asOf).count }
    }

    /// The series' length as of `asOf`, for a block that is the series' last as of then.
    func total(asOf: Int64) throws -> Int64 { total - count + (try visible(asOf: asOf)) }

    /// Appends the values visible as of `asOf`, as `ValueCodec` bytes (a segment's `data`).
    func values(asOf: Int64 = .max, into out: inout [UInt8]) throws {
        let n = try visible(asOf: asOf)
        guard n > 0 else { return }
        try data.withUnsafeBytes { try BlockValues.decode($0, count: Int(count), limit: Int(n), into: &out) }
    }

    /// The segments it replaced: epoch and count of each, in seq order.
    func segments() throws -> [BlockEpochs.Segment] {
        try epochs.withUnsafeBytes { try BlockEpochs.decode($0, firstEpoch: firstEpoch) }
    }

    /// The blocks of series `?1` of window `?2` visible as of `?3`, in seq order.
    static let ofSeriesSQL =
        "SELECT \(columns) FROM block WHERE window_id = ?2 AND first_epoch <= ?3 AND series_id = ?1 ORDER BY first_seq"

    /// The blocks of series `id` (of window `window`, looked up when nil) visible as of `asOf`.
    static func of(series id: Int64, window: Int64? = nil, asOf: Int64, _ db: Connection) throws -> [SealedBlock] {
        guard let window = try window ?? db.int("SELECT window_id FROM series WHERE series_id = ?", [.integer(id)])
        else { return [] }
        var blocks: [SealedBlock] = []
        try db.forEach(ofSeriesSQL, [.integer(id), .integer(window), .integer(asOf)]) { blocks.append(SealedBlock($0)) }
        return blocks
    }

    /// The values of `blocks` visible as of `asOf`, as `ValueCodec` bytes.
    static func values(of blocks: [SealedBlock], asOf: Int64) throws -> [UInt8] {
        var out: [UInt8] = []
        for b in blocks { try b.values(asOf: asOf, into: &out) }
        return out
    }

    /// Writes the block.
    func insert(window: Int64, _ db: Connection) throws {
        try db.run(
            """
            INSERT INTO block(window_id, series_id, first_seq, last_seq, first_epoch, last_epoch, count, total, epochs, data)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
            """,
            [
                .integer(window), .integer(seriesID), .integer(firstSeq), .integer(lastSeq), .integer(firstEpoch),
                .integer(lastEpoch), .integer(count), .integer(total), .blob(epochs), .blob(data),
            ])
    }
}
