/// What visdom's web page is sent: the windows of an env as `load_env` sends them, each plot
/// trace thinned for drawing (`Downsample` with the `DisplayBuckets` rule, so an append changes
/// only the tail of what a page holds), while every other read keeps every point.
extension LogStore {
    /// Env `name`'s windows in visdom's `load_env` order (by their `i`, windows without one
    /// last), each trace thinned to at most `maxPoints` points (0: every point), and its `reload`;
    /// nil when the env does not exist (as of `asOf`). One read transaction, so the windows
    /// are of one epoch. Only this env's point data is read.
    public func pageEnv(_ name: String, asOf: Int64? = nil, maxPoints: Int) throws(LogStoreError) -> (
        windows: [JSONValue], reload: JSONValue
    )? {
        let read = try self.read(asOf: asOf) { db, bound -> (windows: [JSONValue], reload: JSONValue)? in
            let m = Materializer(db: db, asOf: bound)
            guard let env = try m.catalog.env(name) else { return nil }
            var windows: [JSONValue] = []
            for row in try m.catalog.windows(ofEnv: env) {
                if maxPoints > 0 {
                    windows.append(
                        try m.window(row) { head, series in
                            try Downsample.thin(&head, maxPoints: maxPoints, rule: .display, series: series)
                        })
                } else {
                    windows.append(try m.window(row))
                }
            }
            return (windows, try m.catalog.reload(env))
        }
        guard let read else { return nil }
        let thinned =
            maxPoints > 0
            ? read.windows.map { Downsample.window($0, maxPoints: maxPoints, rule: .display) } : read.windows
        return (PageOrder.sorted(thinned), read.reload)
    }

    /// The pages' saved layouts (`layout_update`'s data) as of `asOf`: "" before any was saved.
    public func pageLayouts(asOf: Int64? = nil) throws(LogStoreError) -> JSONValue {
        try read(asOf: asOf) { db, bound in
            try Catalog(db: db, asOf: bound).pageLayouts() ?? .string("")
        }
    }

    /// One window as the page draws it (see `pageEnv`); nil when it or its env does not exist.
    public func pageWindow(env: String, window: String, asOf: Int64? = nil, maxPoints: Int) throws(LogStoreError)
        -> JSONValue?
    {
        do {
            guard maxPoints > 0 else { return try exportWindow(env: env, window: window, asOf: asOf) }
            let json = try read(asOf: asOf) { db, bound in
                let m = Materializer(db: db, asOf: bound)
                return try m.window(try m.catalog.existingWindow(window, env: env)) { head, series in
                    try Downsample.thin(&head, maxPoints: maxPoints, rule: .display, series: series)
                }
            }
            return Downsample.window(json, maxPoints: maxPoints, rule: .display)
        } catch .noSuchEnv {
            return nil
        } catch .noSuchWindow {
            return nil
        }
    }
}
