/// What one epoch changed, read back from the rows it wrote (`logstore log`): an env born or
/// deleted, a window created, replaced or closed, a window's head changed, points appended.
public struct EpochChange: Sendable, Equatable {
    public enum Kind: String, Sendable {
        /// A new incarnation of the env (its first window, a fork, an env file).
        case envCreated = "env_created"
        /// The env was deleted, with its windows.
        case envDeleted = "env_deleted"
        /// A window with a new id in its env.
        case created
        /// A new window took the place of one with the same id.
        case replaced
        /// The window was closed.
        case closed
        /// The window's head changed (options, layout, a trace replaced, added or removed),
        /// perhaps with points.
        case changed
        /// Values were added to the window and nothing else changed.
        case appended
        /// `compact --before N` merged the rows of the epochs up to N: what this one changed is
        /// no longer known (its env is the one the message addressed).
        case compacted
    }

    public let kind: Kind
    /// The env's name.
    public let env: String
    /// The window's id; nil for the env kinds.
    public let window: String?
    /// Points the epoch stored in the window, counted as `EnvSummary` counts them (a trace's
    /// `y`, else `x`; a heatmap's rows; an image history's images): 0 for the env kinds, for
    /// `closed`, and for values that are not points (text, a trace's `x` alongside its `y`).
    public let points: Int

    public init(kind: Kind, env: String, window: String?, points: Int) {
        self.kind = kind
        self.env = env
        self.window = window
        self.points = points
    }
}

/// Works out `EpochChange`s for batches of consecutive epochs (newest first, as the log reads
/// them), from the rows those epochs wrote:
/// - the store's envs and windows with their births and tombstones, and `window_change`, read
///   once (a row per env, per window, per multi-window change: never per point);
/// - per batch and per window the batch touched, its heads in force during the batch and its
///   segments in the batch, through the (window_id, epoch) keys of `head` and `segment`.
/// A window an epoch touched is the one its epoch row names, those `window_change` names for
/// it, and those born or ended at it (schema.sql).
struct EpochChangeReader {
    static let batchSize = 256

    let db: Connection
    private var windows: [Int64: (env: Int64, wid: String, born: Int64)] = [:]
    private var windowsBornAt: [Int64: [Int64]] = [:]
    private var windowsEndedAt: [Int64: [Int64]] = [:]
    private var windowChanges: [Int64: [Int64]] = [:]
    private var envNames: [Int64: String] = [:]
    private var envsBornAt: [Int64: [Int64]] = [:]
    private var envsEndedAt: [Int64: [Int64]] = [:]
    /// `compact --before N` merged the rows of the epochs up to N (its segments up to N into
    /// one, and dropped what was dead by N): what those epochs changed is no longer known.
    private var compactedThrough: Int64?
    /// The point series of a head version, by (window, head epoch).
    private var pointSeries: [WindowEpoch: Set<Int64>] = [:]

    private struct WindowEpoch: Hashable {
        let window: Int64
        let epoch: Int64
    }

    init(db: Connection) throws {
        self.db = db
        let history = CatalogHistory(db: db)
        for w in try history.windows() {
            windows[w.id] = (w.env, w.wid, w.born)
            windowsBornAt[w.born, default: []].append(w.id)
        }
        for end in try history.windowEnds() { windowsEndedAt[end.epoch, default: []].append(end.id) }
        for change in try history.windowChanges() { windowChanges[change.epoch, default: []].append(change.id) }
        for e in try history.envs() {
            envNames[e.id] = e.name
            envsBornAt[e.born, default: []].append(e.id)
        }
        for end in try history.envEnds() { envsEndedAt[end.epoch, default: []].append(end.id) }
        compactedThrough = try EpochTable.compactedBefore(db)
    }

    /// The changes of each epoch of `batch` (records with their epoch row's window_id,
    /// consecutive in the log's order, newest first), by epoch.
    mutating func changes(of batch: [(EpochRecord, Int64?)]) throws -> [Int64: [EpochChange]] {
        guard let high = batch.map({ $0.0.epoch }).max(), let low = batch.map({ $0.0.epoch }).min() else { return [:] }
        var touched: [Int64: [Int64]] = [:]
        var all: Set<Int64> = []
        for (record, window) in batch {
            var ids: [Int64] = []
            for id in [window].compactMap({ $0 }) + (windowChanges[record.epoch] ?? [])
                + (windowsBornAt[record.epoch] ?? [])
                + (windowsEndedAt[record.epoch] ?? []) where !ids.contains(id)
            {
                ids.append(id)
            }
            touched[record.epoch] = ids
            all.formUnion(ids)
        }
        // Per window: its head versions in force during the batch, and its segments in it.
        var heads: [Int64: [Int64]] = [:]
        var segments: [WindowEpoch: [(series: Int64, count: Int)]] = [:]
        for window in all.sorted() {
            let history = WindowHistory(db: db, window: window)
            try history.forEachHead(inForceFrom: low, through: high) { epoch, doc in
                let key = WindowEpoch(window: window, epoch: epoch)
                heads[window, default: []].append(epoch)
                if pointSeries[key] == nil {
                    pointSeries[key] = Set(
                        try HeadFacts(doc).pointSources.compactMap { if case .series(let id) = $0 { id } else { nil } })
                }
            }
            for segment in try history.segments(from: low, through: high) {
                segments[WindowEpoch(window: window, epoch: segment.epoch), default: []].append(
                    (segment.seriesID, Int(segment.count)))
            }
            for block in try history.blocks(from: low, through: high) {
                for segment in try block.segments() where segment.epoch >= low && segment.epoch <= high {
                    segments[WindowEpoch(window: window, epoch: segment.epoch), default: []].append(
                        (block.seriesID, Int(segment.count)))
                }
            }
        }

        var result: [Int64: [EpochChange]] = [:]
        for (record, _) in batch {
            let epoch = record.epoch
            if let compactedThrough, epoch <= compactedThrough {
                result[epoch] = [EpochChange(kind: .compacted, env: record.env ?? "", window: nil, points: 0)]
                continue
            }
            var list: [EpochChange] = []
            let deletedEnvs = Set(envsEndedAt[epoch] ?? [])
            for env in envsBornAt[epoch] ?? [] {
                list.append(EpochChange(kind: .envCreated, env: envNames[env] ?? "", window: nil, points: 0))
            }
            for env in deletedEnvs.sorted() {
                list.append(EpochChange(kind: .envDeleted, env: envNames[env] ?? "", window: nil, points: 0))
            }
            let ended = Set(windowsEndedAt[epoch] ?? [])
            let born = windowsBornAt[epoch] ?? []
            for window in touched[epoch] ?? [] {
                guard let w = windows[window], !deletedEnvs.contains(w.env) else { continue }
                let env = envNames[w.env] ?? ""
                let key = WindowEpoch(window: window, epoch: epoch)
                let headEpoch = heads[window]?.last(where: { $0 <= epoch })
                let counted = headEpoch.flatMap { pointSeries[WindowEpoch(window: window, epoch: $0)] } ?? []
                let added = segments[key] ?? []
                let points = added.reduce(0) { $0 + (counted.contains($1.series) ? $1.count : 0) }
                let sameID = { (other: Int64) in
                    other != window && self.windows[other].map { $0.env == w.env && $0.wid == w.wid } ?? false
                }
                if w.born == epoch {
                    let kind: EpochChange.Kind = ended.contains(where: sameID) ? .replaced : .created
                    list.append(EpochChange(kind: kind, env: env, window: w.wid, points: points))
                } else if ended.contains(window) {
                    if !born.contains(where: sameID) {
                        list.append(EpochChange(kind: .closed, env: env, window: w.wid, points: 0))
                    }
                } else if headEpoch == epoch {
                    list.append(EpochChange(kind: .changed, env: env, window: w.wid, points: points))
                } else if !added.isEmpty {
                    list.append(EpochChange(kind: .appended, env: env, window: w.wid, points: points))
                }
            }
            result[epoch] = list
        }
        return result
    }
}
