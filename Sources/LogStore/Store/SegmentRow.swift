/// One row of the `segment` table (schema.sql, segment): `count` values appended (`op` 0) or
/// prepended (`op` 1) to series `seriesID` at `epoch`, the series' `seq`-th segment, after
/// which the series holds `total` values; `data` is their `ValueCodec` bytes.
struct SegmentRow: Sendable {
    let windowID, seriesID, seq, epoch, op, count, total: Int64
    let data: [UInt8]

    /// The columns `init(_:)` reads and `insertSQL` writes, in their order.
    static let columns = "window_id, series_id, seq, epoch, op, count, total, data"

    /// Inserts one row: its parameters 1...8 are `columns`, in order.
    static let insertSQL = "INSERT INTO segment(\(columns)) VALUES (?, ?, ?, ?, ?, ?, ?, ?)"

    init(_ st: Statement) {
        var row = st.columns
        windowID = row.int64()
        seriesID = row.int64()
        seq = row.int64()
        epoch = row.int64()
        op = row.int64()
        count = row.int64()
        total = row.int64()
        data = row.blob()
    }

    init(
        windowID: Int64, seriesID: Int64, seq: Int64, epoch: Int64, op: Int64, count: Int64, total: Int64,
        data: [UInt8]
    ) {
        (self.windowID, self.seriesID, self.seq, self.epoch) = (windowID, seriesID, seq, epoch)
        (self.op, self.count, self.total, self.data) = (op, count, total, data)
    }

    /// `insertSQL`'s arguments.
    var values: [SQLValue] {
        [
            .integer(windowID), .integer(seriesID), .integer(seq), .integer(epoch), .integer(op), .integer(count),
            .integer(total), .blob(data),
        ]
    }

    func insert(_ db: Connection) throws { try db.run(Self.insertSQL, values) }
}
