/// Which env and window incarnations are alive now, and windows' heads, as looked up on the
/// writer's connection.
///
/// Invariant: an entry (a row or head, or nil for none) is what `Catalog(db:asOf: .max)`
/// answers right now. It is kept so because env, env_end, window and window_end rows are
/// written on the writer's connection only by `EpochWriter`, which calls `removeAll()` after
/// each such write, and head rows only by `EpochWriter.writeHead`, which records the bytes it
/// wrote once the row is written, and `Writer` calls `removeAll()` whenever rows may have changed behind it: a job or
/// transaction rolled back, a job that runs alone (compaction deletes rows), another
/// connection's commit (see `SeriesTails.revalidate`). Used only by whoever owns the writer's
/// connection (see `Writer`); an `EpochWriter` made without one gets its own, for one epoch.
final class CatalogLookups {
    struct WindowKey: Hashable {
        let env: Int64
        let wid: ExactKey
    }

    var envs: [ExactKey: Int64?] = [:]
    var windows: [WindowKey: Catalog.WindowRow?] = [:]
    /// Head bytes by window id.
    var heads: [Int64: [UInt8]?] = [:]
    /// Entries kept at most (envs and windows together); all are dropped beyond it.
    let capacity: Int

    init(capacity: Int = 4096) { self.capacity = capacity }

    var count: Int { envs.count + windows.count + heads.count }

    func removeAll() {
        envs.removeAll(keepingCapacity: true)
        windows.removeAll(keepingCapacity: true)
        heads.removeAll(keepingCapacity: true)
    }

    /// Drops everything if the cache grew past its capacity (called once per epoch); heads,
    /// which may be large, past 256 windows (as many as `HeadCache` keeps decoded).
    func trim() {
        if count > capacity { removeAll() }
        if heads.count > 256 { heads.removeAll(keepingCapacity: true) }
    }
}
