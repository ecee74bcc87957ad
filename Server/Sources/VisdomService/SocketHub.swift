import LogStore
import Synchronization

#if canImport(Glibc)
    /// glibc's `malloc_trim`, which the Glibc module does not export.
    @_silgen_name("malloc_trim") private func mallocTrim(_ pad: Int) -> Int32
#endif

/// visdom's websockets: `/vis_socket`, where Python clients listen for the events of their
/// windows (visdom's `sources`), and `/socket` (or `/socket_wrap`), where web pages show envs
/// (`subs`).
///
/// Each connection gets an `AsyncStream` of frames; the HTTP adapter writes them in order and
/// reports each written frame back (`sent`). A connection whose unsent frames exceed
/// `limits.queuedBytes` is closed with 1008 instead of buffering without bound; a page load
/// (an env's windows, which may add up to more) is checked once, at its start.
///
/// What a page's message does and what pages hear of a write is decided by `PageCommand` and
/// `PageChange` (the library's `Visdom/` layer); this actor only keeps the connections and
/// what each page shows. Every store read and write for pages runs as a job of `feed`, one at
/// a time and in order (so a page never gets an older window after a newer one) and off this
/// actor (so a large read stalls no socket).
public actor SocketHub {
    public enum Kind: Sendable { case source, page }

    /// What the adapter writes to a connection.
    public enum Frame: Sendable, Equatable {
        case text(String)
        /// Close the connection with this code and reason.
        case close(code: Int, reason: String)
    }

    public struct Limits: Sendable {
        /// Bytes of frames a connection may have waiting; a frame that would exceed it while
        /// others wait closes the connection (a frame alone is always sent, and a page with
        /// less than this waiting is sent a page load whole).
        public var queuedBytes: Int
        public init(queuedBytes: Int = 32 << 20) { self.queuedBytes = queuedBytes }
    }

    /// What one page shows, set by its `/env/…` or `/compare/…` request.
    enum View: Equatable {
        case none
        case env(String)
        case compare([String])
        /// `/env/ENV?as_of=N`: frozen, read-only.
        case past(String, Int64)

        func shows(_ env: String) -> Bool {
            switch self {
            case .env(let e): return e.utf8.elementsEqual(env.utf8)
            case .compare(let es): return es.contains { $0.utf8.elementsEqual(env.utf8) }
            case .none, .past: return false
            }
        }
    }

    struct Connection {
        let kind: Kind
        let out: AsyncStream<Frame>.Continuation
        var queued = 0
        /// A page that polls (`/socket_wrap`): its frames wait here until it asks.
        var polled: [String]?
        var view = View.none
        /// The windows this page was sent for its env and not told to close, as last sent (a
        /// change to one is sent as a patch against it, see `WindowPatch`), unless that was
        /// more than `keptWindowBytes` (every point of a big window: not kept, sent whole).
        var shown: [(id: String, sent: JSONValue?, bytes: Int)] = []
        /// The view whose load is queued or being read for this page: visdom's page asks for
        /// its env twice as it opens (its `register` handler and its first render both post
        /// `/env/ENV`), and the second ask, made before the first was answered, gets nothing
        /// new (any later change reaches the page as a window change).
        var loading: View?
    }

    let store: LogStore
    let log: @Sendable (String) -> Void
    let limits: Limits
    let display: PageDisplay
    nonisolated let feed = SerialJobs()
    private var connections: [String: Connection] = [:]
    private var rng = SystemRandomNumberGenerator()
    /// visdom's `app.layouts`: the pages' saved layouts, a JSON text ("" before any); read
    /// from the store when the first page opens.
    private var layouts: JSONValue?
    private var lastEnvList: [String]? {
        didSet { keepsEnvList.store(lastEnvList != nil, ordering: .sequentiallyConsistent) }
    }
    /// Pages open (`open` counts them before their first read) and whether `lastEnvList` is
    /// set: readable off the actor, so that a write that no page can hear of skips the hop
    /// onto it (`hearsChanges`).
    private nonisolated let pages = Atomic<Int>(0)
    private nonisolated let keepsEnvList = Atomic<Bool>(false)
    /// The last page read of each window of a shown env that changed (`pageWindowUpdate`):
    /// an append to it then costs the appended points.
    private var displayed: [WindowKey: PageWindowState] = [:]

    /// An env and window name, compared byte for byte.
    struct WindowKey: Hashable {
        let env: [UInt8]
        let window: [UInt8]
        init(_ env: String, _ window: String) {
            self.env = Array(env.utf8)
            self.window = Array(window.utf8)
        }
    }

    init(store: LogStore, display: PageDisplay, limits: Limits = Limits(), log: @escaping @Sendable (String) -> Void) {
        self.store = store
        self.display = display
        self.limits = limits
        self.log = log
    }

    /// Registers a new connection; its greeting is already in the stream (a page's env list
    /// follows from the feed).
    public func open(_ kind: Kind, polling: Bool = false) -> (sid: String, messages: AsyncStream<Frame>) {
        let (stream, out) = AsyncStream<Frame>.makeStream()
        let sid = String(rng.next() as UInt64, radix: 16)
        connections[sid] = Connection(kind: kind, out: out, polled: polling ? [] : nil)
        if kind == .page { pages.add(1, ordering: .sequentiallyConsistent) }
        switch kind {
        case .source:
            send(#"{"command": "alive", "data": "vis_alive"}"#, to: sid)
        case .page:
            send(json(["command": "register", "data": .string(sid), "readonly": false]), to: sid)
            let store = self.store
            feed.enqueue { [self] in
                await self.sendLayouts(to: sid)
                let envs = (try? await self.display.reads.run { try store.envState() }) ?? []
                await self.send(
                    self.json(["command": "env_update", "data": .array(envs.map(JSONValue.string))]), to: sid)
            }
        }
        return (sid, stream)
    }

    public func close(_ kind: Kind, sid: String) {
        guard let c = connections.removeValue(forKey: sid) else { return }
        if c.kind == .page { pages.subtract(1, ordering: .sequentiallyConsistent) }
        c.out.finish()
        if c.queued > 1 << 20 { Self.giveMemoryBack() }
    }

    /// The adapter wrote a frame of `bytes` bytes to connection `sid`.
    public func sent(_ bytes: Int, sid: String) {
        connections[sid]?.queued -= bytes
    }

    /// A polling page's frames since it last asked, newest first as visdom's `get_messages`
    /// hands them out (it pops them off the end of its list; the page handles them in that
    /// order); nil when it is closed.
    func poll(_ sid: String) -> [String]? {
        guard let c = connections[sid], c.kind == .page, let frames = c.polled else { return nil }
        connections[sid]?.polled = []
        connections[sid]?.queued = 0
        return frames.reversed()
    }

    /// Whether page `sid` is open (`/socket_wrap` and `/env/…` ask).
    func isPage(_ sid: String) -> Bool { connections[sid]?.kind == .page }

    /// One text message from a connection. Messages that are not JSON objects, or that visdom
    /// would raise on, are logged and dropped; the connection stays open.
    public func received(_ text: String, from kind: Kind, sid: String? = nil) {
        guard let msg = try? JSONReader.parse(text) else {
            log("socket: a message that is not JSON was dropped")
            return
        }
        switch kind {
        case .source:
            if msg["cmd"]?.stringValue == "echo" { toSources(JSONWriter.string(msg)) }
        case .page:
            if let sid, case .past = connections[sid]?.view {
                return  // a page showing the past is read-only
            }
            perform(PageCommand(message: msg), from: sid)
        }
    }

    // MARK: page commands

    private func perform(_ command: PageCommand, from sid: String?) {
        let store = self.store
        switch command {
        case .ignored(let what):
            log("socket: \(what) is not served")
        case .saveLayouts(let data):
            guard let message = command.message else { return }
            feed.enqueue { [self] in
                guard let applied = await self.apply(message), applied.outcome.isOK else { return }
                await self.broadcastLayouts(data)
            }
        case .forwardToVis(let sent):
            feed.enqueue { [self] in
                var packet = sent
                if case .bool(false)? = packet["pane_data"] {
                } else {
                    guard let eid = packet["eid"]?.stringValue, let win = packet["target"]?.stringValue,
                        let pane = try? await self.display.reads.run({ try store.exportWindow(env: eid, window: win) })
                    else {
                        self.log("socket: forward_to_vis for a window that does not exist was dropped")
                        return
                    }
                    packet["pane_data"] = pane
                }
                await self.toSources(JSONWriter.string(.object(packet)))
            }
        case .close(let env, let win):
            guard let message = command.message else { return }
            feed.enqueue { [self] in
                let pane = try? await self.display.reads.run { try store.exportWindow(env: env, window: win) }
                guard let applied = await self.apply(message), applied.outcome.isOK else { return }
                await self.toSources(JSONWriter.string(PageCommand.closeEvent(env: env, window: win, pane: pane)))
                await self.pagesChanged(message.pageChanges(after: applied.outcome))
            }
        case .save, .deleteEnv:
            guard let message = command.message else { return }
            feed.enqueue { [self] in
                guard let applied = await self.apply(message) else { return }
                if case .save = command, case .ok(let env) = applied.outcome, let sid {
                    await self.setView(.env(env), of: sid)
                }
                await self.pagesChanged(message.pageChanges(after: applied.outcome))
            }
        }
    }

    private func sendLayouts(to sid: String) async {
        if layouts == nil {
            let store = self.store
            layouts = (try? await display.reads.run { try store.pageLayouts() }) ?? .string("")
        }
        send(json(["command": "layout_update", "data": layouts ?? .string("")]), to: sid)
    }

    private func broadcastLayouts(_ data: JSONValue) {
        layouts = data
        for (id, c) in connections where c.kind == .page {
            send(json(["command": "layout_update", "data": data]), to: id)
        }
    }

    private func apply(_ message: LogStore.Message) async -> LogStore.Applied? {
        do {
            let applied = try await store.apply(message)
            if case .failed(let e) = applied.outcome {
                log("socket: \(message.endpoint.rawValue) raised \(e) (epoch \(applied.epoch))")
            }
            return applied
        } catch {
            log("socket: \(message.endpoint.rawValue) not applied: \(error)")
            return nil
        }
    }

    // MARK: what pages show

    private func setView(_ view: View, of sid: String) {
        connections[sid]?.view = view
        connections[sid]?.shown = []
        let pages = connections.values.filter { $0.kind == .page }
        displayed = displayed.filter { key, _ in
            pages.contains { $0.view.shows(String(decoding: key.env, as: UTF8.self)) }
        }
    }

    /// `/env/ENV` with the page's `sid` (visdom's `load_env`): the page shows ENV (as of
    /// `asOf`, read-only) and is sent its windows.
    func load(env: String, asOf: Int64?, for sid: String) {
        guard isPage(sid) else { return }
        let view: View = asOf.map { .past(env, $0) } ?? .env(env)
        if let c = connections[sid], c.view == view, c.loading == view { return }
        setView(view, of: sid)
        connections[sid]?.loading = view
        let store = self.store
        let maxPoints = display.maxPoints
        feed.enqueue { [self] in
            let read = try? await self.display.reads.run { try store.pageEnv(env, asOf: asOf, maxPoints: maxPoints) }
            var frames: [JSONValue] = []
            if let read {
                frames.append(["command": "reload", "data": read.reload])
                frames += read.windows
            }
            frames.append(["command": "layout"])
            await self.deliver(frames, to: sid, ifShowing: view)
            await self.loaded(view, sid: sid)
        }
    }

    private func loaded(_ view: View, sid: String) {
        if connections[sid]?.loading == view { connections[sid]?.loading = nil }
    }

    /// `/compare/A+B` with the page's `sid` (visdom's `compare_envs`).
    func compare(_ requested: [String], for sid: String) {
        guard isPage(sid) else { return }
        let view = View.compare(requested)
        setView(view, of: sid)
        let store = self.store
        let maxPoints = display.maxPoints
        feed.enqueue { [self] in
            let envs =
                (try? await self.display.reads.run { () throws -> [CompareView.Env] in
                    let asOf = try store.lastEpoch
                    return try requested.compactMap { name in
                        guard let env = try store.pageEnv(name, asOf: asOf, maxPoints: maxPoints) else { return nil }
                        return CompareView.Env(
                            name: name, windows: env.windows.map { ($0["id"]?.stringValue ?? "", $0) },
                            reload: env.reload)
                    }
                }) ?? []
            await self.deliver(CompareView.messages(requested: requested, envs: envs), to: sid, ifShowing: view)
        }
    }

    /// Whether `changed` could do anything now: false while no page is open and none was sent
    /// an env list, when `changed` would do nothing. A page that opens after this answered
    /// false reads the store after the write that asked, so it misses nothing.
    public nonisolated var hearsChanges: Bool {
        pages.load(ordering: .sequentiallyConsistent) > 0 || keepsEnvList.load(ordering: .sequentiallyConsistent)
    }

    /// A client changed the store: pages showing what changed hear of it (in feed order).
    public func changed(_ changes: [PageChange]) {
        guard !changes.isEmpty else { return }
        guard connections.values.contains(where: { $0.kind == .page }) else {
            lastEnvList = nil  // no page hears of this change: the list pages last got is stale
            return
        }
        feed.enqueue { [self] in await self.pagesChanged(changes) }
    }

    private func pagesChanged(_ changes: [PageChange]) async {
        let store = self.store
        let maxPoints = display.maxPoints
        for change in changes {
            switch change {
            case .envList:
                // A window write changes the env list only by creating its env: while the list
                // the pages were last sent holds that env, an append costs no env-list read.
                if let last = lastEnvList,
                    changes.contains(where: {
                        guard case .windows(let env, _) = $0 else { return false }
                        return last.contains { $0.utf8.elementsEqual(env.utf8) }
                    })
                {
                    continue
                }
                guard let envs = try? await display.reads.run({ try store.envState() }) else { continue }
                if let last = lastEnvList, last.elementsEqual(envs, by: { $0.utf8.elementsEqual($1.utf8) }) { continue }
                lastEnvList = envs
                for (id, c) in connections where c.kind == .page {
                    send(json(["command": "env_update", "data": .array(envs.map(JSONValue.string))]), to: id)
                }
            case .env(let env):
                for (id, c) in connections where c.kind == .page && c.view.shows(env) {
                    if case .compare(let es) = c.view {
                        compare(es, for: id)
                    } else {
                        load(env: env, asOf: nil, for: id)
                    }
                }
            case .windows(let env, let ids):
                let viewers = connections.filter { $0.value.kind == .page && $0.value.view.shows(env) }
                guard !viewers.isEmpty else { continue }
                let wanted: [String]
                if let ids {
                    wanted = ids
                } else {
                    // each window once, however many pages show it (names byte for byte)
                    var seen = Set<[UInt8]>()
                    wanted = viewers.values.flatMap { $0.shown.map(\.id) }.filter {
                        seen.insert(Array($0.utf8)).inserted
                    }
                }
                let previous = wanted.map { displayed[WindowKey(env, $0)] }
                let states =
                    (try? await display.reads.run { () throws -> [(String, PageWindowState?)] in
                        try zip(wanted, previous).map { wid, previous in
                            (
                                wid,
                                try store.pageWindowUpdate(
                                    env: env, window: wid, previous: previous, maxPoints: maxPoints)
                            )
                        }
                    }) ?? []
                for (wid, state) in states {
                    // kept only when it can be updated (not every point of a big window)
                    displayed[WindowKey(env, wid)] = state?.isUpdatable == true ? state : nil
                }
                let windows = states.map { ($0.0, $0.1?.window) }
                for (sid, c) in viewers {
                    if case .compare(let es) = c.view {
                        // visdom's page reloads its comparison when a window of it changes.
                        if windows.contains(where: { $0.1 != nil }) { compare(es, for: sid) }
                        continue
                    }
                    for (wid, window) in windows {
                        if let window {
                            sendWindow(window, id: wid, to: sid, changedIn: env)
                        } else if c.shown.contains(where: { $0.id.utf8.elementsEqual(wid.utf8) }) {
                            send(json(["command": "close", "data": .string(wid)]), to: sid)
                            connections[sid]?.shown.removeAll { $0.id.utf8.elementsEqual(wid.utf8) }
                        }
                    }
                }
            }
        }
    }

    private func deliver(_ frames: [JSONValue], to sid: String, ifShowing view: View) {
        guard let c = connections[sid], c.view == view else { return }
        let whole = c.queued < limits.queuedBytes
        for f in frames {
            if let id = f["id"]?.stringValue, f["command"]?.stringValue == "window" {
                sendWindow(f, id: id, to: sid, whole: whole)
            } else {
                send(json(f), to: sid, whole: whole)
            }
        }
    }

    /// Sends `window` to page `sid`: whole when an env is loaded, and when it changed in `env`
    /// as `WindowPatch` decides against what the page was last sent of it. `whole`: part of a
    /// page load checked against the send cap once, at its start (`deliver`).
    private func sendWindow(
        _ window: JSONValue, id: String, to sid: String, changedIn env: String? = nil, whole: Bool = false
    ) {
        guard let c = connections[sid] else { return }
        let at = c.shown.firstIndex { $0.id.utf8.elementsEqual(id.utf8) }
        var frame = window
        if let env, let at { frame = WindowPatch.message(old: c.shown[at].sent, new: window, env: env, window: id) }
        let text = json(frame)
        // the window's size: the frame's, or for a patch about the old size plus the patch's
        let patched = frame["command"]?.stringValue == "window_update"
        let bytes = (patched ? at.map { c.shown[$0].bytes } ?? 0 : 0) + text.utf8.count
        let kept = bytes <= Self.keptWindowBytes ? window : nil
        if let at {
            connections[sid]?.shown[at] = (id, kept, bytes)
        } else {
            connections[sid]?.shown.append((id, kept, bytes))
        }
        send(text, to: sid, whole: whole)
    }

    /// The largest window a page's copy is kept of, for patches (a thinned window is far below
    /// it; every point of a 1M-point line is not).
    static let keptWindowBytes = 4 << 20

    // MARK: frames

    private func toSources(_ text: String) {
        for (id, c) in connections where c.kind == .source { send(text, to: id) }
    }

    /// Queues a frame, or closes the connection when it has too much waiting already (unless
    /// the frame is part of a page load sent `whole`).
    private func send(_ text: String, to sid: String, whole: Bool = false) {
        guard var c = connections[sid] else { return }
        let bytes = text.utf8.count
        if !whole, c.queued > 0, c.queued + bytes > limits.queuedBytes {
            log("socket: closing a connection that does not read (\(c.queued) bytes waiting)")
            c.out.yield(.close(code: 1008, reason: "too many unread messages"))
            close(c.kind, sid: sid)
            return
        }
        c.queued += bytes
        if c.polled != nil {
            c.polled!.append(text)
            connections[sid] = c
            return
        }
        connections[sid] = c
        c.out.yield(.text(text))
    }

    private func json(_ v: JSONValue) -> String { JSONWriter.string(v) }

    /// Returns freed heap pages to the system after a large queue was dropped.
    static func giveMemoryBack() {
        #if canImport(Glibc)
            _ = mallocTrim(0)
        #endif
    }

    /// Open connections, for tests and the server's log.
    public var counts: (sources: Int, pages: Int) {
        (connections.values.filter { $0.kind == .source }.count, connections.values.filter { $0.kind == .page }.count)
    }
}

/// Runs jobs one at a time, in the order they were enqueued.
final class SerialJobs: Sendable {
    private let jobs: AsyncStream<@Sendable () async -> Void>.Continuation

    init() {
        let (stream, jobs) = AsyncStream<@Sendable () async -> Void>.makeStream()
        self.jobs = jobs
        Task { for await job in stream { await job() } }
    }

    func enqueue(_ job: @escaping @Sendable () async -> Void) { jobs.yield(job) }

    deinit { jobs.finish() }
}

/// How windows are drawn on pages: traces thinned to at most `maxPoints` points (0: every point).
public struct PageDisplay: Sendable {
    public var maxPoints: Int
    let reads: BlockingReads
    public init(maxPoints: Int = 10_000) {
        self.maxPoints = maxPoints
        self.reads = BlockingReads()
    }
}
