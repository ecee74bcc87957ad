/// Reads and appends series segments on one connection, as of an epoch bound.
///
/// Invariants it relies on and keeps: a series' segments have seq 0, 1, 2, … in the order they
/// were written (so also in epoch order); `total` of a segment is the series length after it;
/// the elements as of epoch N are the prepend segments (op 1) with epoch <= N in descending seq,
/// then the append segments (op 0) with epoch <= N in ascending seq.
final class SeriesStore: SeriesSource {
    let db: Connection
    /// Only segments with epoch <= asOf are visible (Int64.max: the current state).
    let asOf: Int64
    /// The writer's cache of where series end (see `SeriesTails`), used and kept by `write`.
    let tails: SeriesTails?

    init(_ db: Connection, asOf: Int64 = .max, tails: SeriesTails? = nil) {
        self.db = db
        self.asOf = asOf
        self.tails = tails
    }

    func count(of id: Int64) throws -> Int {
        Int(try db.int("SELECT total FROM segment WHERE series_id = ? AND epoch <= ? ORDER BY seq DESC LIMIT 1",
                       [.integer(id), .integer(asOf)]) ?? 0)
    }

    func first(of id: Int64) throws -> JSONValue? {
        if let v = try firstValue(
            "SELECT data FROM segment WHERE series_id = ? AND epoch <= ? AND op = 1 AND count > 0 ORDER BY seq DESC LIMIT 1", id)
        {
            return v
        }
        return try firstValue(
            "SELECT data FROM segment WHERE series_id = ? AND epoch <= ? AND op = 0 AND count > 0 ORDER BY seq LIMIT 1", id)
    }

    private func firstValue(_ sql: String, _ id: Int64) throws -> JSONValue? {
        try db.one(sql, [.integer(id), .integer(asOf)]) { st in
            try st.withBlob(0) { try ValueCodec.decodeFirst($0) }
        } ?? nil
    }

    func elements(of id: Int64) throws -> [JSONValue] {
        var prepends: [[JSONValue]] = []
        var items: [JSONValue] = []
        if let n = try db.int("SELECT total FROM segment WHERE series_id = ? AND epoch <= ? ORDER BY seq DESC LIMIT 1",
                              [.integer(id), .integer(asOf)]) {
            items.reserveCapacity(Int(n))
        }
        try db.forEach("SELECT op, data FROM segment WHERE series_id = ? AND epoch <= ? ORDER BY seq",
                       [.integer(id), .integer(asOf)]) { st in
            if st.int64(0) == 1 {
                var p: [JSONValue] = []
                try st.withBlob(1) { try ValueCodec.decodeValues($0, into: &p) }
                prepends.append(p)
            } else {
                try st.withBlob(1) { try ValueCodec.decodeValues($0, into: &items) }
            }
        }
        if prepends.isEmpty { return items }
        var out: [JSONValue] = []
        for p in prepends.reversed() { out.append(contentsOf: p) }
        out.append(contentsOf: items)
        return out
    }

    /// Walks the values of series `id` in order, one `body` call per value (which must read or
    /// skip exactly that value). Returns false, calling nothing, for a series with prepended
    /// segments, whose order differs from the segments' order.
    func scan(_ id: Int64, _ body: (inout ValueCodec.Reader) throws -> Void) throws -> Bool {
        if try db.int("SELECT 1 FROM segment WHERE series_id = ? AND op = 1 AND epoch <= ? LIMIT 1",
                      [.integer(id), .integer(asOf)]) != nil { return false }
        try db.forEach("SELECT data FROM segment WHERE series_id = ? AND epoch <= ? ORDER BY seq",
                       [.integer(id), .integer(asOf)]) { st in
            try st.withBlob(0) { blob in
                var r = ValueCodec.Reader(blob)
                while !r.atEnd { try body(&r) }
            }
        }
        return true
    }

    // MARK: writing (only on the writer's connection)

    /// Creates an empty series of `window` at `epoch`; returns its id.
    func create(window: Int64, kind: SeriesSlot.Kind, epoch: Int64) throws -> Int64 {
        try db.run("INSERT INTO series(window_id, kind, epoch) VALUES (?, ?, ?)",
                   [.integer(window), .integer(Int64(kind.rawValue)), .integer(epoch)])
        return db.lastInsertRowID
    }

    /// Appends one segment per operation. Cost: O(size of the operations) plus one index
    /// lookup for the series' last segment, unless `tails` knows where it ends.
    func write(_ ops: [SeriesSlot.Operation], to id: Int64, epoch: Int64) throws {
        guard ops.contains(where: { !$0.values.isEmpty }) else { return }
        var tail = try tails?[id] ?? db.one(
            "SELECT seq, total FROM segment WHERE series_id = ? ORDER BY seq DESC LIMIT 1", [.integer(id)]
        ) { SeriesTails.Tail(nextSeq: $0.int64(0) + 1, total: $0.int64(1)) } ?? SeriesTails.Tail(nextSeq: 0, total: 0)
        do {
            for op in ops where !op.values.isEmpty {
                tail.total += Int64(op.values.count)
                try insertSegment(id, seq: tail.nextSeq, epoch: epoch, op, total: tail.total)
                tail.nextSeq += 1
            }
        } catch {
            tails?[id] = nil  // the inserts before the failed one may still be rolled back
            throw error
        }
        tails?[id] = tail
    }

    private static let insertSQL =
        "INSERT INTO segment(series_id, seq, epoch, op, count, total, data) VALUES (?, ?, ?, ?, ?, ?, ?)"

    /// One segment row, bound value by value: the statement is the connection's cached one,
    /// and no array of `SQLValue`s is built for it (a segment is written per series per
    /// message).
    private func insertSegment(_ id: Int64, seq: Int64, epoch: Int64, _ op: SeriesSlot.Operation, total: Int64) throws {
        let st = try db.cachedStatement(Self.insertSQL)
        defer { st.reset() }
        try st.bind(id, at: 1)
        try st.bind(seq, at: 2)
        try st.bind(epoch, at: 3)
        try st.bind(Int64(op.prepend ? 1 : 0), at: 4)
        try st.bind(Int64(op.values.count), at: 5)
        try st.bind(total, at: 6)
        try st.bind(ValueCodec.encodeValues(op.values), at: 7)
        while try st.step() {}
    }

    /// Copies series `id` with its segments up to epoch `asOf` into a new series of `window`,
    /// written at `epoch` (fork_env). Segments up to an epoch are a prefix of the seqs, so the
    /// copied totals stay right. Returns the new id.
    func copy(_ id: Int64, kind: SeriesSlot.Kind, asOf: Int64, to window: Int64, epoch: Int64) throws -> Int64 {
        let new = try create(window: window, kind: kind, epoch: epoch)
        try db.run(
            """
            INSERT INTO segment(series_id, seq, epoch, op, count, total, data)
            SELECT ?, seq, ?, op, count, total, data FROM segment WHERE series_id = ? AND epoch <= ? ORDER BY seq
            """, [.integer(new), .integer(epoch), .integer(id), .integer(asOf)])
        return new
    }
}
