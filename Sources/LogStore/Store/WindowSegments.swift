/// The segments of some series of one window as of an epoch (those a head references), read
/// in ONE pass of the window's index and grouped by series: what a read of the whole window
/// (materialization, downsampling, check) needs. Reading the series one by one walks the
/// window's index once per series, skipping the others' entries: a window of T series and N
/// segments costs T × N entries that way, N this way. The pass starts at the oldest of the
/// series' creation epochs, so the segments of series the window dropped before them (a trace
/// replaced every step) are not walked at all.
///
/// Invariant: `series[id]`, for each requested series of the window created at or before asOf,
/// holds exactly its segments with epoch <= asOf in (epoch, seq) order, which is seq order;
/// there is no entry for any other series.
final class WindowSegments {
    struct Segment {
        /// op 1: prepended at the front (heatmap prependRow); op 0: appended.
        let prepend: Bool
        let count: Int64
        /// The series length after this segment.
        let total: Int64
        let data: [UInt8]
    }

    private(set) var series: [Int64: [Segment]] = [:]

    static let segmentsSQL =
        "SELECT series_id, op, count, total, data FROM segment WHERE window_id = ? AND epoch BETWEEN ? AND ? ORDER BY epoch, seq"

    init(_ db: Connection, window: Int64, asOf: Int64, series wanted: [Int64]) throws {
        let wanted = Set(wanted)
        var from = Int64.max
        try db.forEach("SELECT series_id, epoch FROM series WHERE window_id = ? AND epoch <= ?", [.integer(window), .integer(asOf)]) {
            let (id, born) = ($0.int64(0), $0.int64(1))
            if wanted.contains(id) {
                series[id] = []
                from = min(from, born)
            }
        }
        guard !series.isEmpty else { return }
        try db.forEach(Self.segmentsSQL, [.integer(window), .integer(from), .integer(asOf)]
        ) { st in
            let id = st.int64(0)
            guard series[id] != nil else { return }
            series[id]!.append(Segment(prepend: st.int64(1) == 1, count: st.int64(2), total: st.int64(3), data: st.blob(4)))
        }
    }

    /// The series' length, nil for a series not read here.
    func count(of id: Int64) -> Int? {
        series[id].map { Int($0.last?.total ?? 0) }
    }

    /// The series' first element (`.some(nil)` when it is empty), nil for a series not read
    /// here.
    func first(of id: Int64) throws -> JSONValue?? {
        guard let segments = series[id] else { return nil }
        let first = segments.last { $0.prepend && $0.count > 0 } ?? segments.first { !$0.prepend && $0.count > 0 }
        guard let first else { return .some(nil) }
        return .some(try first.data.withUnsafeBytes { try ValueCodec.decodeFirst($0) })
    }

    /// The series' elements: prepends in descending seq, then appends in ascending seq; nil for
    /// a series not read here.
    func elements(of id: Int64) throws -> [JSONValue]? {
        guard let segments = series[id] else { return nil }
        var items: [JSONValue] = []
        items.reserveCapacity(Int(segments.last?.total ?? 0))
        for s in segments.reversed() where s.prepend {
            try s.data.withUnsafeBytes { try ValueCodec.decodeValues($0, into: &items) }
        }
        for s in segments where !s.prepend {
            try s.data.withUnsafeBytes { try ValueCodec.decodeValues($0, into: &items) }
        }
        return items
    }

    /// The segments of series `id` in element order when it has no prepends (`SeriesStore.scan`);
    /// nil for a series not read here or one with prepends.
    func appendsOnly(_ id: Int64) -> [Segment]? {
        guard let segments = series[id], !segments.contains(where: \.prepend) else { return nil }
        return segments
    }

    /// Whether series `id` was read here.
    func holds(_ id: Int64) -> Bool { series[id] != nil }
}
