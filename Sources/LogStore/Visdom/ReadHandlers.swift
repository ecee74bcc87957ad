/// visdom 0.2.4's request handlers that only read its state (`ExistsHandler`, `HashHandler`,
/// `DataHandler` without data, `EnvStateHandler`, `SaveHandler`), applied to a
/// `VisdomReadState`. Each call is one request; what it returns is what visdom would answer.

/// The requests that read visdom's state.
public enum VisdomRead: String, Sendable, CaseIterable {
    case windowExists = "win_exists"
    case windowHash = "win_hash"
    /// `/win_data` without `data` (see `RequestBody.setsWindowData`).
    case windowData = "win_data"
    case envState = "env_state"
    case save

    /// Whether the answer materializes windows (a hash, windows' JSON), which takes as long as
    /// the windows are large; the other reads are catalog lookups of microseconds.
    public var materializesWindows: Bool { self == .windowHash || self == .windowData }
}

/// visdom's `state` as its read handlers see it; nothing here writes. The store answers each
/// call in a read transaction of its own, so a handler that asks twice (does the env exist?
/// then the window) may see an epoch committed in between, as visdom's may.
protocol VisdomReadState {
    func envExists(_ eid: String) throws -> Bool
    func windowExists(env eid: String, window wid: String) throws -> Bool
    /// `hash_md_window` of the window; nil when env `eid` holds no window `wid`.
    func windowHash(env eid: String, window wid: String) throws -> String?
    /// `json.dumps` of the window; nil when env `eid` holds no window `wid`.
    func jsonOfWindow(_ wid: String, in eid: String) throws -> [UInt8]?
    /// `json.dumps(state[eid]["jsons"])`; nil when env `eid` does not exist.
    func jsonOfWindows(in eid: String) throws -> [UInt8]?
    /// The env ids in the order of visdom's `state` dict.
    func envIDs() throws -> [String]
}

enum ReadHandlers {
    /// Answers one request. Python exceptions become `.failed`; storage errors propagate.
    static func answer(_ read: VisdomRead, _ args: PaneValue, in state: VisdomReadState) throws -> Outcome {
        do {
            switch read {
            case .windowExists: return .ok(try windowExists(args, state))
            case .windowHash: return .ok(try windowHash(args, state))
            case .windowData: return .ok(try windowData(args, state))
            case .envState: return .ok(JSONWriter.string(.array(try state.envIDs().map(JSONValue.string))))
            case .save: return .ok(try save(args, state))
            }
        } catch let e as PyError {
            return .failed(e)
        }
    }

    /// `ExistsHandler`: "true" when env and window exist. `args["win"]` is only looked at when
    /// the env exists, as Python's `and` short-circuits.
    static func windowExists(_ args: PaneValue, _ state: VisdomReadState) throws -> String {
        let eid = try Handlers.extractEID(args)
        // The client's case, a string id, in one read: a missing env is a missing window.
        if case .string(let win)? = args.objectValue?["win"] {
            return try state.windowExists(env: eid, window: win) ? "true" : "false"
        }
        guard try state.envExists(eid) else { return "false" }
        guard let win = try pyStringKey(try pyGet(args, "win")) else { return "false" }
        return try state.windowExists(env: eid, window: win) ? "true" : "false"
    }

    /// `HashHandler`: the window's md5, "false" when the window does not exist; a missing env
    /// raises (KeyError).
    static func windowHash(_ args: PaneValue, _ state: VisdomReadState) throws -> String {
        let eid = try Handlers.extractEID(args)
        guard try state.envExists(eid) else { throw PyError.keyError(.string(eid)) }
        guard let win = try pyStringKey(try pyGet(args, "win")) else { return "false" }
        return try state.windowHash(env: eid, window: win) ?? "false"
    }

    /// `DataHandler` without `data`: `json.dumps` of the env's windows (`win` present and None)
    /// or of one window; a missing `win` key, a missing env or a missing window raise, in that
    /// order (Python evaluates `args["win"] in state[eid]["jsons"]` from the left).
    static func windowData(_ args: PaneValue, _ state: VisdomReadState) throws -> String {
        let eid = try Handlers.extractEID(args)
        let win = try pyGet(args, "win")
        if win.isNone {
            guard let json = try state.jsonOfWindows(in: eid) else { throw PyError.keyError(.string(eid)) }
            return String(decoding: json, as: UTF8.self)
        }
        guard try state.envExists(eid) else { throw PyError.keyError(.string(eid)) }
        guard let wid = try pyStringKey(win), let json = try state.jsonOfWindow(wid, in: eid) else {
            throw PyError(type: "AssertionError", message: "Window \(pyStr(win)) doesn't exist in env \(eid)")
        }
        return String(decoding: json, as: UTF8.self)
    }

    /// `SaveHandler`: the ids in `data`, escaped, that name an env. The store has already made
    /// every env durable, so there is nothing to write. Python iterates a string by character
    /// and a dict by key.
    static func save(_ args: PaneValue, _ state: VisdomReadState) throws -> String {
        let ids: [PaneValue]
        switch try pyGet(args, "data") {
        case .array(let a): ids = a
        case .string(let s): ids = s.unicodeScalars.map { .string(String($0)) }
        case .object(let o): ids = o.pairs.map { .string($0.0) }
        case let other: throw PyError.typeError("'\(other.pythonTypeName)' object is not iterable")
        }
        let escaped = try ids.map(Handlers.escapeEID)
        // By the names' bytes: a `Set<String>` would take an NFD twin for an NFC name.
        let envs = Set(try state.envIDs().map { Array($0.utf8) })
        let kept = escaped.filter { envs.contains(Array($0.utf8)) }
        return JSONWriter.string(.array(kept.map(JSONValue.string)))
    }
}
