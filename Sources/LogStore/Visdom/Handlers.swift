/// visdom 0.2.4's request handlers that change state (`PostHandler`, `UpdateHandler.wrap_func`,
/// `CloseHandler`, `DeleteEnvHandler`, `ForkEnvHandler`, `DataHandler` with data), applied to
/// a `VisdomState`. Each call is one request; what it returns is what visdom would answer.

/// visdom's `state`: envs (by escaped id) holding windows in dict order. The store implements
/// it inside the transaction of one epoch.
protocol VisdomState: AnyObject {
    var series: SeriesSource { get }
    func envExists(_ eid: String) throws -> Bool
    /// Window ids of env `eid`, in dict order; nil if the env does not exist.
    func windowIDs(_ eid: String) throws -> [String]?
    func pane(_ wid: String, in eid: String) throws -> PaneValue?
    func createEnv(_ eid: String) throws
    /// `env[wid] = pane`. With `replacing`, the pane is a new window (a new incarnation that
    /// takes an existing window's dict position, or a new position at the end); without, it is
    /// the same window after an update. `consuming`: a caller done with its pane hands it over,
    /// so the store can take it apart in place instead of copying what the rules just built.
    func storePane(_ pane: consuming PaneValue, id wid: String, in eid: String, replacing: Bool) throws
    /// What `storePane` does for the same window after an update that only appended `appends`
    /// to its series (`AppendOnlyUpdate`): the appends, in this order; the head stays.
    func storeAppends(_ appends: PendingAppends, id wid: String, in eid: String) throws
    func removeWindow(_ wid: String, in eid: String) throws
    func deleteEnv(_ eid: String) throws
    func forkEnv(_ from: String, to: String) throws
    /// `state[eid]["jsons"] = windows` (win_data with `win: null`).
    func replaceWindows(_ windows: [(String, PaneValue)], in eid: String) throws
    /// `state[eid]["reload"] = reload`: the web page's pane layout for the env.
    func setReload(_ reload: PaneValue, in eid: String) throws
    /// `app.layouts = layouts`: the web page's saved layouts.
    func setPageLayouts(_ layouts: PaneValue) throws
}

/// The endpoints whose requests change state.
public enum Endpoint: String, Sendable, CaseIterable {
    case events, update, close
    case deleteEnv = "delete_env"
    case forkEnv = "fork_env"
    case winData = "win_data"
    /// `EnvHandler.post` (`/env/<eid>`), which the client sends when it starts: creates env
    /// `eid` if it does not exist.
    case openEnv = "env"
    /// The web page's `save` on its socket (`SocketHandler.on_message`), not an HTTP endpoint:
    /// env `eid` becomes a copy of `prev_eid` whose `reload` is the page's pane layout `data`.
    case pageSave = "page_save"
    /// The web page's `save_layouts`: `data` (a JSON text) becomes every page's layouts.
    case pageLayouts = "page_layouts"
}

/// visdom's env ids.
public enum VisdomEnvID {
    /// `escape_eid`: every "/" becomes "_". By code point, as Python replaces: Foundation's
    /// replacingOccurrences compares grapheme clusters and misses a "/" that a combining mark
    /// follows ("a/\u{338}b" -> "a_\u{338}b").
    public static func escape(_ s: String) -> String {
        // Every message names its env: skip the copy when there is nothing to replace, looked
        // for in the string's bytes where they lie: a short name's in its words (the UTF-8 view
        // lends no storage for them, and its iterator costs more), a longer one's in storage.
        let slash = UInt8(ascii: "/")
        let hasSlash =
            StringBits.inlineContains(s, slash)
            ?? s.utf8.withContiguousStorageIfAvailable({ $0.contains(slash) }) ?? s.utf8.contains(slash)
        guard hasSlash else { return s }
        var out = String.UnicodeScalarView()
        for u in s.unicodeScalars { out.append(u == "/" ? "_" : u) }
        return String(out)
    }
}

enum Handlers {
    /// Applies one request. Python exceptions become `.failed`; storage errors propagate, so
    /// the caller can abandon the epoch.
    static func handle(_ endpoint: Endpoint, _ args: PaneValue, in state: VisdomState) throws -> Outcome {
        do {
            switch endpoint {
            case .events: return try post(args, state)
            case .update: return try update(args, state)
            case .close: return try close(args, state)
            case .deleteEnv: return try deleteEnv(args, state)
            case .forkEnv: return try forkEnv(args, state)
            case .winData: return try setWindowData(args, state)
            case .openEnv: return try openEnv(args, state)
            case .pageSave: return try pageSave(args, state)
            case .pageLayouts:
                try state.setPageLayouts(try pyDictGet(args, "data", .null))
                return .ok("")
            }
        } catch let e as PyError {
            return .failed(e)
        }
    }

    /// `escape_eid(eid)`.
    static func escapeEID(_ v: PaneValue) throws -> String {
        guard case .string(let s) = v else { throw PyError.attributeError(v, "replace") }
        return VisdomEnvID.escape(s)
    }

    /// `extract_eid(args)`: "main" when eid is missing or None.
    static func extractEID(_ args: PaneValue) throws -> String {
        try extractEID(eid: try pyDictGet(args, "eid", .null))
    }

    /// `extract_eid` of a body whose "eid" is `eid` (None when missing).
    static func extractEID(eid: PaneValue) throws -> String {
        eid.isNone ? "main" : try escapeEID(eid)
    }

    static func post(_ args: PaneValue, _ state: VisdomState) throws -> Outcome {
        if !(try pyDictGet(args, "func", .null)).isNone {
            throw PyError(type: "Exception", message: "Support for Lua Torch was deprecated following `v0.1.8.4`.")
        }
        let eid = try extractEID(args)
        let p = try WindowBuilder.window(args, state.series)
        return try register(p, eid, state)
    }

    /// `register_window(p, eid)`: creates the env if needed; a window id already present keeps
    /// its `i` and its position, a new one gets `i = len(env)`.
    static func register(_ pane: PaneValue, _ eid: String, _ state: VisdomState) throws -> Outcome {
        if !(try state.envExists(eid)) { try state.createEnv(eid) }
        var p = pane
        let wid = try pyStr(pyGet(p, "id"))
        let existing = try state.pane(wid, in: eid)
        if let existing {
            try p.setItem("i", try pyGet(existing, "i"))
        } else {
            try p.setItem("i", .int(Int64(try state.windowIDs(eid)?.count ?? 0)))
        }
        try state.storePane(p, id: wid, in: eid, replacing: true)
        return .ok(wid)
    }

    static func update(_ args: PaneValue, _ state: VisdomState) throws -> Outcome {
        let eid = try extractEID(args)
        let win = try pyGet(args, "win")
        guard try state.envExists(eid) else { throw PyError.keyError(.string(eid)) }
        guard let wid = try pyStringKey(win), let pane = try state.pane(wid, in: eid) else {
            if pyTruthy(try pyDictGet(args, "append", .null)) {
                return try register(try WindowBuilder.window(args, state.series), eid, state)
            }
            return .refused("win does not exist")
        }

        // A plain append (a training loop's one-point `line(update="append")`): the rows the
        // rules below would lead to, without building and walking the changed pane. It answers
        // only for a window the check below accepts.
        let src = state.series
        if let appends = AppendOnlyUpdate.appends(to: pane, args, src) {
            try state.storeAppends(appends, id: wid, in: eid)
            return .ok(wid)
        }

        var p = pane
        let type = try pyGet(p, "type")
        let updatable: Bool
        if case .string(let t) = type, ["text", "image_history", "embeddings"].contains(t) {
            updatable = true
        } else {
            let data = try UpdateRules.pdata(p)
            updatable =
                try pyLen(data, src) == 0
                || updatesPlot(withFirstTraceType: try pyGet(try pyIndex(data, 0, src), "type"))
        }
        if !updatable {
            let data = try UpdateRules.pdata(p)
            let was = try pyLen(data, src) > 0 ? pyStr(try pyGet(try pyIndex(data, 0, src), "type")) : "empty"
            return .refused("win is not scatter, heatmap, custom, image_history, embeddings, or text; was \(was)")
        }

        do {
            try UpdateRules.update(&p, args, src)
        } catch {
            try state.storePane(p, id: wid, in: eid, replacing: false)
            throw error
        }
        try p.setItem("contentID", WindowBuilder.contentIDPlaceholder)
        try state.storePane(consume p, id: wid, in: eid, replacing: false)
        return .ok(wid)
    }

    /// Whether `update` changes a plot whose first trace's type is `type`: visdom's
    /// `p["content"]["data"][0]["type"] in ["scatter", "scattergl", "custom", "heatmap"]`.
    /// Inlined, with the types written out: `AppendOnlyUpdate` asks it of a type it reads where
    /// it lies.
    @inline(__always)
    static func updatesPlot(withFirstTraceType type: PaneValue) -> Bool {
        guard case .string(let t) = type else { return false }
        return ExactKey.equal(t, "scatter") || ExactKey.equal(t, "scattergl") || ExactKey.equal(t, "custom")
            || ExactKey.equal(t, "heatmap")
    }

    static func close(_ args: PaneValue, _ state: VisdomState) throws -> Outcome {
        let eid = try extractEID(args)
        let win = try pyDictGet(args, "win", .null)
        guard let ids = try state.windowIDs(eid) else { throw PyError.keyError(.string(eid)) }
        if win.isNone {
            for w in ids { try state.removeWindow(w, in: eid) }
            return .ok("")
        }
        // `jsons.pop(win, None)`: CPython returns the default from an empty dict before it
        // hashes the key, so only a non-empty env raises for an unhashable one.
        guard !ids.isEmpty, let w = try pyStringKey(win) else { return .ok("") }
        if ids.contains(where: { $0.utf8.elementsEqual(w.utf8) }) { try state.removeWindow(w, in: eid) }
        return .ok("")
    }

    static func deleteEnv(_ args: PaneValue, _ state: VisdomState) throws -> Outcome {
        let eid = try extractEID(args)
        guard try state.envExists(eid) else { throw PyError.keyError(.string(eid)) }
        try state.deleteEnv(eid)
        return .ok("")
    }

    static func forkEnv(_ args: PaneValue, _ state: VisdomState) throws -> Outcome {
        let prev = try escapeEID(try pyDictGet(args, "prev_eid", .null))
        let eid = try escapeEID(try pyDictGet(args, "eid", .null))
        guard try state.envExists(prev) else {
            throw PyError(type: "AssertionError", message: "env to be forked doesn't exit")
        }
        if prev != eid { try state.forkEnv(prev, to: eid) }
        return .ok(eid)
    }

    /// `EnvHandler.post` with `eid`: `state[eid] = {"jsons": {}, "reload": {}}` unless it exists.
    /// visdom takes `eid` as sent here, without `escape_eid`; a body without `eid` changes nothing.
    /// An `eid` that is not a string (`{"eid": 5}`) becomes a key of visdom's state that is not
    /// an env name (its env list then shows the number); a store's env names are strings, so
    /// LogStore answers as visdom does (200, empty body) and keeps no env: a refused epoch.
    static func openEnv(_ args: PaneValue, _ state: VisdomState) throws -> Outcome {
        guard case .object(let o) = args, let eid = o["eid"] else { return .ok("") }
        guard case .string(let name) = eid else { return .refused("") }
        if !(try state.envExists(name)) { try state.createEnv(name) }
        return .ok("")
    }

    /// The page's `save`: `eid = escape_eid(msg["eid"])`, then `state[eid] =
    /// deepcopy(state[msg["prev_eid"]])` (a KeyError when that env does not exist) and
    /// `state[eid]["reload"] = msg["data"]`.
    static func pageSave(_ args: PaneValue, _ state: VisdomState) throws -> Outcome {
        let eid = try escapeEID(try pyGet(args, "eid"))
        let prev = try pyDictGet(args, "prev_eid", .null)
        guard case .string(let from) = prev, try state.envExists(from) else { throw PyError.keyError(prev) }
        if !from.utf8.elementsEqual(eid.utf8) { try state.forkEnv(from, to: eid) }
        try state.setReload(try pyDictGet(args, "data", .null), in: eid)
        return .ok(eid)
    }

    /// `DataHandler` with `data`: `data` is a JSON string holding a window or a whole `jsons`.
    static func setWindowData(_ args: PaneValue, _ state: VisdomState) throws -> Outcome {
        let eid = try extractEID(args)
        guard case .string(let text) = try pyGet(args, "data") else {
            throw PyError.typeError("the JSON object must be str, bytes or bytearray")
        }
        let data: JSONValue
        do { data = try JSONReader.parse(text, maxDepth: JSONReader.visdomRequestMaxDepth) } catch {
            throw PyError(type: "JSONDecodeError", message: "\(error)")
        }
        if !(try state.envExists(eid)) { try state.createEnv(eid) }
        guard case .object(let o) = args, let win = o["win"] else {
            throw PyError.keyError(.string("win"))
        }
        switch win {
        case .null:
            guard case .object(let windows) = data else {
                throw PyError(type: "StoreError", message: "win_data for a whole env needs an object of windows")
            }
            try state.replaceWindows(windows.pairs.map { ($0.0, PaneValue($0.1)) }, in: eid)
        case .string(let w):
            try state.storePane(PaneValue(data), id: w, in: eid, replacing: true)
        default:
            throw PyError(type: "StoreError", message: "window ids other than strings are not supported")
        }
        return .ok("")
    }
}

extension PaneValue {
    var stringValueIfString: String? { if case .string(let s) = self { return s } else { return nil } }
}
