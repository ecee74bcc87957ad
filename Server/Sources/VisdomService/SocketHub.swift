import LogStore

/// visdom's websockets: `/vis_socket`, where Python clients listen for the events of their
/// windows (visdom's `sources`), and `/socket`, where a web page sends those events (`subs`).
///
/// Each connection gets an `AsyncStream` of text messages; the HTTP adapter writes them to the
/// socket in order. What is implemented is what a client's calls and callbacks need:
/// - a source gets `{"command": "alive", "data": "vis_alive"}` on connect, and `echo` is sent
///   back to every source;
/// - a page gets `register` (its sid), `layout_update` and `env_update` on connect; its
///   `forward_to_vis` reaches every source with the window's current JSON as `pane_data`
///   (this is how a click or key press on a window reaches `register_event_handler`); its
///   `close` and `delete_env` change the store as the matching HTTP requests do.
/// The web page's own layout commands (`save`, `save_layouts`, `layout_item_update`,
/// `pop_embeddings_pane`) and pushing window updates to pages are not implemented: LogStore does
/// not serve visdom's page.
public actor SocketHub {
    public enum Kind: Sendable { case source, page }

    let store: LogStore
    let log: @Sendable (String) -> Void
    private var sources: [String: AsyncStream<String>.Continuation] = [:]
    private var pages: [String: AsyncStream<String>.Continuation] = [:]
    private var rng = SystemRandomNumberGenerator()

    init(store: LogStore, log: @escaping @Sendable (String) -> Void) {
        self.store = store
        self.log = log
    }

    /// Registers a new connection; its greeting is already in the stream.
    public func open(_ kind: Kind) -> (sid: String, messages: AsyncStream<String>) {
        let (stream, out) = AsyncStream<String>.makeStream(bufferingPolicy: .bufferingNewest(4096))
        let sid = String(rng.next() as UInt64, radix: 16)
        switch kind {
        case .source:
            sources[sid] = out
            out.yield(#"{"command": "alive", "data": "vis_alive"}"#)
        case .page:
            pages[sid] = out
            out.yield(json(["command": "register", "data": .string(sid), "readonly": false]))
            out.yield(json(["command": "layout_update", "data": ""]))
            out.yield(envUpdate())
        }
        return (sid, stream)
    }

    public func close(_ kind: Kind, sid: String) {
        switch kind {
        case .source: sources.removeValue(forKey: sid)?.finish()
        case .page: pages.removeValue(forKey: sid)?.finish()
        }
    }

    /// One text message from a connection. Messages that are not JSON objects, or that fail as
    /// visdom's handler would raise, are logged and dropped; the connection stays open.
    public func received(_ text: String, from kind: Kind) async {
        guard case .object(let msg)? = try? JSONReader.parse(text) else {
            log("socket: a message that is not a JSON object was dropped")
            return
        }
        let cmd = msg["cmd"]?.stringValue
        switch (kind, cmd) {
        case (.source, "echo"):
            toSources(JSONWriter.string(.object(msg)))
        case (.page, "forward_to_vis"):
            await forward(msg["data"] ?? .null)
        case (.page, "close"):
            guard case .string(let win)? = msg["data"], case .string(let eid)? = msg["eid"] else { return }
            let pane = try? store.exportWindow(env: eid, window: win)
            guard (try? store.envExists(eid)) == true else { return }
            _ = try? await store.apply(LogStore.Message(.close, ["eid": .string(eid), "win": .string(win)], source: "serve:socket"))
            toSources(json(["event_type": "close", "target": .string(win), "eid": .string(eid), "pane_data": pane ?? .null]))
        case (.page, "delete_env"):
            guard case .string(let eid)? = msg["eid"] else { return }
            _ = try? await store.apply(LogStore.Message(.deleteEnv, ["eid": .string(eid)], source: "serve:socket"))
            for page in pages.values { page.yield(envUpdate()) }
        default:
            log("socket: command \(cmd.map { "'\($0)'" } ?? "without 'cmd'") is not served")
        }
    }

    /// `forward_to_vis`: the packet goes to every source, with `pane_data` replaced by the
    /// window's JSON unless the page sent `pane_data: false`.
    private func forward(_ data: JSONValue) async {
        guard case .object(var packet) = data, case .string(let eid)? = packet["eid"] else { return }
        if case .bool(false)? = packet["pane_data"] {
        } else {
            guard case .string(let win)? = packet["target"], let pane = try? store.exportWindow(env: eid, window: win) else {
                log("socket: forward_to_vis for a window that does not exist was dropped")
                return
            }
            packet["pane_data"] = pane
        }
        toSources(JSONWriter.string(.object(packet)))
    }

    private func toSources(_ text: String) {
        for source in sources.values { source.yield(text) }
    }

    private func envUpdate() -> String {
        let envs = (try? store.envState()) ?? []
        return json(["command": "env_update", "data": .array(envs.map(JSONValue.string))])
    }

    private func json(_ v: JSONValue) -> String { JSONWriter.string(v) }

    /// Open connections, for tests and the server's log.
    public var counts: (sources: Int, pages: Int) { (sources.count, pages.count) }
}
