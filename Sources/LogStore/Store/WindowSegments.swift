/// The values of some series of one window as of an epoch (those a head references), read in
/// ONE pass of the window's index: what a read of the whole window (materialization,
/// downsampling, check) needs. Reading the series one by one walks the window's index once per
/// series, skipping the others' entries: a window of T series and N segments costs T × N
/// entries that way, N this way. The pass starts at the oldest of the series' creation epochs,
/// so the segments of series the window dropped before them (a trace replaced every step) are
/// not walked at all.
///
/// A series' append segments are kept as one buffer, their encoded values back to back (a
/// segment's `data` is its values back to back, so the buffer decodes as the series' appended
/// values in order), not one array per segment: a window of one-point appends holds one
/// segment per point.
///
/// Invariant: `series[id]`, for each requested series of the window created at or before asOf,
/// holds exactly the values of its segments with epoch <= asOf: `appended` those of its sealed
/// blocks (`SealedBlock`) and append segments in seq order, `prepended` those of its prepend segments, one array per segment in
/// seq order, `total` the length after its last segment. There is no entry for any other series.
final class WindowSegments {
    struct Series {
        var appended: [UInt8] = []
        var prepended: [[UInt8]] = []
        var total: Int64 = 0
    }

    private(set) var series: [Int64: Series] = [:]

    private static let seriesSQL = "SELECT series_id, epoch FROM series WHERE window_id = ? AND epoch <= ?"

    static let segmentsSQL =
        "SELECT series_id, op, total, data FROM segment WHERE window_id = ? AND epoch BETWEEN ? AND ? ORDER BY epoch, seq"

    /// The window's sealed blocks visible as of `?2`, each series' in seq order.
    static let blocksSQL =
        "SELECT \(SealedBlock.columns) FROM block WHERE window_id = ?1 AND first_epoch <= ?2 ORDER BY series_id, first_seq"

    /// One pass over window `window`'s rows as of `asOf` for the series in `wanted`: `found`
    /// with each of them created by then (its id and creation epoch); then, if there were any,
    /// `block` with each of their sealed blocks (each series' in seq order, before its
    /// segments), then `segment` with each of their segments from the oldest creation on, in
    /// (epoch, seq) order, a pack row's parts (`SegmentPack`) as segments of their own: its
    /// series, whether it prepends, the series' total after it, and its bytes, lent for the call.
    /// An epoch's segments of one series are all rows or all parts of one pack, so a series'
    /// segments still come in seq order.
    static func pass(
        _ db: Connection, window: Int64, asOf: Int64, series wanted: Set<Int64>,
        found: (_ id: Int64, _ born: Int64) throws -> Void,
        block: (SealedBlock) throws -> Void,
        segment: (_ id: Int64, _ prepends: Bool, _ total: Int64, _ data: UnsafeRawBufferPointer) throws -> Void
    ) throws {
        var read = Set<Int64>()
        var from = Int64.max
        try db.forEach(seriesSQL, [.integer(window), .integer(asOf)]) { st in
            var row = st.columns
            let (id, born) = (row.int64(), row.int64())
            guard wanted.contains(id) else { return }
            read.insert(id)
            from = min(from, born)
            try found(id, born)
        }
        guard !read.isEmpty else { return }
        try db.forEach(blocksSQL, [.integer(window), .integer(asOf)]) { st in
            let sealed = SealedBlock(st)
            if read.contains(sealed.seriesID) { try block(sealed) }
        }
        try db.forEach(segmentsSQL, [.integer(window), .integer(from), .integer(asOf)]) { st in
            var row = st.columns
            let id = row.int64()
            if id == 0 {
                _ = (row.int64(), row.int64())
                try row.withBlob { pack in
                    try SegmentPack.forEach(pack) { part in
                        if read.contains(part.seriesID) {
                            try segment(
                                part.seriesID, false, part.total, UnsafeRawBufferPointer(rebasing: pack[part.values]))
                        }
                        return true
                    }
                }
                return
            }
            guard read.contains(id) else { return }
            let prepends = row.int64() == 1
            let total = row.int64()
            try row.withBlob { try segment(id, prepends, total, $0) }
        }
    }

    init(_ db: Connection, window: Int64, asOf: Int64, series wanted: [Int64]) throws {
        try Self.pass(
            db, window: window, asOf: asOf, series: Set(wanted),
            found: { id, _ in series[id] = Series() },
            block: { block in
                try block.values(asOf: asOf, into: &series[block.seriesID]!.appended)
                series[block.seriesID]!.total = try block.total(asOf: asOf)
            },
            segment: { id, prepends, total, data in
                series[id]!.total = total
                if prepends {
                    series[id]!.prepended.append(Array(data))
                } else {
                    series[id]!.appended.append(contentsOf: data)
                }
            })
    }

    /// The series' length, nil for a series not read here.
    func count(of id: Int64) -> Int? {
        series[id].map { Int($0.total) }
    }

    /// The series' first element (`.some(nil)` when it is empty), nil for a series not read
    /// here. A segment holds no bytes exactly when it holds no values.
    func first(of id: Int64) throws -> JSONValue?? {
        guard let s = series[id] else { return nil }
        let bytes = s.prepended.last { !$0.isEmpty } ?? s.appended
        guard !bytes.isEmpty else { return .some(nil) }
        return .some(try bytes.withUnsafeBytes { try ValueCodec.decodeFirst($0) })
    }

    /// The series' elements: prepends in descending seq, then appends in ascending seq; nil for
    /// a series not read here.
    func elements(of id: Int64) throws -> [JSONValue]? {
        guard let s = series[id] else { return nil }
        var items: [JSONValue] = []
        items.reserveCapacity(Int(s.total))
        for p in s.prepended.reversed() {
            try p.withUnsafeBytes { try ValueCodec.decodeValues($0, into: &items) }
        }
        try s.appended.withUnsafeBytes { try ValueCodec.decodeValues($0, into: &items) }
        return items
    }

    /// The series' values in element order, encoded back to back, when it has no prepends
    /// (`SeriesStore.scan`); nil for a series not read here or one with prepends.
    func appendsOnly(_ id: Int64) -> [UInt8]? {
        guard let s = series[id], s.prepended.isEmpty else { return nil }
        return s.appended
    }

    /// Whether series `id` was read here.
    func holds(_ id: Int64) -> Bool { series[id] != nil }
}
