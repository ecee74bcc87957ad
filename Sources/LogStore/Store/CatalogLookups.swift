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

    // The tables have unchecked exclusivity, as `lastEnv` and `lastWindow`: every access is a
    // short read or write (`load` runs outside them), and the dynamic checks cost ~75
    // instructions each, several times per epoch.
    @exclusivity(unchecked) var envs: [ExactKey: Int64?] = [:]
    @exclusivity(unchecked) var windows: [WindowKey: Catalog.WindowRow?] = [:]
    /// Head bytes by window id (nil: no head); read and written through `head(_:)` and
    /// `setHead(_:_:)`, which keep `lastHead` with them.
    @exclusivity(unchecked) private var heads: [Int64: [UInt8]?] = [:]
    /// Entries kept at most (envs and windows together); all are dropped beyond it.
    let capacity: Int

    init(capacity: Int = 4096) { self.capacity = capacity }

    var count: Int { envs.count + windows.count + heads.count }

    /// The env and the window `env(_:load:)` and `window(_:env:load:)` answered last: a
    /// handler asks for the same ones several times per message, and comparing a name costs
    /// less than hashing it. Dropped with the tables.
    @exclusivity(unchecked) private var lastEnv: (eid: String, id: Int64?)?
    @exclusivity(unchecked) private var lastWindow: (env: Int64, wid: String, row: Catalog.WindowRow?)?
    /// The head `head(_:)` or `setHead(_:_:)` saw last, as `lastWindow`: each append to a
    /// window reads its head again.
    @exclusivity(unchecked) private var lastHead: (window: Int64, bytes: [UInt8]?)?

    /// The head bytes of `window` kept for it: nil when none is kept, `.some(nil)` when the
    /// window has no head.
    func head(_ window: Int64) -> [UInt8]?? {
        if lastHead?.window == window { return .some(lastHead!.bytes) }
        guard let known = heads[window] else { return nil }
        lastHead = (window, known)
        return .some(known)
    }

    /// Keeps `bytes` as the head of `window`, read or just written.
    func setHead(_ window: Int64, _ bytes: [UInt8]?) {
        heads[window] = .some(bytes)
        lastHead = (window, bytes)
    }

    /// The env alive as `eid`: the last answer, the table's entry, or `load`'s, kept.
    func env(_ eid: String, load: (String) throws -> Int64?) rethrows -> Int64? {
        if let last = lastEnv, ExactKey.equal(last.eid, eid) { return last.id }
        let id: Int64?
        if let known = envs[ExactKey(eid)] {
            id = known
        } else {
            id = try load(eid)
            envs[ExactKey(eid)] = id
        }
        lastEnv = (eid, id)
        return id
    }

    /// The window alive as `wid` in env incarnation `env`: as `env(_:load:)`.
    func window(_ wid: String, env: Int64, load: (String, Int64) throws -> Catalog.WindowRow?) rethrows
        -> Catalog.WindowRow?
    {
        if let last = lastWindow, last.env == env, ExactKey.equal(last.wid, wid) { return last.row }
        let key = WindowKey(env: env, wid: ExactKey(wid))
        let row: Catalog.WindowRow?
        if let known = windows[key] {
            row = known
        } else {
            row = try load(wid, env)
            windows[key] = row
        }
        lastWindow = (env, wid, row)
        return row
    }

    func removeAll() {
        lastEnv = nil
        lastWindow = nil
        lastHead = nil
        envs.removeAll(keepingCapacity: true)
        windows.removeAll(keepingCapacity: true)
        heads.removeAll(keepingCapacity: true)
    }

    /// Drops everything if the cache grew past its capacity (called once per epoch); heads,
    /// which may be large, past 256 windows (as many as `HeadCache` keeps decoded).
    func trim() {
        if count > capacity { removeAll() }
        if heads.count > 256 {
            heads.removeAll(keepingCapacity: true)
            lastHead = nil
        }
    }
}
