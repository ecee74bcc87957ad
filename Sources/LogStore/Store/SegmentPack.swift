/// A PACK ROW (schema.sql, segment; version 8): the append segments one epoch wrote to two or
/// more series of one window (a line append's x and y), stored as ONE `segment` row, so a save
/// inserts one row and one index entry instead of one per series. The row has `series_id` 0
/// (no series has that id), `seq` 0, `op` 0, `count` the values of all its parts and `total` 0;
/// its `data` is its parts back to back, each five varints (series id, seq, total, count, byte
/// length) and then that many bytes of the part's values in the value encoding.
///
/// A part is a segment in every respect but where it is stored: series `seriesID`'s segment
/// `seq`, an append (op 0) of `count` values at the row's epoch, after which the series holds
/// `total` values. A pack holds at most one part per series, and an epoch that writes a pack
/// for a window writes no segment row of its own to any of the pack's series.
enum SegmentPack {
    /// One series' segment in a pack: its fields, and where its values lie in the pack's bytes.
    struct Part {
        let seriesID, seq, total, count: Int64
        let values: Range<Int>
        /// The part's bytes in the pack, its varints included.
        let stored: Range<Int>
    }

    struct DecodeError: Error, CustomStringConvertible {
        let offset: Int
        var description: String { "corrupt segment pack at byte \(offset)" }
    }

    /// Appends a part to `pack`. The values (plain JSON: `SeriesSlot.Operation`) are encoded
    /// straight into the pack, after a one-byte length that is widened if they take more.
    static func append(series: Int64, seq: Int64, total: Int64, values: [PaneValue], to pack: inout [UInt8]) {
        putFields(series: series, seq: seq, total: total, count: Int64(values.count), to: &pack)
        let lengthAt = pack.count
        pack.append(0)
        for v in values { ValueCodec.encode(v, into: &pack) }
        let length = pack.count - lengthAt - 1
        if length < 0x80 {
            pack[lengthAt] = UInt8(length)
        } else {
            var varint: [UInt8] = []
            ValueCodec.putVarint(UInt64(length), &varint)
            pack.replaceSubrange(lengthAt...lengthAt, with: varint)
        }
    }

    /// Appends a part whose values are `bytes` (value encoding) to `pack`.
    static func append(
        series: Int64, seq: Int64, total: Int64, count: Int64, bytes: ArraySlice<UInt8>, to pack: inout [UInt8]
    ) {
        putFields(series: series, seq: seq, total: total, count: count, to: &pack)
        ValueCodec.putVarint(UInt64(bytes.count), &pack)
        pack.append(contentsOf: bytes)
    }

    /// A part's first four varints.
    private static func putFields(series: Int64, seq: Int64, total: Int64, count: Int64, to pack: inout [UInt8]) {
        ValueCodec.putVarint(UInt64(bitPattern: series), &pack)
        ValueCodec.putVarint(UInt64(bitPattern: seq), &pack)
        ValueCodec.putVarint(UInt64(bitPattern: total), &pack)
        ValueCodec.putVarint(UInt64(bitPattern: count), &pack)
    }

    /// Inserts a pack row of `window` at `epoch` holding `count` values: its parameters are
    /// window_id, epoch, count and data (series_id, seq, op and total are the pack's zeros).
    static let insertSQL = "INSERT INTO segment(\(SegmentRow.columns)) VALUES (?1, 0, 0, ?2, 0, ?3, 0, ?4)"

    /// The pack's parts, in the order they were written.
    static func parts(_ pack: UnsafeRawBufferPointer) throws -> [Part] {
        var out: [Part] = []
        try forEach(pack) {
            out.append($0)
            return true
        }
        return out
    }

    /// Series `id`'s part of the pack, if it has one.
    static func part(of id: Int64, in pack: UnsafeRawBufferPointer) throws -> Part? {
        var found: Part?
        try forEach(pack) { part in
            if part.seriesID == id { found = part }
            return found == nil
        }
        return found
    }

    /// Calls `body` with each part in order until it returns false.
    static func forEach(_ pack: UnsafeRawBufferPointer, _ body: (Part) throws -> Bool) throws {
        var reader = ValueCodec.Reader(pack)
        func field() throws -> Int64 {
            do { return Int64(bitPattern: try reader.varint()) } catch { throw DecodeError(offset: reader.offset) }
        }
        while !reader.atEnd {
            let start = reader.offset
            let (series, seq, total, count, length) = (try field(), try field(), try field(), try field(), try field())
            guard length >= 0, length <= pack.count - reader.offset else { throw DecodeError(offset: reader.offset) }
            let values = reader.offset..<reader.offset + Int(length)
            reader.offset = values.upperBound
            let part = Part(
                seriesID: series, seq: seq, total: total, count: count, values: values,
                stored: start..<values.upperBound)
            guard try body(part) else { return }
        }
    }

    /// The pack without the parts of `series`: nil when no part is left.
    static func removing(_ series: Set<Int64>, from pack: UnsafeRawBufferPointer) throws -> [UInt8]? {
        var out: [UInt8] = []
        try forEach(pack) { part in
            if !series.contains(part.seriesID) { out.append(contentsOf: pack[part.stored]) }
            return true
        }
        return out.isEmpty ? nil : out
    }

    /// Rewrites every pack row of the store as segment rows of their own, one per part (the
    /// rows a version-7 writer wrote): `compact` does this before it merges history or seals, so
    /// those work on segment rows only. O(the pack rows); the table has no index by series, so
    /// finding them reads the segment table once.
    static func unpackAll(_ db: Connection) throws {
        var rows: [SegmentRow] = []
        try db.forEach("SELECT window_id, epoch, data FROM segment WHERE series_id = 0", []) { st in
            var row = st.columns
            let (window, epoch) = (row.int64(), row.int64())
            try row.withBlob { pack in
                try forEach(pack) { part in
                    rows.append(
                        SegmentRow(
                            windowID: window, seriesID: part.seriesID, seq: part.seq, epoch: epoch, op: 0,
                            count: part.count, total: part.total, data: Array(pack[part.values])))
                    return true
                }
            }
        }
        guard !rows.isEmpty else { return }
        try db.run("DELETE FROM segment WHERE series_id = 0", [])
        for row in rows { try row.insert(db) }
    }
}
