/// visdom 0.2.4's web page side (`SocketHandler.on_message`, `broadcast`, `broadcast_envs`):
/// what a page's socket message does, and which pages hear of a change a client made. A server
/// carries these out; nothing here reads or writes the store.

/// One message a page sends on `/socket` (or through `/socket_wrap`).
public enum PageCommand: Sendable, Equatable {
    /// `close`: window `window` of env `env` is closed; the page's sources hear of it.
    case close(env: String, window: String)
    /// `save`: env `env` becomes a copy of `from` holding the page's pane layout.
    case save(body: JSONValue)
    /// `delete_env`.
    case deleteEnv(String)
    /// `save_layouts`: the page's named layouts (a JSON text), for every page.
    case saveLayouts(JSONValue)
    /// `forward_to_vis`: an event on a window (a click, a key) for the Python clients.
    case forwardToVis(JSONObject)
    /// What visdom keeps in memory only (`layout_item_update`), or would raise on, or does
    /// not know: nothing happens.
    case ignored(String)

    /// Reads a message as visdom's `on_message` does: commands missing the keys visdom checks
    /// for are ignored.
    public init(message: JSONValue) {
        guard case .object(let msg) = message else {
            self = .ignored("a message that is not a JSON object")
            return
        }
        switch msg["cmd"]?.stringValue {
        case "close":
            guard case .string(let win)? = msg["data"], case .string(let eid)? = msg["eid"] else {
                self = .ignored("close without a window id and an env id")
                return
            }
            self = .close(env: eid, window: win)
        case "save":
            guard msg["data"] != nil, msg["eid"] != nil else {
                self = .ignored("save without data and eid")
                return
            }
            self = .save(
                body: .object(
                    JSONObject([
                        ("eid", msg["eid"] ?? .null), ("prev_eid", msg["prev_eid"] ?? .null),
                        ("data", msg["data"] ?? .null),
                    ])))
        case "delete_env":
            guard case .string(let eid)? = msg["eid"] else {
                self = .ignored("delete_env without an env id")
                return
            }
            self = .deleteEnv(eid)
        case "save_layouts":
            guard let data = msg["data"] else {
                self = .ignored("save_layouts without data")
                return
            }
            self = .saveLayouts(data)
        case "forward_to_vis":
            guard case .object(let packet)? = msg["data"], case .string? = packet["eid"] else {
                self = .ignored("forward_to_vis without an event for an env")
                return
            }
            self = .forwardToVis(packet)
        case let cmd:
            self = .ignored("command \(cmd.map { "'\($0)'" } ?? "without 'cmd'")")
        }
    }

    /// The store write the command makes, if any.
    public var message: LogStore.Message? {
        switch self {
        case .close(let env, let win):
            return LogStore.Message(.close, ["eid": .string(env), "win": .string(win)], source: "serve:page")
        case .save(let body):
            return LogStore.Message(.pageSave, body, source: "serve:page")
        case .deleteEnv(let env):
            return LogStore.Message(.deleteEnv, ["eid": .string(env)], source: "serve:page")
        case .saveLayouts(let data):
            return LogStore.Message(.pageLayouts, ["data": data], source: "serve:page")
        case .forwardToVis, .ignored:
            return nil
        }
    }

    /// visdom's close event for the page's sources: `pane_data` is the window as it was.
    public static func closeEvent(env: String, window: String, pane: JSONValue?) -> JSONValue {
        ["event_type": "close", "target": .string(window), "eid": .string(env), "pane_data": pane ?? .null]
    }
}

/// What the pages showing an env must be told after a write (visdom's `broadcast` and
/// `broadcast_envs` calls in its handlers).
public enum PageChange: Sendable, Equatable {
    /// These windows of the env were created, changed or closed: each is sent again as it now
    /// is, or closed on the page. nil: any window of the env (a close of every window).
    case windows(env: String, ids: [String]?)
    /// The list of envs may have changed (`env_update` to every page).
    case envList
    /// The whole env changed (a fork or a page save replaced it): pages showing it load it again.
    case env(String)

    /// The changes visdom broadcasts for one applied request.
    public static func after(_ endpoint: Endpoint, body: JSONValue, outcome: Outcome) -> [PageChange] {
        let eid: String? = {
            switch body["eid"] ?? .null {
            case .null: return "main"
            case .string(let s): return VisdomEnvID.escape(s)
            default: return nil
            }
        }()
        switch (endpoint, outcome) {
        case (.events, .ok(let win)), (.update, .ok(let win)):
            guard let eid else { return [] }
            return [.windows(env: eid, ids: [win]), .envList]
        case (.close, _):
            guard let eid else { return [] }
            switch body["win"] ?? .null {
            case .null: return [.windows(env: eid, ids: nil)]
            case .string(let w): return [.windows(env: eid, ids: [w])]
            default: return []
            }
        case (.deleteEnv, _), (.openEnv, _):
            return [.envList]
        case (.forkEnv, .ok(let to)), (.pageSave, .ok(let to)):
            return [.envList, .env(to)]
        case (.winData, _):
            // visdom's DataHandler only announces the env list; pages see the new windows when
            // they load the env again.
            return [.envList]
        default:
            return []
        }
    }
}

extension LogStore.Message {
    /// The changes visdom broadcasts after this message was applied with `outcome`
    /// (`PageChange.after`). Only the body's `eid` and `win` are looked at, so a body the
    /// handlers took as parsed (an update's points) is not converted back to JSON.
    public func pageChanges(after outcome: Outcome) -> [PageChange] {
        var keys = JSONObject()
        for key in ["eid", "win"] { if let value = bodyMember(key) { keys[key] = value } }
        return PageChange.after(endpoint, body: .object(keys), outcome: outcome)
    }
}

/// The order in which `load_env` and `compare_envs` send windows: by `i`, those without one last.
enum PageOrder {
    static func sorted(_ windows: [JSONValue]) -> [JSONValue] {
        windows.enumerated().sorted { a, b in
            let ia = a.element["i"]
            let ib = b.element["i"]
            switch (ia, ib) {
            case (nil, nil): return a.offset < b.offset
            case (nil, _): return false
            case (_, nil): return true
            case (let x?, let y?):
                let (dx, dy) = (x.numberValue ?? 0, y.numberValue ?? 0)
                return dx != dy ? dx < dy : a.offset < b.offset
            }
        }.map(\.element)
    }
}

extension JSONValue {
    var numberValue: Double? {
        switch self {
        case .int(let i): return Double(i)
        case .double(let d): return d
        case .bool(let b): return b ? 1 : 0
        default: return nil
        }
    }
}
