/// Summaries for listings (`logstore ls`) and import reports: computed from heads and segment
/// totals, never by reading points.
///
/// **Points.** A window's points are the sum of its traces' points, where a trace counts each
/// of its points once (not once per coordinate):
/// - a heatmap trace: the rows of `z` (a row is one `/update` append; cells would need the
///   rows' values, and a listing never reads values);
/// - any other trace: the length of `y`, else of `x`, else of `z` (surfaces);
/// - an `image_history` pane: its images;
/// - every other pane (text, image, properties, …): none.
/// `marker.color` never counts: it styles points that `x`/`y` already counted.
public struct EnvSummary: Sendable, Equatable {
    public let name: String
    public let windows: Int
    /// Points of the env's windows (see the type's comment for what a point is).
    public let points: Int
    /// Bytes of packed series data the env's windows hold.
    public let bytes: Int64
    /// The last epoch that created the env or changed one of its windows.
    public let lastEpoch: Int64
}

public struct WindowSummary: Sendable, Equatable {
    public let id: String
    /// visdom's pane type (`plot`, `text`, `image_history`, …); for plots, `plot/` and the
    /// first trace's type.
    public let type: String
    public let title: String
    public let traces: Int
    /// Points, as `EnvSummary` defines them.
    public let points: Int
    public let lastEpoch: Int64
}

/// The series of a head that hold points, one per trace (or the image list): the rule in
/// `EnvSummary`'s comment, applied to a head. Inline arrays (a head written before its arrays
/// became series) count by their length.
enum PointSeries {
    enum Source: Equatable {
        case series(Int64)
        case inline(Int)
    }

    static func of(_ head: PaneValue) -> [Source] {
        guard case .object(let pane) = head, case .string(let type)? = pane["type"] else { return [] }
        switch type {
        case "image_history":
            return source(pane["content"]).map { [$0] } ?? []
        case "plot":
            guard case .object(let content)? = pane["content"], case .array(let traces)? = content["data"] else {
                return []
            }
            return traces.compactMap { trace in
                guard case .object(let t) = trace else { return nil }
                if case .string("heatmap")? = t["type"] { return source(t["z"]) }
                return source(t["y"]) ?? source(t["x"]) ?? source(t["z"])
            }
        default:
            return []
        }
    }

    private static func source(_ v: PaneValue?) -> Source? {
        switch v {
        case .series(let slot)? where slot.kind == .list: return .series(slot.id)
        case .array(let a)?: return .inline(a.count)
        default: return nil
        }
    }
}

/// What a listing needs from a head (its type, title, traces and point series), read from
/// the head's encoded bytes without building the pane: decoding whole heads was more than half
/// of a listing's time. Equal, field by field, to what `WindowSummary` and `PointSeries.of`
/// compute from the decoded head (`ListingTests` compares the two on every head it lists):
/// keys are matched by their bytes, as `PyDict` matches them, and a repeated key keeps its last
/// value, as decoding into a `PyDict` does.
struct HeadFacts {
    /// The pane's `type`, if it is a string.
    var type: String?
    /// The pane's `title`, if it is a string.
    var title: String?
    /// The pane's `content` read as one point source (an image history's images).
    var contentSource: PointSeries.Source?
    /// The traces of `content.data`, if `content` is an object whose `data` is an array.
    var traces: [Trace]?

    struct Trace {
        /// False for an element of `data` that is not an object.
        var isObject = false
        var type: String?
        var x, y, z: PointSeries.Source?
    }

    init(_ bytes: UnsafeRawBufferPointer) throws {
        var r = ValueCodec.Reader(bytes)
        try r.forEachEntry { key, r in
            if Self.equal(key, "type") {
                type = try r.pane().stringValueIfString
            } else if Self.equal(key, "title") {
                title = try r.pane().stringValueIfString
            } else if Self.equal(key, "content") {
                contentSource = nil
                traces = nil
                if r.nextTag == .object {
                    try r.forEachEntry { key, r in
                        guard Self.equal(key, "data") else { return try r.skip() }
                        traces = nil
                        guard r.nextTag == .array else { return try r.skip() }
                        var list: [Trace] = []
                        try r.forEachElement { r in list.append(try Self.trace(&r)) }
                        traces = list
                    }
                } else {
                    contentSource = try Self.source(&r)
                }
            } else {
                try r.skip()
            }
        }
    }

    /// The summary's type: the pane's type (`?` if it has none), for plots `plot/` and the
    /// first trace's type.
    var summaryType: String {
        let type = self.type ?? "?"
        if type == "plot", let traces, let t = traces.first?.type { return "plot/\(t)" }
        return type
    }

    /// Traces as `WindowSummary.traces` counts them: those of a plot's `content.data`.
    var traceCount: Int { type == "plot" ? traces?.count ?? 0 : 0 }

    /// `PointSeries.of(head)`.
    var pointSources: [PointSeries.Source] {
        switch type {
        case "image_history"?:
            return contentSource.map { [$0] } ?? []
        case "plot"?:
            return (traces ?? []).compactMap { t in
                guard t.isObject else { return nil }
                if t.type == "heatmap" { return t.z }
                return t.y ?? t.x ?? t.z
            }
        default:
            return []
        }
    }

    private static func trace(_ r: inout ValueCodec.Reader) throws -> Trace {
        var t = Trace()
        guard r.nextTag == .object else {
            try r.skip()
            return t
        }
        t.isObject = true
        try r.forEachEntry { key, r in
            if equal(key, "type") {
                t.type = try r.pane().stringValueIfString
            } else if equal(key, "x") {
                t.x = try source(&r)
            } else if equal(key, "y") {
                t.y = try source(&r)
            } else if equal(key, "z") {
                t.z = try source(&r)
            } else {
                try r.skip()
            }
        }
        return t
    }

    /// A value as a point source: a list series, or an inline array counted by its length.
    private static func source(_ r: inout ValueCodec.Reader) throws -> PointSeries.Source? {
        switch r.nextTag {
        case .series:
            guard case .series(let slot) = try r.pane(), slot.kind == .list else { return nil }
            return .series(slot.id)
        case .array:
            var n = 0
            try r.forEachElement { r in
                n += 1
                try r.skip()
            }
            return .inline(n)
        default:
            try r.skip()
            return nil
        }
    }

    @inline(__always)
    private static func equal(_ key: UnsafeRawBufferPointer, _ name: StaticString) -> Bool {
        guard key.count == name.utf8CodeUnitCount else { return false }
        for i in 0..<key.count where key[i] != name.utf8Start[i] { return false }
        return true
    }
}

/// Summaries computed with a few statements for a whole listing, not a few per window.
///
/// Invariant: every summary equals the one computed from the window's decoded head (as of
/// `asOf`), its point series' last segments (epoch <= asOf) and its last change as of `asOf`
/// (`Catalog.lastChange`); an env's bytes are the lengths of the segments (epoch <= asOf) of every
/// window incarnation the env ever had, closed ones included.
struct Lister {
    let db: Connection
    let asOf: Int64

    var catalog: Catalog { Catalog(db: db, asOf: asOf) }

    /// The summary of an alive window from its head's bytes and its last change;
    /// `count` gives a point series' length as of `asOf`.
    private func summary(
        _ wid: String, head bytes: UnsafeRawBufferPointer, lastChange: Int64,
        count: (Int64) throws -> Int
    ) throws -> WindowSummary {
        let head = try HeadFacts(bytes)
        var points = 0
        for source in head.pointSources {
            switch source {
            case .series(let id): points += try count(id)
            case .inline(let n): points += n
            }
        }
        return WindowSummary(
            id: wid, type: head.summaryType, title: head.title ?? "", traces: head.traceCount, points: points,
            lastEpoch: lastChange)
    }

    /// The env's windows in visdom's order (by slot: slots are unique among an env's alive
    /// windows), each head and last change found by one lookup per window and each point
    /// series counted by one lookup: an env's windows, not the store's.
    func windows(ofEnv env: Int64) throws -> [WindowSummary] {
        let series = SeriesStore(db, asOf: asOf)
        var rows: [(slot: Int64, summary: WindowSummary)] = []
        try db.forEach(
            """
            SELECT w.slot, w.wid,
              (SELECT doc FROM head h WHERE h.window_id = w.window_id AND h.epoch <= ?1 ORDER BY h.epoch DESC LIMIT 1),
              \(Catalog.lastChange(window: "w.window_id", asOf: "?1"))
            FROM window w WHERE w.env_id = ?2 AND \(AliveAsOf.window("w", asOf: "?1"))
            """, [.integer(asOf), .integer(env)]
        ) { st in
            let wid = st.text(1)
            if st.isNull(2) { throw StoreInvariantError("window \(wid) has no head") }
            let summary = try st.withBlob(2) {
                try self.summary(
                    wid, head: $0, lastChange: st.isNull(3) ? 0 : st.int64(3), count: { try series.count(of: $0) })
            }
            rows.append((st.int64(0), summary))
        }
        return rows.sorted { $0.slot < $1.slot }.map(\.summary)
    }

    /// The alive windows of every alive env, in visdom's order per env. Three scans in
    /// window_id order merged here (the alive windows, the newest head and the newest
    /// `window_change` per window) rather than lookups per window, which are mostly SQLite
    /// seeking (Benchmarks/README.md, the listEnvs row of "Engine changes made while
    /// measuring"). `segmentChange` gives the epoch of a window's newest segment (as of
    /// `asOf`), the third part of its last change.
    private func allWindows(count: (Int64) throws -> Int, segmentChange: (Int64) -> Int64) throws -> [Int64:
        [WindowSummary]]
    {
        var alive: [(id: Int64, env: Int64, slot: Int64, wid: String)] = []
        try db.forEach(
            """
            SELECT window_id, env_id, slot, wid FROM window w WHERE \(AliveAsOf.window("w", asOf: "?1"))
              AND env_id IN (SELECT env_id FROM env WHERE \(AliveAsOf.env("env", asOf: "?1")))
            ORDER BY window_id
            """, [.integer(asOf)]
        ) { alive.append(($0.int64(0), $0.int64(1), $0.int64(2), $0.text(3))) }

        /// Calls `body` with the index in `alive` of each row's window (column 0), skipping rows
        /// of windows that are not alive. Rows must come in ascending window_id.
        func merge(_ sql: String, _ body: (Int, Statement) throws -> Void) throws {
            var i = 0
            try db.forEach(sql, [.integer(asOf)]) { st in
                let id = st.int64(0)
                while i < alive.count && alive[i].id < id { i += 1 }
                if i < alive.count && alive[i].id == id { try body(i, st) }
            }
        }
        var lastChange = [Int64](repeating: 0, count: alive.count)
        try merge(
            "SELECT window_id, max(epoch) FROM window_change WHERE epoch <= ? GROUP BY window_id ORDER BY window_id"
        ) {
            lastChange[$0] = $1.int64(1)
        }
        // With one max() in the query, SQLite takes the bare column `doc` from the row holding
        // the max (https://sqlite.org/lang_select.html#bare_columns_in_an_aggregate_query).
        var summaries = [WindowSummary?](repeating: nil, count: alive.count)
        try merge("SELECT window_id, max(epoch), doc FROM head WHERE epoch <= ? GROUP BY window_id ORDER BY window_id")
        { i, st in
            let change = max(lastChange[i], st.int64(1), segmentChange(alive[i].id))
            summaries[i] = try st.withBlob(2) { try summary(alive[i].wid, head: $0, lastChange: change, count: count) }
        }

        var byEnv: [Int64: [(slot: Int64, summary: WindowSummary)]] = [:]
        for (i, w) in alive.enumerated() {
            guard let s = summaries[i] else { throw StoreInvariantError("window \(w.wid) has no head") }
            byEnv[w.env, default: []].append((w.slot, s))
        }
        return byEnv.mapValues { $0.sorted { $0.slot < $1.slot }.map(\.summary) }
    }

    /// Every alive env, sorted by name, from one pass over each of env, window (with each
    /// window's head and last change), segment and series.
    func envs() throws -> [EnvSummary] {
        // Alive envs by name. Names are unique among alive envs; were they not, each row of a
        // name would summarize the newest incarnation, as `catalog.env(name)` picks it.
        var named: [(name: String, env: Int64, born: Int64)] = []
        try db.forEach(
            """
            SELECT name, env_id, epoch FROM env WHERE \(AliveAsOf.env("env", asOf: "?1")) ORDER BY name
            """, [.integer(asOf)]
        ) { named.append(($0.text(0), $0.int64(1), $0.int64(2))) }
        var newest: [ExactKey: (env: Int64, born: Int64)] = [:]
        for row in named where (newest[ExactKey(row.name)]?.env ?? .min) < row.env {
            newest[ExactKey(row.name)] = (row.env, row.born)
        }

        // Per series: its last segment (whose total is the series' length) and the bytes of
        // all its segments. Rows come in rowid order, which `compact` may make differ from seq
        // order, so the last segment is the one with the greatest seq. Series ids are rowids
        // (1 ... max, never negative: SQLite assigns them), so an array indexed by id holds the
        // figures; hashing 40,000 ids cost more than reading the heads.
        struct SeriesStats {
            var seq: Int64 = -1
            var total: Int64 = 0
            var bytes: Int64 = 0
            /// The epoch of the last segment (the one with the greatest seq).
            var epoch: Int64 = 0
        }
        let (lowest, highest) =
            try db.one(
                "SELECT min(id), max(id) FROM (SELECT min(series_id) AS id FROM segment UNION ALL SELECT max(series_id) FROM segment UNION ALL SELECT min(series_id) FROM block UNION ALL SELECT max(series_id) FROM block)",
                []
            ) {
                ($0.int64(0), $0.int64(1))
            } ?? (0, 0)
        guard lowest >= 0 else { throw StoreInvariantError("segment of series \(lowest)") }
        var stats = [SeriesStats](repeating: SeriesStats(), count: Int(highest) + 1)
        try db.forEach(
            "SELECT series_id, seq, total, length(data), epoch FROM segment WHERE epoch <= ?", [.integer(asOf)]
        ) { st in
            let id = Int(st.int64(0))
            let seq = st.int64(1)
            if seq > stats[id].seq {
                (stats[id].seq, stats[id].total, stats[id].epoch) = (seq, st.int64(2), st.int64(4))
            }
            stats[id].bytes += st.int64(3)
        }
        // Sealed blocks: a series' blocks come before its segments (a lower seq); a block only
        // part of which is visible is the series' last visible row.
        try db.forEach(
            """
            SELECT series_id, last_seq, total - count + logstore_block_count(epochs, first_epoch, first_epoch, ?1),
              length(data) + length(epochs), CASE WHEN last_epoch <= ?1 THEN last_epoch ELSE logstore_block_last(epochs, first_epoch, ?1) END
            FROM block WHERE first_epoch <= ?1
            """, [.integer(asOf)]
        ) { st in
            let id = Int(st.int64(0))
            let seq = st.int64(1)
            if seq > stats[id].seq {
                (stats[id].seq, stats[id].total, stats[id].epoch) = (seq, st.int64(2), st.int64(4))
            }
            stats[id].bytes += st.int64(3)
        }
        func length(_ id: Int64) -> Int { id >= 0 && id < stats.count ? Int(stats[Int(id)].total) : 0 }

        // Bytes per env: its series' bytes, whatever became of their windows. Series rows come
        // by id, so one env's series mostly come together: add them up before touching the table.
        // And per window (ids are rowids too), the epoch of its newest segment.
        var envBytes: [Int64: Int64] = [:]
        var run: (env: Int64, bytes: Int64)?
        let windowCount = Int(try db.int("SELECT max(window_id) FROM window", []) ?? 0) + 1
        var segmentChange = [Int64](repeating: 0, count: max(windowCount, 0))
        try db.forEach("SELECT s.series_id, w.env_id, w.window_id FROM series s JOIN window w USING (window_id)", []) {
            st in
            let id = st.int64(0)
            let env = st.int64(1)
            let window = Int(st.int64(2))
            let known = id >= 0 && id < stats.count
            let bytes = known ? stats[Int(id)].bytes : 0
            if known && window >= 0 && window < segmentChange.count {
                segmentChange[window] = max(segmentChange[window], stats[Int(id)].epoch)
            }
            if run?.env == env {
                run!.bytes += bytes
            } else {
                if let run { envBytes[run.env, default: 0] += run.bytes }
                run = (env, bytes)
            }
        }
        if let run { envBytes[run.env, default: 0] += run.bytes }

        let windows = try allWindows(count: length) { id in
            id >= 0 && id < segmentChange.count ? segmentChange[Int(id)] : 0
        }
        return named.map { row in
            let (env, born) = newest[ExactKey(row.name)]!
            let list = windows[env] ?? []
            return EnvSummary(
                name: row.name, windows: list.count, points: list.reduce(0) { $0 + $1.points },
                bytes: envBytes[env] ?? 0, lastEpoch: max(born, list.map(\.lastEpoch).max() ?? 0))
        }
    }

    /// See `LogStore.pointsKept(writtenIn:)`: for each window the epochs in `ranges` changed
    /// that is alive now, the values of its current point series written in those epochs.
    func pointsKept(writtenIn ranges: [ClosedRange<Int64>]) throws -> Int {
        guard let low = ranges.map(\.lowerBound).min(), let high = ranges.map(\.upperBound).max() else { return 0 }
        var windows = Set<Int64>()
        for r in ranges {
            windows.formUnion(try Catalog(db: db, asOf: r.upperBound).windowsChanged(after: r.lowerBound - 1))
        }
        var points = 0
        for window in windows.sorted() {
            let alive =
                try db.int(
                    """
                    SELECT count(*) FROM window w WHERE w.window_id = ?1 AND \(AliveAsOf.window("w", asOf: "?2"))
                      AND \(AliveAsOf.envNotEnded("w.env_id", asOf: "?2"))
                    """, [.integer(window), .integer(asOf)]) ?? 0
            guard alive > 0, let head = try catalog.head(window) else { continue }
            var ids: Set<Int64> = []
            for case .series(let id) in PointSeries.of(head) { ids.insert(id) }
            guard !ids.isEmpty else { continue }
            try db.forEach(
                "SELECT series_id, epoch, count FROM segment WHERE window_id = ? AND epoch >= ? AND epoch <= ?",
                [.integer(window), .integer(low), .integer(high)]
            ) { st in
                let epoch = st.int64(1)
                if ids.contains(st.int64(0)), ranges.contains(where: { $0.contains(epoch) }) {
                    points += Int(st.int64(2))
                }
            }
            try db.forEach(
                "SELECT \(SealedBlock.columns) FROM block WHERE window_id = ? AND first_epoch <= ? AND last_epoch >= ?",
                [.integer(window), .integer(high), .integer(low)]
            ) { st in
                let block = SealedBlock(st)
                guard ids.contains(block.seriesID) else { return }
                for segment in try block.segments() where ranges.contains(where: { $0.contains(segment.epoch) }) {
                    points += Int(segment.count)
                }
            }
        }
        return points
    }

    /// Points that epochs `after+1 ... asOf` stored: for each window those epochs changed, the
    /// values they added to the window's point series (under every head version in force
    /// during those epochs). Replaced and forked traces count again: they were stored again.
    func pointsAdded(after: Int64) throws -> Int {
        var points = 0
        for window in try catalog.windowsChanged(after: after) {
            var ids: Set<Int64> = []
            try db.forEach(
                """
                SELECT doc FROM head WHERE window_id = ?1 AND epoch <= ?3 AND epoch >= coalesce(
                  (SELECT max(epoch) FROM head WHERE window_id = ?1 AND epoch <= ?2), 0)
                """, [.integer(window), .integer(after), .integer(asOf)]
            ) { st in
                let head = try st.withBlob(0) { try ValueCodec.decodePane($0) }
                for case .series(let id) in PointSeries.of(head) { ids.insert(id) }
            }
            try db.forEach(
                "SELECT series_id, count FROM segment WHERE window_id = ? AND epoch > ? AND epoch <= ?",
                [.integer(window), .integer(after), .integer(asOf)]
            ) { st in
                if ids.contains(st.int64(0)) { points += Int(st.int64(1)) }
            }
            try db.forEach(
                """
                SELECT series_id, logstore_block_count(epochs, first_epoch, ?2 + 1, ?3) FROM block
                WHERE window_id = ?1 AND first_epoch <= ?3 AND last_epoch > ?2
                """, [.integer(window), .integer(after), .integer(asOf)]
            ) { st in
                if ids.contains(st.int64(0)) { points += Int(st.int64(1)) }
            }
        }
        return points
    }
}
