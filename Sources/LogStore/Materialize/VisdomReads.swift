/// The reads visdom's server answers from its state, as LogStore answers them: `/win_exists`,
/// `/win_hash`, `/win_data` and `/env_state`.
extension LogStore {
    /// `/win_exists`: whether env `env` exists and holds window `window`.
    public func windowExists(env: String, window: String) throws(LogStoreError) -> Bool {
        try lookup { db in try Catalog(db: db, asOf: .max).windowExists(window, envNamed: env) }
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

extension LogStore {
    /// `/env_state`: the names of the envs that exist, in the order of visdom's `state` dict.
    ///
    /// visdom's dict keeps a key where it was first inserted: an env keeps its place when a
    /// fork or an env file replaces its content (the old incarnation ends at the epoch the new
    /// one begins), and goes to the end when it is created again after `delete_env`. The store
    /// starts with `main`, as a visdom server does; envs a store holds when a server starts keep
    /// the order in which they were created (visdom itself lists its env files' directory).
    public func envState(asOf: Int64? = nil) throws(LogStoreError) -> [String] {
        try read(asOf: asOf) { db, bound in
            // Keyed by the name's bytes: a `String` key would merge canonically equivalent
            // names (NFC "é" and NFD "e\u{301}"), which are two envs to visdom.
            var byName: [ExactKey: [Catalog.EnvIncarnation]] = [:]
            for row in try Catalog(db: db, asOf: bound).envIncarnations() {
                byName[ExactKey(row.name), default: []].append(row)
            }
            var placed: [(place: Int64, name: String)] = []
            for (name, incarnations) in byName {
                guard var i = incarnations.indices.last, incarnations[i].end == nil else { continue }
                while i > 0, incarnations[i - 1].end == incarnations[i].begin { i -= 1 }
                placed.append((incarnations[i].id, name.string))
            }
            return placed.sorted { $0.place < $1.place }.map(\.name)
        }
    }
}

extension LogStore {
    /// Whether env `name` exists now (`eid in state`).
    public func envExists(_ name: String) throws(LogStoreError) -> Bool {
        try lookup { db in try Catalog(db: db, asOf: .max).env(name) != nil }
    }
}

extension LogStore: VisdomReadState {
    /// Answers a request that reads visdom's state as visdom's handler would (see
    /// `ReadHandlers`): `.ok` with its body, or `.failed` where it raises. Throws only when the
    /// store cannot be read.
    public func answer(_ read: VisdomRead, _ body: RequestBody) throws(LogStoreError) -> Outcome {
        do { return try ReadHandlers.answer(read, body.args, in: self) } catch {
            throw Self.classify(error, path: path)
        }
    }

    func jsonOfWindow(_ wid: String, in eid: String) throws -> [UInt8]? {
        do { return try windowJSON(env: eid, window: wid) } catch .noSuchWindow { return nil }
    }

    func jsonOfWindows(in eid: String) throws -> [UInt8]? {
        do { return JSONWriter.bytes(try windowData(env: eid)) } catch .noSuchEnv { return nil }
    }

    func envIDs() throws -> [String] { try envState() }
}
