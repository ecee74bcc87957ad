/// Reading: envs and windows as visdom holds them (`exportEnv`, `exportWindow`,
/// `windowJSON`), as columns of doubles (`traces`), as summaries (`listEnvs`, `listWindows`)
/// and as changes (`changes`). Every read goes through `read`: one read transaction on a
/// reader connection, as of an epoch.
extension LogStore {
    /// Names of the envs that exist (as of `asOf`, default now), sorted.
    public func envNames(asOf: Int64? = nil) throws(LogStoreError) -> [String] {
        try read(asOf: asOf) { db, bound in try Catalog(db: db, asOf: bound).envNames() }
    }

    /// The env as visdom saves it: `{"jsons": {WIN: window, …}, "reload": {…}}`.
    public func exportEnv(_ name: String, asOf: Int64? = nil) throws(LogStoreError) -> JSONValue {
        try read(asOf: asOf) { db, bound in
            let m = Materializer(db: db, asOf: bound)
            return try m.env(try m.catalog.existingEnv(name))
        }
    }

    /// One window as visdom holds it (the value of `jsons[window]`).
    public func exportWindow(env name: String, window wid: String, asOf: Int64? = nil) throws(LogStoreError)
        -> JSONValue
    {
        try read(asOf: asOf) { db, bound in
            let m = Materializer(db: db, asOf: bound)
            return try m.window(try m.catalog.existingWindow(wid, env: name))
        }
    }

    /// One window with each trace reduced to at most `maxPoints` points (see `Downsample`).
    /// Long stored traces are thinned before they are materialized, so the cost is a scan of
    /// their numbers, not the building of every point.
    public func exportWindow(env: String, window: String, asOf: Int64? = nil, maxPoints: Int) throws(LogStoreError)
        -> JSONValue
    {
        let json = try read(asOf: asOf) { db, bound in
            let m = Materializer(db: db, asOf: bound)
            return try m.window(try m.catalog.existingWindow(window, env: env)) { head, series in
                try Downsample.thin(&head, maxPoints: maxPoints, series: series)
            }
        }
        return Downsample.window(json, maxPoints: maxPoints)
    }

    /// One window as the bytes of visdom's JSON: `json.dumps` of what `exportWindow` returns,
    /// which a server sends as is. Served from this handle's window cache while the window has
    /// not changed since it was last materialized (see `WindowCache`).
    public func windowJSON(env name: String, window wid: String, asOf: Int64? = nil) throws(LogStoreError) -> [UInt8] {
        try read(asOf: asOf) { db, bound in
            let m = Materializer(db: db, asOf: bound)
            let row = try m.catalog.existingWindow(wid, env: name)
            let change = try m.catalog.lastChange(row.windowID)
            if let kept = windowCache.bytes(window: row.windowID, change: change) { return kept }
            let bytes = JSONWriter.bytes(try m.window(row))
            windowCache.keep(bytes, window: row.windowID, change: change)
            return bytes
        }
    }

    /// The traces of window `wid` of env `name` (the objects of its `content.data`, in order),
    /// as of `asOf` (nil: now). A window without `content.data` (text, image) has none.
    public func traces(env name: String, window wid: String, asOf: Int64? = nil) throws(LogStoreError) -> [TraceColumns]
    {
        try read(asOf: asOf) { db, bound in
            let catalog = Catalog(db: db, asOf: bound)
            let row = try catalog.existingWindow(wid, env: name)
            guard let head = try catalog.head(row.windowID) else {
                throw StoreInvariantError("window \(wid) has no head")
            }
            guard case .array(let data)? = head.objectValue?["content"]?.objectValue?["data"] else { return [] }
            var wanted: [Int64] = []
            for case .object(let trace) in data {
                for key in ["x", "y"] { if case .series(let slot)? = trace[key] { wanted.append(slot.id) } }
            }
            let columns = try TraceColumnReader(db, window: row.windowID, asOf: bound, series: wanted)
            return try data.map { trace in
                let o = trace.objectValue
                return TraceColumns(
                    name: o?["name"]?.plainJSON, x: try columns.column(o?["x"]), y: try columns.column(o?["y"]))
            }
        }
    }

    /// Every env with its window count, points, bytes and last epoch (as of `asOf`).
    public func listEnvs(asOf: Int64? = nil) throws(LogStoreError) -> [EnvSummary] {
        try read(asOf: asOf) { db, bound in try Lister(db: db, asOf: bound).envs() }
    }

    /// The windows of env `name` in visdom's order.
    public func listWindows(env name: String, asOf: Int64? = nil) throws(LogStoreError) -> [WindowSummary] {
        try read(asOf: asOf) { db, bound in
            let lister = Lister(db: db, asOf: bound)
            return try lister.windows(ofEnv: try lister.catalog.existingEnv(name))
        }
    }

    /// Points (as `EnvSummary` counts them) that the epochs after `epoch` stored, up to the
    /// newest: what an import or a follow batch that started at `epoch` added.
    public func pointsAdded(sinceEpoch epoch: Int64) throws(LogStoreError) -> Int {
        try read(asOf: nil) { db, bound in try Lister(db: db, asOf: bound).pointsAdded(after: epoch) }
    }

    /// Points, as `ls` counts them (`EnvSummary`), that the epochs in `ranges` wrote and the
    /// store still holds: what one writer added to what `ls` shows, when other writers may
    /// have committed epochs between its own. Points it wrote and then replaced or closed (a
    /// heatmap redrawn every epoch) are not counted: they are no longer anywhere.
    public func pointsKept(writtenIn ranges: [ClosedRange<Int64>]) throws(LogStoreError) -> Int {
        try read(asOf: nil) { db, bound in try Lister(db: db, asOf: bound).pointsKept(writtenIn: ranges) }
    }

    /// What changed in env `name` after epoch `since` (see `EnvChanges`).
    public func changes(env name: String, since: Int64) throws(LogStoreError) -> EnvChanges {
        try read(asOf: nil) { db, _ in try ChangeReader(db: db, since: since).changes(env: name) }
    }
}

extension Catalog {
    /// Env `name` (as of the catalog's epoch); throws `noSuchEnv` when it does not exist.
    func existingEnv(_ name: String) throws -> Int64 {
        guard let env = try env(name) else { throw LogStoreError.noSuchEnv(name) }
        return env
    }

    /// Window `wid` of env `name`; throws `noSuchEnv` or `noSuchWindow` when either does not
    /// exist (as of the catalog's epoch).
    func existingWindow(_ wid: String, env name: String) throws -> WindowRow {
        guard let row = try window(wid, env: try existingEnv(name)) else {
            throw LogStoreError.noSuchWindow(env: name, window: wid)
        }
        return row
    }
}
