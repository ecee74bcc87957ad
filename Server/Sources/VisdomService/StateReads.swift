import LogStore

/// The requests that only read visdom's state.
enum StateRead: Equatable {
    case windowExists, windowHash, envState, save
}

extension VisdomService {
    func answer(_ read: StateRead, body: [UInt8]) async -> VisdomResponse {
        do {
            let args = try PythonArgs(body: body)
            let store = self.store
            // Catalog lookups take microseconds: they run here, without a hop to another
            // thread. A hash materializes the window, which may be large: it runs off the pool.
            switch read {
            case .windowExists: return .ok(try Self.windowExists(args, store))
            case .envState: return .ok(Self.json(.array(try store.envState().map(JSONValue.string))))
            case .save: return .ok(try Self.save(args, store))
            case .windowHash: return .ok(try await reads.run { try Self.windowHash(args, store) })
            }
        } catch let raised as HandlerRaised {
            log("\(read) raised \(raised.reason)")
            return .raised
        } catch {
            return storageFailure("\(read)", error)
        }
    }

    /// `ExistsHandler`: "true" when env and window exist. `args["win"]` is only looked at when
    /// the env exists, as Python's `and` short-circuits.
    static func windowExists(_ args: PythonArgs, _ store: LogStore) throws -> String {
        let eid = try args.eid()
        // The client's case, a string id, in one read: a missing env is a missing window.
        if case .string(let win) = args.get("win") {
            return try store.windowExists(env: eid, window: win) ? "true" : "false"
        }
        guard try store.envExists(eid) else { return "false" }
        guard let win = try windowKey(try args.item("win")) else { return "false" }
        return try store.windowExists(env: eid, window: win) ? "true" : "false"
    }

    /// `HashHandler`: the window's md5, "false" when the window does not exist; a missing env
    /// raises (KeyError).
    static func windowHash(_ args: PythonArgs, _ store: LogStore) throws -> String {
        let eid = try args.eid()
        guard try store.envExists(eid) else { throw HandlerRaised(reason: "KeyError: '\(eid)'") }
        guard let win = try windowKey(try args.item("win")) else { return "false" }
        return try store.windowHash(env: eid, window: win) ?? "false"
    }

    /// `SaveHandler`: the ids in `data`, escaped, that name an env. The store has already made
    /// every env durable, so there is nothing to write. Python iterates a string by character
    /// and a dict by key.
    static func save(_ args: PythonArgs, _ store: LogStore) throws -> String {
        let ids: [JSONValue]
        switch try args.item("data") {
        case .array(let a): ids = a
        case .string(let s): ids = s.unicodeScalars.map { .string(String($0)) }
        case .object(let o): ids = o.pairs.map { .string($0.0) }
        default: throw HandlerRaised(reason: "TypeError: 'data' is not iterable")
        }
        // By the names' bytes: a `Set<String>` would take an NFD twin for an NFC name.
        let envs = Set(try store.envState().map { Array($0.utf8) })
        var kept: [JSONValue] = []
        for id in ids {
            guard case .string(let s) = id else { throw HandlerRaised(reason: "AttributeError: env id has no attribute 'replace'") }
            let eid = VisdomEnvID.escape(s)
            if envs.contains(Array(eid.utf8)) { kept.append(.string(eid)) }
        }
        return json(.array(kept))
    }

    /// `DataHandler` without `data`: `json.dumps` of the env's windows (`win` present and None)
    /// or of one window; a missing env, a missing `win` key or a missing window raise.
    func windowData(_ args: PythonArgs) async throws -> VisdomResponse {
        let eid = try args.eid()
        let store = self.store
        if args.has("win"), args.get("win").isNull {
            let bytes = try await reads.run { () throws -> [UInt8] in
                do { return JSONWriter.bytes(try store.windowData(env: eid)) } catch LogStoreError.noSuchEnv {
                    throw HandlerRaised(reason: "KeyError: '\(eid)'")
                }
            }
            return VisdomResponse(status: 200, body: bytes)
        }
        let key = try args.item("win")
        let bytes = try await reads.run { () throws -> [UInt8] in
            guard try store.envExists(eid) else { throw HandlerRaised(reason: "KeyError: '\(eid)'") }
            guard let win = try windowKey(key) else { throw HandlerRaised(reason: "AssertionError: Window doesn't exist in env \(eid)") }
            do { return try store.windowJSON(env: eid, window: win) } catch LogStoreError.noSuchWindow {
                throw HandlerRaised(reason: "AssertionError: Window \(win) doesn't exist in env \(eid)")
            }
        }
        return VisdomResponse(status: 200, body: bytes)
    }

    /// `json.dumps(value)`.
    static func json(_ value: JSONValue) -> String { JSONWriter.string(value) }
}
