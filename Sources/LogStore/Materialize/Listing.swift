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
            guard case .object(let content)? = pane["content"], case .array(let traces)? = content["data"] else { return [] }
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

struct Lister {
    let db: Connection
    let asOf: Int64

    var catalog: Catalog { Catalog(db: db, asOf: asOf) }

    func windows(ofEnv env: Int64) throws -> [WindowSummary] {
        let series = SeriesStore(db, asOf: asOf)
        return try catalog.windows(ofEnv: env).map { row in
            guard let head = try catalog.head(row.windowID) else { throw StoreInvariantError("window \(row.wid) has no head") }
            var points = 0
            for source in PointSeries.of(head) {
                switch source {
                case .series(let id): points += try series.count(of: id)
                case .inline(let n): points += n
                }
            }
            var type = head.objectValue?["type"]?.stringValueIfString ?? "?"
            var traces = 0
            if type == "plot", case .object(let content)? = head.objectValue?["content"], case .array(let data)? = content["data"] {
                traces = data.count
                if let t = data.first?.objectValue?["type"]?.stringValueIfString { type = "plot/\(t)" }
            }
            let title = head.objectValue?["title"]?.stringValueIfString ?? ""
            return WindowSummary(id: row.wid, type: type, title: title, traces: traces, points: points,
                                 lastEpoch: try catalog.lastChange(row.windowID))
        }
    }

    func envs() throws -> [EnvSummary] {
        try catalog.envNames().compactMap { name in
            guard let env = try catalog.env(name) else { return nil }
            let windows = try self.windows(ofEnv: env)
            let born = try db.int("SELECT epoch FROM env WHERE env_id = ?", [.integer(env)]) ?? 0
            let bytes = try db.int(
                """
                SELECT coalesce(sum(length(s.data)), 0) FROM segment s JOIN series USING (series_id)
                JOIN window w USING (window_id) WHERE w.env_id = ? AND s.epoch <= ?
                """, [.integer(env), .integer(asOf)]) ?? 0
            return EnvSummary(name: name, windows: windows.count, points: windows.reduce(0) { $0 + $1.points },
                              bytes: bytes, lastEpoch: max(born, windows.map(\.lastEpoch).max() ?? 0))
        }
    }

    /// Points that epochs `after+1 ... asOf` stored: for each window those epochs changed, the
    /// values they added to the window's point series (under every head version in force
    /// during those epochs). Replaced and forked traces count again: they were stored again.
    func pointsAdded(after: Int64) throws -> Int {
        var windows: [Int64] = []
        try db.forEach("SELECT DISTINCT window_id FROM window_change WHERE epoch > ? AND epoch <= ?",
                       [.integer(after), .integer(asOf)]) { windows.append($0.int64(0)) }
        var points = 0
        for window in windows {
            var ids: Set<Int64> = []
            try db.forEach(
                """
                SELECT doc FROM head WHERE window_id = ?1 AND epoch <= ?3 AND epoch >= coalesce(
                  (SELECT max(epoch) FROM head WHERE window_id = ?1 AND epoch <= ?2), 0)
                """, [.integer(window), .integer(after), .integer(asOf)]) { st in
                let head = try st.withBlob(0) { try ValueCodec.decodePane($0) }
                for case .series(let id) in PointSeries.of(head) { ids.insert(id) }
            }
            for id in ids {
                points += Int(try db.int(
                    "SELECT coalesce(sum(count), 0) FROM segment WHERE series_id = ? AND epoch > ? AND epoch <= ?",
                    [.integer(id), .integer(after), .integer(asOf)]) ?? 0)
            }
        }
        return points
    }
}

extension LogStore {
    /// Every env with its window count, points, bytes and last epoch (as of `asOf`).
    public func listEnvs(asOf: Int64? = nil) throws(LogStoreError) -> [EnvSummary] {
        try read(asOf: asOf) { db, bound in try Lister(db: db, asOf: bound).envs() }
    }

    /// The windows of env `name` in visdom's order.
    public func listWindows(env name: String, asOf: Int64? = nil) throws(LogStoreError) -> [WindowSummary] {
        try read(asOf: asOf) { db, bound in
            let lister = Lister(db: db, asOf: bound)
            guard let env = try lister.catalog.env(name) else { throw LogStoreError.noSuchEnv(name) }
            return try lister.windows(ofEnv: env)
        }
    }

    /// Points (as `EnvSummary` counts them) that the epochs after `epoch` stored, up to the
    /// newest: what an import or a follow batch that started at `epoch` added.
    public func pointsAdded(sinceEpoch epoch: Int64) throws(LogStoreError) -> Int {
        try read(asOf: nil) { db, bound in try Lister(db: db, asOf: bound).pointsAdded(after: epoch) }
    }
}
