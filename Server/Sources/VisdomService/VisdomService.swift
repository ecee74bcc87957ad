import LogStore

/// visdom 0.2.4's HTTP API over a LogStore store: one request in, visdom's answer out.
///
/// Requests that change state (`/events`, `/update`, `/close`, `/delete_env`, `/fork_env`,
/// `/win_data` with data, `/env/<eid>`) are each applied as one epoch through the store's
/// writer, which group-commits concurrent requests; the answer is returned only once that epoch
/// is durable (per the store's durability), and carries its number. Reads (`/win_exists`,
/// `/win_hash`, `/win_data`, `/env_state`, `/save`) see whole epochs only; one that asks first
/// whether the env exists (as visdom's handler does before it raises) makes that a read of its
/// own, so an epoch committed in between can separate the two.
/// Status codes and bodies are visdom's: 200 with its text, 200 with a refusal ("win does not
/// exist"), or an empty 500 where visdom's handler raised. A storage failure (a full disk, a
/// read-only store) is a 503 with an empty body: the request was not applied.
public final class VisdomService: Sendable {
    public let store: LogStore
    public let access: AccessPolicy
    public let sockets: SocketHub
    let reads = BlockingReads()
    /// Called with one line for the server's log (a storage failure, a handler that raised).
    let log: @Sendable (String) -> Void

    public init(store: LogStore, access: AccessPolicy = AccessPolicy(), log: @escaping @Sendable (String) -> Void = { _ in }) {
        self.store = store
        self.access = access
        self.log = log
        self.sockets = SocketHub(store: store, log: log)
    }

    /// Answers one request. `path` is the request path without the query string; `headers`
    /// are the request's (name, value) pairs, for authentication.
    public func respond(method: String, path: String, headers: [(name: String, value: String)], body: [UInt8]) async -> VisdomResponse {
        let route = Route(path: path)
        if case .index = route, method == "POST" { return access.tokenRefusal(headers: headers) ?? access.login(body: body) }
        if let refusal = access.refusal(headers: headers) { return refusal }
        switch (route, method) {
        case (.write(let endpoint), "POST"):
            return await apply(endpoint, body: body)
        case (.winData, "POST"):
            return await winData(body)
        case (.env, "POST"):
            return await openEnv(body)
        case (.read(let read), "POST"):
            return await answer(read, body: body)
        case (.index, "GET"), (.env, "GET"):
            return .ok("LogStore serves visdom's API for clients; it does not serve visdom's web page.\n")
        default:
            return VisdomResponse(status: 405)
        }
    }

    // MARK: writes

    func apply(_ endpoint: Endpoint, body: [UInt8]) async -> VisdomResponse {
        let value: JSONValue
        do { value = try JSONReader.parse(body, maxDepth: JSONReader.visdomRequestMaxDepth) } catch {
            log("\(endpoint.rawValue): \(error)")
            return .raised
        }
        return await apply(LogStore.Message(endpoint, value, source: "serve"))
    }

    func apply(_ message: LogStore.Message) async -> VisdomResponse {
        do {
            let applied = try await store.apply(message)
            switch applied.outcome {
            case .ok(let text), .refused(let text): return .ok(text, epoch: applied.epoch)
            case .failed(let e):
                log("/\(message.endpoint.rawValue) raised \(e) (epoch \(applied.epoch))")
                var r = VisdomResponse.raised
                r.epoch = applied.epoch
                return r
            }
        } catch {
            log("/\(message.endpoint.rawValue) not applied: \(error)")
            return VisdomResponse(status: 503)
        }
    }

    /// `DataHandler`: with `data` it sets windows (a write), without it reads them.
    func winData(_ body: [UInt8]) async -> VisdomResponse {
        do {
            let args = try PythonArgs(body: body)
            if args.has("data") { return await apply(.winData, body: body) }
            return try await windowData(args)
        } catch let raised as HandlerRaised {
            log("/win_data raised \(raised.reason)")
            return .raised
        } catch {
            return storageFailure("/win_data", error)
        }
    }

    /// `EnvHandler.post`: `eid` creates the env; `sid` (a web page asking for an env) has no
    /// page to serve here.
    func openEnv(_ body: [UInt8]) async -> VisdomResponse {
        do {
            let args = try PythonArgs(body: body)
            guard args.has("eid") else { return .ok("") }
            return await apply(LogStore.Message(.openEnv, .object(args.object), source: "serve"))
        } catch {
            log("/env raised \(error.reason)")
            return .raised
        }
    }

    func storageFailure(_ what: String, _ error: any Error) -> VisdomResponse {
        log("\(what) failed: \(error)")
        return VisdomResponse(status: 503)
    }
}

/// visdom's URL routes (`Application.__init__`), relative to its base URL.
enum Route: Equatable {
    case write(Endpoint)
    case winData
    case env(String)
    case read(StateRead)
    /// visdom's catch-all `IndexHandler`: the web page (GET) or a login (POST).
    case index

    init(path: String) {
        switch path {
        case "/events": self = .write(.events)
        case "/update": self = .write(.update)
        case "/close": self = .write(.close)
        case "/delete_env": self = .write(.deleteEnv)
        case "/fork_env": self = .write(.forkEnv)
        case "/win_data": self = .winData
        case "/win_exists": self = .read(.windowExists)
        case "/win_hash": self = .read(.windowHash)
        case "/env_state": self = .read(.envState)
        case "/save": self = .read(.save)
        default:
            if path.hasPrefix("/env/") {
                self = .env(String(path.dropFirst(5)))
            } else {
                self = .index
            }
        }
    }
}
