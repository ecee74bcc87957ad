/// Reads and appends series segments on one connection, as of an epoch bound.
///
/// Invariants it relies on and keeps: a series' segments have seq 0, 1, 2, … in the order they
/// were written (so also in epoch order: (epoch, seq) order is seq order); `total` of a segment
/// is the series length after it; a segment's window_id is its series' window; the elements as
/// of epoch N are the prepend segments (op 1) with epoch <= N in descending seq, then the append
/// segments (op 0) with epoch <= N in ascending seq. A sealed block (`SealedBlock`) stands for
/// a run of a series' first append segments: its values visible as of N come before the
/// remaining append segments.
///
/// Segments are found through their window (`segment_by_window`): every query names the
/// series' window, looked up by `windowOfSeries` unless the caller knows it. A segment is a row
/// of its own or a part of a pack row (`SegmentPack`); `forEachSegment` reads both. A store
/// made to read one whole window reads its segments in one pass instead (`WindowSegments`).
final class SeriesStore: SeriesSource {
    let db: Connection
    /// Only segments with epoch <= asOf are visible (Int64.max: the current state).
    let asOf: Int64
    /// The writer's cache of where series end (see `SeriesTails`), used and kept by `write`.
    let tails: SeriesTails?
    /// The segments of the window being read, when reading a whole window; series of other
    /// windows are still read by query.
    private let window: WindowSegments?
    /// The pack row's INSERT, held: the writer's store writes one per save. Unchecked
    /// exclusivity: only `writePack` touches it, between its other calls.
    @exclusivity(unchecked) private var insertPack = HeldStatement(SegmentPack.insertSQL)

    init(_ db: Connection, asOf: Int64 = .max, tails: SeriesTails? = nil) {
        self.db = db
        self.asOf = asOf
        self.tails = tails
        self.window = nil
    }

    /// A store for reading `series` of window `window` (as of `asOf`), whose segments it
    /// reads at once.
    init(_ db: Connection, asOf: Int64, readingWindow window: Int64, series: [Int64]) throws {
        self.db = db
        self.asOf = asOf
        self.tails = nil
        self.window = try WindowSegments(db, window: window, asOf: asOf, series: series)
    }

    /// The window of series `?1`, as an SQL expression.
    private static let windowOfSeries = "(SELECT window_id FROM series WHERE series_id = ?1)"
    /// The epoch that created series `?1`: none of its segments is older, so a walk of the
    /// window's index for them starts there, past the segments of the series (live or
    /// replaced) the window had before.
    private static let birthOfSeries = "(SELECT epoch FROM series WHERE series_id = ?1)"
    /// The rows that may hold a segment of series `?1` with epoch <= `?2`, in its window `?3`
    /// (NULL: looked up): its own segment rows and the window's pack rows, in the window's index
    /// (`series_id` is in it, so the window's other series' rows are skipped unread).
    private static let rowsOfSeries = """
        segment WHERE window_id = coalesce(?3, \(windowOfSeries)) AND epoch BETWEEN \(birthOfSeries) AND ?2
          AND series_id IN (0, ?1)
        """
    static let segmentsSQL =
        "SELECT series_id, seq, epoch, op, count, total, data FROM \(rowsOfSeries) ORDER BY epoch, seq"
    static let newestSegmentsSQL =
        "SELECT series_id, seq, epoch, op, count, total, data FROM \(rowsOfSeries) ORDER BY epoch DESC, seq DESC"
    /// The series' length as of `?2` when it has no visible segment: its last visible block's
    /// total less the block's values written after `?2`.
    static let blockCountSQL = """
        SELECT total - count + logstore_block_count(epochs, first_epoch, first_epoch, ?2) FROM block
        WHERE window_id = \(windowOfSeries) AND first_epoch <= ?2 AND series_id = ?1
        ORDER BY first_epoch DESC, first_seq DESC LIMIT 1
        """

    /// A segment of one series: a segment row of its own or its part of a pack row, its values
    /// lent for the call.
    struct Segment {
        let seq, epoch, op, count, total: Int64
        let data: UnsafeRawBufferPointer
    }

    /// Calls `body` with the segments of series `id` (of `window`, when the caller knows it)
    /// with epoch <= `asOf`, in seq order (newest first: the reverse) until it returns false.
    func forEachSegment(
        of id: Int64, window: Int64? = nil, asOf: Int64, newestFirst: Bool = false,
        _ body: (Segment) throws -> Bool
    ) throws {
        struct Stop: Error {}
        do {
            try db.forEach(
                newestFirst ? Self.newestSegmentsSQL : Self.segmentsSQL,
                [.integer(id), .integer(asOf), window.map { .integer($0) } ?? .null]
            ) { st in
                var row = st.columns
                let series = row.int64()
                let (seq, epoch, op, count, total) = (row.int64(), row.int64(), row.int64(), row.int64(), row.int64())
                let goOn = try row.withBlob { data -> Bool in
                    guard series == 0 else {
                        return try body(Segment(seq: seq, epoch: epoch, op: op, count: count, total: total, data: data))
                    }
                    guard let part = try SegmentPack.part(of: id, in: data) else { return true }
                    return try body(
                        Segment(
                            seq: part.seq, epoch: epoch, op: 0, count: part.count, total: part.total,
                            data: UnsafeRawBufferPointer(rebasing: data[part.values])))
                }
                if !goOn { throw Stop() }
            }
        } catch is Stop {}
    }

    /// The series' length as of `asOf`: its last visible segment's total, else its last visible
    /// block's total less the block's values written after `asOf`; nil for neither.
    private func storedCount(of id: Int64) throws -> Int64? {
        var total: Int64?
        try forEachSegment(of: id, asOf: asOf, newestFirst: true) { segment in
            total = segment.total
            return false
        }
        return try total ?? db.int(Self.blockCountSQL, [.integer(id), .integer(asOf)])
    }

    func count(of id: Int64) throws -> Int {
        if let n = window?.count(of: id) { return n }
        return Int(try storedCount(of: id) ?? 0)
    }

    func first(of id: Int64) throws -> JSONValue? {
        if let known = try window?.first(of: id) { return known }
        if let v = try firstValue(
            "SELECT data FROM segment WHERE series_id = ?1 AND epoch <= ?2 AND op = 1 AND count > 0 ORDER BY seq DESC LIMIT 1",
            id)
        {
            return v
        }
        if let block = try db.one(
            SealedBlock.ofSeriesSQL + " LIMIT 1", [.integer(id), .integer(try windowOf(id)), .integer(asOf)],
            { SealedBlock($0) })
        {
            var bytes: [UInt8] = []
            try block.values(asOf: asOf, into: &bytes)
            return try bytes.withUnsafeBytes { try ValueCodec.decodeFirst($0) }
        }
        var first: JSONValue?
        try forEachSegment(of: id, asOf: asOf) { segment in
            guard segment.op == 0, segment.count > 0 else { return true }
            first = try ValueCodec.decodeFirst(segment.data)
            return false
        }
        return first
    }

    /// The window of series `id` (0 for none).
    private func windowOf(_ id: Int64) throws -> Int64 {
        try db.int("SELECT window_id FROM series WHERE series_id = ?", [.integer(id)]) ?? 0
    }

    /// The values of the sealed blocks of series `id` visible as of `asOf`, as `ValueCodec` bytes.
    private func sealedValues(_ id: Int64) throws -> [UInt8] {
        try SealedBlock.values(of: SealedBlock.of(series: id, asOf: asOf, db), asOf: asOf)
    }

    private func firstValue(_ sql: String, _ id: Int64) throws -> JSONValue? {
        try db.one(sql, [.integer(id), .integer(asOf)]) { st in
            var row = st.columns
            return try row.withBlob { try ValueCodec.decodeFirst($0) }
        } ?? nil
    }

    func elements(of id: Int64) throws -> [JSONValue] {
        if let known = try window?.elements(of: id) { return known }
        var prepends: [[JSONValue]] = []
        var items: [JSONValue] = []
        if let n = try storedCount(of: id) {
            items.reserveCapacity(Int(n))
        }
        try sealedValues(id).withUnsafeBytes { try ValueCodec.decodeValues($0, into: &items) }
        try forEachSegment(of: id, asOf: asOf) { segment in
            if segment.op == 1 {
                var p: [JSONValue] = []
                try ValueCodec.decodeValues(segment.data, into: &p)
                prepends.append(p)
            } else {
                try ValueCodec.decodeValues(segment.data, into: &items)
            }
            return true
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
        if let window, window.holds(id) {
            guard let values = window.appendsOnly(id) else { return false }
            try values.withUnsafeBytes { bytes in
                var r = ValueCodec.Reader(bytes)
                while !r.atEnd { try body(&r) }
            }
            return true
        }
        if try db.int(
            "SELECT 1 FROM segment WHERE series_id = ?1 AND op = 1 AND epoch <= ?2 LIMIT 1",
            [.integer(id), .integer(asOf)]) != nil
        {
            return false
        }
        try sealedValues(id).withUnsafeBytes { blob in
            var r = ValueCodec.Reader(blob)
            while !r.atEnd { try body(&r) }
        }
        try forEachSegment(of: id, asOf: asOf) { segment in
            var r = ValueCodec.Reader(segment.data)
            while !r.atEnd { try body(&r) }
            return true
        }
        return true
    }

    // MARK: writing (only on the writer's connection)

    /// Creates an empty series of `window` at `epoch`; returns its id.
    func create(window: Int64, kind: SeriesSlot.Kind, epoch: Int64) throws -> Int64 {
        try db.run(
            "INSERT INTO series(window_id, kind, epoch) VALUES (?, ?, ?)",
            [.integer(window), .integer(Int64(kind.rawValue)), .integer(epoch)])
        return db.lastInsertRowID
    }

    /// Appends one segment per operation to series `id` of `window`. Cost: O(size of the
    /// operations) plus, unless `tails` knows where the series ends, a backward walk of the
    /// window's index to the series' last segment (usually among the window's last few; for a
    /// new series, to its creation epoch). On the writer (`tails`), every `Sealer.writerRun`-th
    /// segment of a series of small appends (`Sealer.writerSeals`) seals the run before it into
    /// a block: O(the run), once per run, so appends stay O(1) amortized and a live store stays
    /// small.
    func write(_ ops: [SeriesSlot.Operation], to id: Int64, window: Int64, epoch: Int64) throws {
        guard ops.contains(where: { !$0.values.isEmpty }) else { return }
        var tail = try tails?[id] ?? tail(of: id, window: window)
        do {
            for op in ops where !op.values.isEmpty {
                tail.total += Int64(op.values.count)
                try insertSegment(id, window: window, seq: tail.nextSeq, epoch: epoch, op, total: tail.total)
                tail.nextSeq += 1
            }
            // A live run's one-point appends: every `Sealer.writerRun` segments, one block.
            if tails != nil, Sealer.writerSeals(series: id, nextSeq: tail.nextSeq),
                ops.allSatisfy({ !$0.prepend && Int64($0.values.count) <= Sealer.writerSegmentValues })
            {
                try Sealer(db: db).sealRecent(id, window: window)
            }
        } catch {
            tails?[id] = nil  // the inserts before the failed one may still be rolled back
            throw error
        }
        tails?[id] = tail
    }

    /// One epoch's operations on series of `window`, in order: ONE pack row (`SegmentPack`)
    /// when they are single small appends (1 to `Sealer.writerSegmentValues` values, what the
    /// writer's seal takes) to two or more distinct series, a line append's x and y; else
    /// `write(_:to:window:epoch:)` per series, so bulk-written segments stay rows of their own.
    func write(_ writes: [(id: Int64, ops: [SeriesSlot.Operation])], window: Int64, epoch: Int64) throws {
        let id: (Int) -> Int64 = { writes[$0].id }
        let op: (Int) -> SeriesSlot.Operation? = { writes[$0].ops.count == 1 ? writes[$0].ops[0] : nil }
        guard Self.packs(writes.count, id, op) else {
            for w in writes { try write(w.ops, to: w.id, window: window, epoch: epoch) }
            return
        }
        try writePack(writes.count, id, { op($0)! }, window: window, epoch: epoch)
    }

    /// The writer's appends to `window` (`EpochWriter.storeAppends`), one operation each: as
    /// `write(_:window:epoch:)`, without building its array.
    func write(_ appends: PendingAppends, window: Int64, epoch: Int64) throws {
        // Closures written at the calls, not held in variables: they then read `appends` where
        // it is, where held ones were allocated, each with a copy of it.
        guard Self.packs(appends.count, { appends[$0].series }, { appends[$0].operation }) else {
            for a in appends { try write([a.operation], to: a.series, window: window, epoch: epoch) }
            return
        }
        try writePack(appends.count, { appends[$0].series }, { appends[$0].operation }, window: window, epoch: epoch)
    }

    /// Whether `n` operations, `op(i)` on series `id(i)` (nil: several on that series), are one
    /// pack row: two or more, each a small append to a series of its own.
    private static func packs(_ n: Int, _ id: (Int) -> Int64, _ op: (Int) -> SeriesSlot.Operation?) -> Bool {
        guard n > 1 else { return false }
        for i in 0..<n {
            guard let o = op(i), !o.prepend, !o.values.isEmpty, o.values.count <= Sealer.writerSegmentValues else {
                return false
            }
            for j in 0..<i where id(j) == id(i) { return false }
        }
        return true
    }

    /// Appends `op(i)` to series `id(i)` of `window` for each i < `n` (distinct series, small
    /// appends) as one pack row at `epoch`: what `write` does for each, in one row and one
    /// index entry. The writer's seal (`Sealer.writerSeals`) is decided by the pack's first
    /// series and seals all of its series together (`Sealer.sealRecent(_:window:)`), so their
    /// pack rows leave the table whole.
    private func writePack(
        _ n: Int, _ id: (Int) -> Int64, _ op: (Int) -> SeriesSlot.Operation, window: Int64, epoch: Int64
    ) throws {
        // On the writer, built in the storage the writer's last pack used (`SeriesTails.packBuffer`).
        var pack: [UInt8] = []
        if let tails { swap(&pack, &tails.packBuffer) }
        defer {
            if let tails {
                pack.removeAll(keepingCapacity: true)
                swap(&pack, &tails.packBuffer)
            }
        }
        pack.reserveCapacity(64)
        var count: Int64 = 0
        var sealing = false
        do {
            for i in 0..<n {
                let series = id(i)
                let values = op(i).values
                let added = Int64(values.count)
                // The series' tail past this part, kept in `tails`.
                let tail: SeriesTails.Tail
                if let known = tails?.append(count: added, to: series) {
                    tail = known
                } else {
                    let before = try self.tail(of: series, window: window)
                    tail = SeriesTails.Tail(nextSeq: before.nextSeq + 1, total: before.total + added)
                    tails?[series] = tail
                }
                SegmentPack.append(series: series, seq: tail.nextSeq - 1, total: tail.total, values: values, to: &pack)
                count += added
                if i == 0, tails != nil, Sealer.writerSeals(series: series, nextSeq: tail.nextSeq) { sealing = true }
            }
            let st = try insertPack.statement(on: db)
            defer { st.reset() }
            // The window and the count are mostly the last pack's: bound again only when not.
            try st.bind(keeping: window, at: 1)
            try st.bind(epoch, at: 2)
            try st.bind(keeping: count, at: 3)
            try st.bind(pack, at: 4)
            while try st.step() {}
            if sealing { try Sealer(db: db).sealRecent((0..<n).map(id), window: window) }
        } catch {
            for i in 0..<n { tails?[id(i)] = nil }  // the row may still be rolled back
            throw error
        }
    }

    /// Where series `id` of `window` ends: after its last segment, else after its last block.
    private func tail(of id: Int64, window: Int64) throws -> SeriesTails.Tail {
        var found: SeriesTails.Tail?
        try forEachSegment(of: id, window: window, asOf: .max, newestFirst: true) { segment in
            found = SeriesTails.Tail(nextSeq: segment.seq + 1, total: segment.total)
            return false
        }
        if let found { return found }
        return try db.one(Self.blockTailSQL, [.integer(id), .integer(window)]) { st in
            var row = st.columns  // last_seq, total
            return SeriesTails.Tail(nextSeq: row.int64() + 1, total: row.int64())
        } ?? SeriesTails.Tail(nextSeq: 0, total: 0)
    }

    /// The segments of series `id` (of window `window`) written after epoch `since`, newest
    /// first (op and data), and whether the series has a segment at or before `since` (then
    /// none of its sealed blocks, which precede its segments, holds a value written after it).
    /// The scan stops at the first segment at or before `since`: seq grows with epoch.
    func segments(of id: Int64, window: Int64, writtenAfter since: Int64) throws -> (
        newestFirst: [(op: Int64, data: [UInt8])], reachedSince: Bool
    ) {
        var newest: [(op: Int64, data: [UInt8])] = []
        var reached = false
        try forEachSegment(of: id, window: window, asOf: .max, newestFirst: true) { segment in
            guard segment.epoch > since else {
                reached = true
                return false
            }
            newest.append((segment.op, Array(segment.data)))
            return true
        }
        return (newest, reached)
    }

    /// The last block of series `?1` of window `?2`: `last_seq`, `total`, `last_epoch`. Found by
    /// walking the window's blocks back from the newest (`block_by_window` is in epoch order,
    /// and a series' blocks are in epoch order too), past the other series' newest blocks.
    static let blockTailSQL = """
        SELECT last_seq, total, last_epoch FROM block WHERE window_id = ?2 AND series_id = ?1
        ORDER BY first_epoch DESC, first_seq DESC LIMIT 1
        """

    /// One segment row, bound value by value: the statement is the connection's cached one,
    /// and no array of `SQLValue`s is built for it (a segment is written per series per
    /// message). Every parameter is bound here, so the old bindings need no clearing first.
    private func insertSegment(
        _ id: Int64, window: Int64, seq: Int64, epoch: Int64, _ op: SeriesSlot.Operation, total: Int64
    ) throws {
        let st = try db.cachedStatement(SegmentRow.insertSQL, keepingBindings: true)
        defer { st.reset() }
        try st.bind(window, at: 1)
        try st.bind(id, at: 2)
        try st.bind(seq, at: 3)
        try st.bind(epoch, at: 4)
        try st.bind(op.prepend ? 1 : 0, at: 5)
        try st.bind(op.values.count, at: 6)
        try st.bind(total, at: 7)
        try st.bind(ValueCodec.encodeValues(op.values), at: 8)
        while try st.step() {}
    }

    /// Copies series `id` with its segments up to epoch `asOf` into a new series of `window`,
    /// written at `epoch` (fork_env). Segments up to an epoch are a prefix of the seqs, so the
    /// copied totals stay right. Returns the new id.
    func copy(_ id: Int64, kind: SeriesSlot.Kind, asOf: Int64, to window: Int64, epoch: Int64) throws -> Int64 {
        let new = try create(window: window, kind: kind, epoch: epoch)
        if try !SealedBlock.of(series: id, asOf: asOf, db).isEmpty {
            // Its blocks' epochs are not the copy's: the copy is one segment, written at `epoch`.
            let values = try SeriesStore(db, asOf: asOf).elements(of: id)
            if !values.isEmpty {
                let n = Int64(values.count)
                try SegmentRow(
                    windowID: window, seriesID: new, seq: 0, epoch: epoch, op: 0, count: n, total: n,
                    data: ValueCodec.encode(values)
                ).insert(db)
            }
            return new
        }
        var rows: [SegmentRow] = []
        try forEachSegment(of: id, asOf: asOf) { g in
            rows.append(
                SegmentRow(
                    windowID: window, seriesID: new, seq: g.seq, epoch: epoch, op: g.op, count: g.count,
                    total: g.total, data: Array(g.data)))
            return true
        }
        for row in rows { try row.insert(db) }
        return new
    }
}
