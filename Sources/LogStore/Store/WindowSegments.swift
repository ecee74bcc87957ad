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

    static let segmentsSQL =
        "SELECT series_id, op, total, data FROM segment WHERE window_id = ? AND epoch BETWEEN ? AND ? ORDER BY epoch, seq"

    /// The window's sealed blocks visible as of `?2`, each series' in seq order.
    static let blocksSQL =
        "SELECT \(SealedBlock.columns) FROM block WHERE window_id = ?1 AND first_epoch <= ?2 ORDER BY series_id, first_seq"

    init(_ db: Connection, window: Int64, asOf: Int64, series wanted: [Int64]) throws {
        let wanted = Set(wanted)
        var from = Int64.max
        try db.forEach(
            "SELECT series_id, epoch FROM series WHERE window_id = ? AND epoch <= ?",
            [.integer(window), .integer(asOf)]
        ) {
            let (id, born) = ($0.int64(0), $0.int64(1))
            if wanted.contains(id) {
                series[id] = Series()
                from = min(from, born)
            }
        }
        guard !series.isEmpty else { return }
        // Sealed blocks come before a series' segments (and after none of its appends).
        try db.forEach(Self.blocksSQL, [.integer(window), .integer(asOf)]) { st in
            let block = SealedBlock(st)
            guard series[block.seriesID] != nil else { return }
            try block.values(asOf: asOf, into: &series[block.seriesID]!.appended)
            series[block.seriesID]!.total = try block.total(asOf: asOf)
        }
        try db.forEach(Self.segmentsSQL, [.integer(window), .integer(from), .integer(asOf)]) { st in
            let id = st.int64(0)
            guard series[id] != nil else { return }
            series[id]!.total = st.int64(2)
            if st.int64(1) == 1 {
                series[id]!.prepended.append(st.blob(3))
            } else {
                st.withBlob(3) { series[id]!.appended.append(contentsOf: $0) }
            }
        }
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
