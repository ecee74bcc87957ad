/// Summaries for listings (`logstore ls`): computed from heads and segment totals, never by
/// reading points.
public struct EnvSummary: Sendable, Equatable {
    public let name: String
    public let windows: Int
    /// Elements in the windows' list series (trace values, heatmap rows, images).
    public let points: Int
    /// Bytes of packed series data the env's windows hold.
    public let bytes: Int64
    /// The last epoch that created the env or changed one of its windows.
    public let lastEpoch: Int64
}

public struct WindowSummary: Sendable, Equatable {
    public let id: String
    /// visdom's pane type (`plot`, `text`, `image_history`, …); for plots, the first trace's type.
    public let type: String
    public let title: String
    public let traces: Int
    public let points: Int
    public let lastEpoch: Int64
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
            var h = head
            try SeriesPositions.forEach(in: &h) { v, kind in
                if case .series(let slot) = v, kind == .list { points += try series.count(of: slot.id) }
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
}
