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
    var scans: ListingScans { ListingScans(db: db, asOf: asOf) }

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
        try scans.forEachWindow(ofEnv: env) { slot, wid, head, lastChange in
            guard let head else { throw StoreInvariantError("window \(wid) has no head") }
            let summary = try self.summary(
                wid, head: head, lastChange: lastChange, count: { try series.count(of: $0) })
            rows.append((slot, summary))
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
        let alive = try scans.aliveWindows()

        /// The index in `alive` of the window `id` of a scan's row, nil for a window that is
        /// not alive. Rows must come in ascending window_id.
        var i = 0
        func position(_ id: Int64) -> Int? {
            while i < alive.count && alive[i].id < id { i += 1 }
            return i < alive.count && alive[i].id == id ? i : nil
        }
        var lastChange = [Int64](repeating: 0, count: alive.count)
        try scans.forEachNewestChange { window, epoch in
            if let i = position(window) { lastChange[i] = epoch }
        }
        i = 0
        var summaries = [WindowSummary?](repeating: nil, count: alive.count)
        try scans.forEachNewestHead { window, epoch, doc in
            guard let i = position(window) else { return }
            let change = max(lastChange[i], epoch, segmentChange(alive[i].id))
            summaries[i] = try summary(alive[i].wid, head: doc, lastChange: change, count: count)
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
        let named = try scans.aliveEnvs()
        var newest: [ExactKey: (env: Int64, born: Int64)] = [:]
        for row in named where (newest[ExactKey(row.name)]?.env ?? .min) < row.id {
            newest[ExactKey(row.name)] = (row.id, row.born)
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
        var stats = [SeriesStats](repeating: SeriesStats(), count: Int(max(0, try scans.highestSeriesID())) + 1)
        // Segments, then sealed blocks: a series' blocks come before its segments (a lower
        // seq); a block only part of which is visible is the series' last visible row.
        try scans.forEachSeriesRun { run in
            let id = Int(run.seriesID)
            guard id >= 0 else { throw StoreInvariantError("segment of series \(id)") }
            // A series id past the series table's (a dangling row) still counts.
            if id >= stats.count { stats.append(contentsOf: repeatElement(SeriesStats(), count: id + 1 - stats.count)) }
            if run.seq > stats[id].seq {
                (stats[id].seq, stats[id].total, stats[id].epoch) = (run.seq, run.total, run.epoch)
            }
            stats[id].bytes += run.bytes
        }
        func length(_ id: Int64) -> Int { id >= 0 && id < stats.count ? Int(stats[Int(id)].total) : 0 }

        // Bytes per env: its series' bytes, whatever became of their windows. Series rows come
        // by id, so one env's series mostly come together: add them up before touching the table.
        // And per window (ids are rowids too), the epoch of its newest segment.
        var envBytes: [Int64: Int64] = [:]
        var run: (env: Int64, bytes: Int64)?
        let windowCount = Int(try scans.highestWindowID()) + 1
        var segmentChange = [Int64](repeating: 0, count: max(windowCount, 0))
        try scans.forEachSeriesOwner { id, env, window64 in
            let window = Int(window64)
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
            guard try scans.isAlive(window: window), let head = try catalog.head(window) else { continue }
            var ids: Set<Int64> = []
            for case .series(let id) in PointSeries.of(head) { ids.insert(id) }
            guard !ids.isEmpty else { continue }
            let history = WindowHistory(db: db, window: window)
            for segment in try history.segments(from: low, through: high)
            where ids.contains(segment.seriesID) && ranges.contains(where: { $0.contains(segment.epoch) }) {
                points += Int(segment.count)
            }
            for block in try history.blocks(from: low, through: high) where ids.contains(block.seriesID) {
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
        guard after < asOf else { return 0 }
        var points = 0
        for window in try catalog.windowsChanged(after: after) {
            let history = WindowHistory(db: db, window: window)
            var ids: Set<Int64> = []
            try history.forEachHead(inForceFrom: after, through: asOf) { _, doc in
                for case .series(let id) in PointSeries.of(try ValueCodec.decodePane(doc)) { ids.insert(id) }
            }
            for segment in try history.segments(from: after + 1, through: asOf) where ids.contains(segment.seriesID) {
                points += Int(segment.count)
            }
            for block in try history.blockCounts(from: after + 1, through: asOf) where ids.contains(block.seriesID) {
                points += Int(block.count)
            }
        }
        return points
    }
}
