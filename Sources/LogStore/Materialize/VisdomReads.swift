/// The reads visdom's server answers from its state, as LogStore answers them: `/win_exists`,
/// `/win_hash`, `/win_data` and `/env_state`.
extension LogStore {
    /// `/win_exists`: whether env `env` exists and holds window `window`.
    public func windowExists(env: String, window: String) throws(LogStoreError) -> Bool {
        try read(asOf: nil) { db, bound in
            let catalog = Catalog(db: db, asOf: bound)
            guard let e = try catalog.env(env) else { return false }
            return try catalog.window(window, env: e) != nil
        }
    }

    /// `/win_hash`: the md5 visdom computes for the window (`hash_md_window`), nil when the
    /// window does not exist (visdom answers "false"). Throws `noSuchEnv` as visdom raises.
    public func windowHash(env: String, window: String) throws(LogStoreError) -> String? {
        do {
            return WindowHash.hash(try exportWindow(env: env, window: window))
        } catch .noSuchWindow {
            return nil
        }
    }

    /// `/win_data` with `win: null`: every window of the env, by id, in visdom's order.
    public func windowData(env: String, asOf: Int64? = nil) throws(LogStoreError) -> JSONValue {
        try exportEnv(env, asOf: asOf)["jsons"] ?? .object(JSONObject())
    }
}
