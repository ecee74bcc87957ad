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
    /// visdom's web page, when a static directory was found.
    public let page: PageSettings
    let reads = BlockingReads()
    /// Called with one line for the server's log (a storage failure, a handler that raised).
    let log: @Sendable (String) -> Void

    public init(
        store: LogStore, access: AccessPolicy = AccessPolicy(), page: PageSettings = PageSettings(),
        log: @escaping @Sendable (String) -> Void = { _ in }
    ) {
        self.store = store
        self.access = access
        self.page = page
        self.log = log
        self.sockets = SocketHub(store: store, display: page.display, log: log)
    }

    /// Answers one request. `path` is the request path below the base URL without the query
    /// string, `query` the text after "?"; `headers` are the request's (name, value) pairs,
    /// for authentication.
    public func respond(
        method: String, path: String, query: String = "", headers: [(name: String, value: String)], body: [UInt8]
    ) async -> VisdomResponse {
        if Self.answersAtOnce(method: method, path: path) {
            return await withCheckedContinuation { k in
                _ = respondAtOnce(method: method, path: path, headers: headers, body: body) { k.resume(returning: $0) }
            }
        }
        let route = Route(path: path)
        if case .index = route, method == "POST" {
            return access.tokenRefusal(headers: headers) ?? access.login(body: body)
        }
        if method == "GET", let open = await openPageFile(route, query: query, headers: headers) { return open }
        if let refusal = access.refusal(headers: headers) { return refusal }
        switch (route, method) {
        case (.write(let endpoint), "POST"):
            return await parsed(body, "/\(endpoint.rawValue)") {
                await self.apply(LogStore.Message(endpoint, $0, source: "serve"))
            }
        case (.winData, "POST"):
            return await parsed(body, "/win_data") { args in
                args.setsWindowData
                    ? await self.apply(LogStore.Message(.winData, args, source: "serve"))
                    : await self.answer(.windowData, args)
            }
        case (.env(let eid), "POST"):
            return await parsed(body, "/env") { args throws(PyError) in
                try await self.openEnv(Route.unescape(eid), query: query, body: args)
            }
        case (.compare(let eids), "POST"):
            return await parsed(body, "/compare") { args throws(PyError) in
                try await self.openCompare(Route.unescape(eids), body: args)
            }
        case (.socketWrap, "GET"), (.socketWrap, "POST"):
            return await socketWrap(method: method, body: body)
        case (.read(let read), "POST"):
            return await parsed(body, "/\(read.rawValue)") { await self.answer(read, $0) }
        case (.index, "GET"), (.env, "GET"), (.compare, "GET"):
            return await pageHTML(route, query: query)
        default:
            return VisdomResponse(status: 405)
        }
    }

    /// Parses `body` once, as visdom's handlers decode theirs, and hands it to `handle`; where
    /// visdom raises (a body that is not JSON, a missing key), the answer is visdom's 500.
    func parsed(_ body: [UInt8], _ what: String, _ handle: (RequestBody) async throws(PyError) -> VisdomResponse) async
        -> VisdomResponse
    {
        do { return try await handle(try RequestBody(json: body)) } catch {
            log("\(what) raised \(error)")
            return .raised
        }
    }

    /// visdom's answer as an HTTP response.
    func response(_ outcome: Outcome, epoch: Int64?, _ what: String) -> VisdomResponse {
        if case .failed(let e) = outcome { log("\(what) raised \(e)" + (epoch.map { " (epoch \($0))" } ?? "")) }
        return VisdomResponse(status: outcome.httpStatus, body: outcome.httpBody, epoch: epoch)
    }

    // MARK: writes and reads

    func apply(_ message: LogStore.Message) async -> VisdomResponse {
        await withCheckedContinuation { k in apply(message) { k.resume(returning: $0) } }
    }

    /// Applies `message` as one epoch; `done` gets the answer once the epoch is durable and the
    /// pages that can hear of the change were told (on the writer thread, or on Swift's pool
    /// when a page listens).
    func apply(_ message: LogStore.Message, done: @escaping @Sendable (VisdomResponse) -> Void) {
        store.apply(message) { result in
            switch result {
            case .success(let applied):
                let answer = self.response(applied.outcome, epoch: applied.epoch, "/\(message.endpoint.rawValue)")
                // Not even a hop onto the socket actor when no page can hear of it.
                guard self.sockets.hearsChanges else { return done(answer) }
                Task {
                    await self.sockets.changed(message.pageChanges(after: applied.outcome))
                    done(answer)
                }
            case .failure(let error):
                self.log("/\(message.endpoint.rawValue) not applied: \(error)")
                done(VisdomResponse(status: 503))
            }
        }
    }

    /// The answer to the two requests a training script sends for each
    /// `vis.line(…, update="append")`, `POST /win_exists` and `POST /update`, exactly as
    /// `respond` gives it, without Swift concurrency: `/win_exists` is answered on the calling
    /// thread (one SQL statement on covering indexes, on a WAL reader connection that does not
    /// map the file: it never waits for the writer), `/update` once its epoch is durable, on
    /// the writer thread. `done` runs exactly once. Returns false, without calling `done`, for
    /// every other request.
    public func respondAtOnce(
        method: String, path: String, headers: [(name: String, value: String)], body: [UInt8],
        done: @escaping @Sendable (VisdomResponse) -> Void
    ) -> Bool {
        guard Self.answersAtOnce(method: method, path: path) else { return false }
        if let refusal = access.refusal(headers: headers) {
            done(refusal)
            return true
        }
        let args: RequestBody
        do { args = try RequestBody(json: body) } catch {
            log("\(path) raised \(error)")
            done(.raised)
            return true
        }
        if path == "/update" {
            apply(LogStore.Message(.update, args, source: "serve"), done: done)
        } else {
            done(lookup(.windowExists, args))
        }
        return true
    }

    /// Whether `respondAtOnce` answers this request.
    public static func answersAtOnce(method: String, path: String) -> Bool {
        method == "POST" && (path == "/win_exists" || path == "/update")
    }

    /// A read: catalog lookups take microseconds and run here, without a hop to another thread;
    /// a read that materializes windows, which may be large, runs off the pool.
    func answer(_ read: VisdomRead, _ args: RequestBody) async -> VisdomResponse {
        guard read.materializesWindows else { return lookup(read, args) }
        let store = self.store
        do {
            return response(try await reads.run { try store.answer(read, args) }, epoch: nil, "/\(read.rawValue)")
        } catch {
            return storageFailure("/\(read.rawValue)", error)
        }
    }

    /// A catalog lookup, answered on the calling thread.
    func lookup(_ read: VisdomRead, _ args: RequestBody) -> VisdomResponse {
        do {
            return response(try store.answer(read, args), epoch: nil, "/\(read.rawValue)")
        } catch {
            return storageFailure("/\(read.rawValue)", error)
        }
    }

    /// `EnvHandler.post`: `sid` (a web page) is sent env `name` (as of `?as_of=N` when the
    /// query has it), then `eid` creates that env.
    func openEnv(_ name: String, query: String, body: RequestBody) async throws(PyError) -> VisdomResponse {
        if case .string(let sid)? = try body.member("sid") {
            await sockets.load(env: name, asOf: Route.asOf(query), for: sid)
        }
        guard try body.member("eid") != nil else { return VisdomResponse(status: 200) }
        return await apply(LogStore.Message(.openEnv, body, source: "serve"))
    }

    /// `CompareHandler.post`: page `sid` is sent the comparison of the envs in `names` ("A+B").
    func openCompare(_ names: String, body: RequestBody) async throws(PyError) -> VisdomResponse {
        guard case .string(let sid) = try body.item("sid") else { return VisdomResponse(status: 200) }
        await sockets.compare(names.split(separator: "+", omittingEmptySubsequences: false).map(String.init), for: sid)
        return VisdomResponse(status: 200)
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
    case compare(String)
    case read(VisdomRead)
    case socketWrap
    /// `/static/…` (tornado's static handler), `/favicon.ico`.
    case staticFile(String)
    /// `/user/…`: `UserSettingsHandler`.
    case userSettings(String)
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
        case "/socket_wrap": self = .socketWrap
        case "/favicon.ico": self = .staticFile("favicon.ico")
        default:
            if path.hasPrefix("/env/") {
                self = .env(String(path.dropFirst(5)))
            } else if path.hasPrefix("/compare/") {
                self = .compare(String(path.dropFirst(9)))
            } else if path.hasPrefix("/static/") {
                self = .staticFile(String(path.dropFirst(8)))
            } else if path.hasPrefix("/user/") {
                self = .userSettings(String(path.dropFirst(6)))
            } else {
                self = .index
            }
        }
    }

    /// tornado's `url_unescape` of a path argument: %XX sequences as UTF-8, "+" kept.
    static func unescape(_ s: String) -> String {
        guard s.utf8.contains(UInt8(ascii: "%")) else { return s }
        var out: [UInt8] = []
        var bytes = Array(s.utf8)[...]
        while let b = bytes.popFirst() {
            if b == UInt8(ascii: "%"), bytes.count >= 2,
                let v = UInt8(String(decoding: bytes.prefix(2), as: UTF8.self), radix: 16)
            {
                out.append(v)
                bytes = bytes.dropFirst(2)
            } else {
                out.append(b)
            }
        }
        return String(decoding: out, as: UTF8.self)
    }

    /// `as_of=N` in a query string.
    static func asOf(_ query: String) -> Int64? {
        for part in query.split(separator: "&") where part.hasPrefix("as_of=") {
            return Int64(part.dropFirst(6))
        }
        return nil
    }
}
