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

    /// The summaries of the `alive` windows (by ascending id), in visdom's order per env.
    /// Two scans merged here (the newest `window_change` per window, the newest head per
    /// window) rather than lookups per window, which are mostly SQLite seeking
    /// (Benchmarks/README.md, "open + listEnvs"). `segmentChange` gives the epoch of a
    /// window's newest segment (as of `asOf`), the third part of its last change.
    private func summaries(
        of alive: [ListingScans.AliveWindow], count: (Int64) throws -> Int, segmentChange: (Int64) -> Int64
    ) throws -> [Int64: [WindowSummary]] {

        // Rows come by ascending window id: `i` walks `alive` forwards.
        var i = 0
        var lastChange = [Int64](repeating: 0, count: alive.count)
        try scans.forEachNewestChange { window, epoch in
            while i < alive.count && alive[i].id < window { i += 1 }
            if i < alive.count && alive[i].id == window { lastChange[i] = epoch }
        }
        // Heads come by descending window id: `j` walks `alive` backwards.
        var j = alive.count - 1
        var summaries = [WindowSummary?](repeating: nil, count: alive.count)
        try scans.forEachNewestHeadDescending { window, epoch, doc in
            while j >= 0 && alive[j].id > window { j -= 1 }
            guard j >= 0 && alive[j].id == window else { return }
            let change = max(lastChange[j], epoch, segmentChange(alive[j].id))
            summaries[j] = try summary(alive[j].wid, head: doc, lastChange: change, count: count)
        }

        var byEnv: [Int64: [(slot: Int64, summary: WindowSummary)]] = [:]
        for (i, w) in alive.enumerated() {
            guard let s = summaries[i] else { throw StoreInvariantError("window \(w.wid) has no head") }
            byEnv[w.env, default: []].append((w.slot, s))
        }
        return byEnv.mapValues { $0.sorted { $0.slot < $1.slot }.map(\.summary) }
    }

    /// Every alive env, sorted by name, from one pass over each of env, window (with each
    /// window's head and last change) and segment.
    func envs() throws -> [EnvSummary] {
        // Alive envs by name. Names are unique among alive envs; were they not, each row of a
        // name would summarize the newest incarnation, as `catalog.env(name)` picks it.
        let named = try scans.aliveEnvs()
        var newest: [ExactKey: (env: Int64, born: Int64)] = [:]
        for row in named where (newest[ExactKey(row.name)]?.env ?? .min) < row.id {
            newest[ExactKey(row.name)] = (row.id, row.born)
        }
        // Env ids are rowids (1 ... max, never negative), so arrays indexed by id hold the
        // figures per env, per window and per series: hashing 40,000 ids cost more than
        // reading the heads.
        var isAliveEnv = [Bool](repeating: false, count: Int(max(0, named.map(\.id).max() ?? 0)) + 1)
        for row in named where row.id >= 0 { isAliveEnv[Int(row.id)] = true }
        let windows = try scans.windows(aliveIn: { $0 >= 0 && $0 < isAliveEnv.count && isAliveEnv[Int($0)] })

        // Per series: its last segment, whose total is the series' length. Rows come in rowid
        // order, which `compact` may make differ from seq order, so the last segment is the
        // one with the greatest seq. Per window: the epoch of its newest segment. Per env: the
        // bytes of the segments of every window incarnation it ever had.
        struct SeriesTail {
            var seq: Int64 = -1
            var total: Int64 = 0
        }
        var tails = [SeriesTail](repeating: SeriesTail(), count: Int(max(0, try scans.highestSeriesID())) + 1)
        var segmentChange = [Int64](repeating: 0, count: windows.envOf.count)
        var envBytes = [Int64](repeating: 0, count: Int(max(0, windows.envOf.max() ?? 0)) + 1)
        // Segments, then sealed blocks: a series' blocks come before its segments (a lower
        // seq); a block only part of which is visible is the series' last visible row.
        try scans.forEachSeriesRun { run in
            let id = Int(run.seriesID)
            guard id >= 0 else { throw StoreInvariantError("segment of series \(id)") }
            // A series id past the series table's (a dangling row) still counts.
            if id >= tails.count { tails.append(contentsOf: repeatElement(SeriesTail(), count: id + 1 - tails.count)) }
            if run.seq > tails[id].seq { (tails[id].seq, tails[id].total) = (run.seq, run.total) }
            // A row of a window no window row has (a dangling row) changes no summary.
            guard let env = windows.env(of: run.window) else { return }
            segmentChange[Int(run.window)] = max(segmentChange[Int(run.window)], run.epoch)
            envBytes[Int(env)] += run.bytes
        }
        func length(_ id: Int64) -> Int { id >= 0 && id < tails.count ? Int(tails[Int(id)].total) : 0 }

        let summaries = try summaries(of: windows.alive, count: length) { id in
            id >= 0 && id < segmentChange.count ? segmentChange[Int(id)] : 0
        }
        return named.map { row in
            let (env, born) = newest[ExactKey(row.name)]!
            let list = summaries[env] ?? []
            return EnvSummary(
                name: row.name, windows: list.count, points: list.reduce(0) { $0 + $1.points },
                bytes: env >= 0 && env < envBytes.count ? envBytes[Int(env)] : 0,
                lastEpoch: max(born, list.map(\.lastEpoch).max() ?? 0))
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
