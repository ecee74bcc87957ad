/// Writing: visdom's requests applied as epochs (`apply`), an env file loaded as one
/// (`importEnvFile`), an env forked (`forkEnv`). Every write goes through `write`, on the
/// writer thread, one transaction per group of epochs.
extension LogStore {
    /// An accepted message: the epoch it became and what visdom would have answered.
    public struct Applied: Sendable, Equatable {
        public let epoch: Int64
        public let outcome: Outcome
    }

    /// A message to apply: a visdom endpoint, its JSON body, and where it came from.
    public struct Message: Sendable {
        public var endpoint: Endpoint
        /// The request's JSON body. A message decoded from a log line holds it as the pane the
        /// rules take (parsed straight into it) and writes it out as JSON only when asked.
        public var body: JSONValue {
            get {
                switch content {
                case .json(let json): return json
                case .pane(let pane): return pane.plainJSON!
                }
            }
            set { content = .json(newValue) }
        }
        public var source: String

        /// Invariant: a `.pane` holds no `.series` (it is plain JSON, `body` converts it back).
        private enum Content: Sendable {
            case json(JSONValue)
            case pane(PaneValue)
        }

        private var content: Content

        public init(_ endpoint: Endpoint, _ body: JSONValue, source: String = "api") {
            self.endpoint = endpoint
            self.content = .json(body)
            self.source = source
        }

        /// A message whose body is `pane`, which must be plain JSON (the reader's output).
        init(_ endpoint: Endpoint, pane: PaneValue, source: String) {
            self.endpoint = endpoint
            self.content = .pane(pane)
            self.source = source
        }

        /// The body as the update rules take it.
        var pane: PaneValue {
            switch content {
            case .json(let json): return PaneValue(json)
            case .pane(let pane): return pane
            }
        }

        /// `body[key]`, without converting the rest of the body.
        func bodyMember(_ key: String) -> JSONValue? {
            switch content {
            case .json(let json): return json[key]
            case .pane(let pane): return pane.objectValue?[key]?.plainJSON
            }
        }
    }

    /// Applies one visdom request as one epoch, durable (per `Durability`) when this returns.
    @discardableResult
    public func apply(_ message: Message) throws(LogStoreError) -> Applied {
        // As `apply([message])`, without its arrays of one message and one result.
        try write { ctx in try Self.applyOne(message, epoch: ctx.nextEpoch(), ctx) }
    }

    /// Applies messages as consecutive epochs, atomically: all of them become visible and
    /// durable together, or, on a storage error, none of them. Concurrent callers share
    /// transactions (group commit); `progress` rows (import positions) commit with the messages.
    public func apply(_ messages: [Message], progress: [ImportProgress] = []) throws(LogStoreError) -> [Applied] {
        try write { ctx in try Self.applyAll(messages, progress: progress, ctx) }
    }

    /// The async form for servers: suspends until the message's epoch is durable.
    public func apply(_ message: Message) async throws(LogStoreError) -> Applied {
        try await withCheckedContinuation { (k: CheckedContinuation<Result<Applied, LogStoreError>, Never>) in
            apply(message) { k.resume(returning: $0) }
        }.get()
    }

    /// The callback form, for a caller that must not wait (a server's event loop): returns at
    /// once; `done` runs once, on the writer thread when the message's epoch is durable or with
    /// the error that kept it from being applied (then nothing of it was), or at once on the
    /// calling thread for a store opened read-only.
    public func apply(_ message: Message, done: @escaping @Sendable (Result<Applied, LogStoreError>) -> Void) {
        guard let writer else { return done(.failure(.readOnly(path: path))) }
        let path = self.path
        writer.submit(
            { ctx in try Self.applyOne(message, epoch: ctx.nextEpoch(), ctx) },
            complete: { result in done(result.mapError { Self.classify($0, path: path) }) })
    }

    static func applyAll(_ messages: [Message], progress: [ImportProgress], _ ctx: Writer.Context) throws
        -> [Applied]
    {
        var results: [Applied] = []
        results.reserveCapacity(messages.count)
        for m in messages { results.append(try applyOne(m, epoch: ctx.nextEpoch(), ctx)) }
        for p in progress { try p.record(in: ctx.db, epoch: ctx.lastEpoch) }
        return results
    }

    private static func applyOne(_ m: Message, epoch: Int64, _ ctx: Writer.Context) throws -> Applied {
        let writer = ctx.epochWriter(epoch)
        var args = m.pane
        // What the epoch row names: `extract_eid(args)` (nil where it raises) and the body's
        // "win" when it is text, as the handler gets them (it takes `args` by value).
        var env: String?
        var win: String?
        if case .object(let view) = args {
            var eid = view["eid"] ?? .null
            var wid = view["win"]
            // The visdom client's _send fills in what replay_log and every client call send.
            // (`/env/<eid>` is the client's own call and keeps its body as sent.) Looked at
            // first, since writing to the body copies it, and almost every message has both.
            let noEID = m.endpoint != .openEnv && eid.isNone
            let noWin = (m.endpoint == .events || m.endpoint == .update) && wid?.isNone == true
            if noEID || noWin, case .object(var o) = args {
                args = .null
                if noEID {
                    eid = .string("main")
                    o["eid"] = eid
                }
                if noWin {
                    wid = .string(WindowBuilder.newWindowID())
                    o["win"] = wid
                }
                args = .object(o)
            }
            env = try? Handlers.extractEID(eid: eid)
            if case .string(let w)? = wid { win = w }
        }
        let outcome = try Handlers.handle(m.endpoint, args, in: writer)
        var row = EpochWriter.EpochRow(time: nowMS(), source: m.source, endpoint: m.endpoint.rawValue, env: env)
        row.win = win
        switch outcome {
        case .ok(let body): row.detail = body
        case .refused(let why): (row.status, row.detail) = ("refused", why)
        case .failed(let e): (row.status, row.detail) = ("failed", e.description)
        }
        try writer.insertEpochRow(row)
        return Applied(epoch: epoch, outcome: outcome)
    }

    /// Replaces env `name` with the content of a visdom env file (`{"jsons": …, "reload": …}`)
    /// as one epoch, as visdom's server loads an env from its env_path.
    @discardableResult
    public func importEnvFile(name: String, document: JSONValue, source: String, progress: ImportProgress? = nil)
        throws(LogStoreError) -> Int64
    {
        guard case .object(let o) = document else {
            throw .badInput(place: source, reason: "an env file must be a JSON object")
        }
        guard case .object(let jsons)? = o["jsons"] else {
            throw .badInput(place: source, reason: "field 'jsons' must be an object of windows")
        }
        guard let reload = o["reload"] else { throw .badInput(place: source, reason: "field 'reload' is missing") }
        // A window may be any JSON value: visdom loads env files without looking inside, and
        // `win_data` stores whatever JSON it is given as one window (a list, a number, ...).
        return try write { ctx in
            let epoch = ctx.nextEpoch()
            let writer = ctx.epochWriter(epoch)
            try writer.importEnv(name, windows: jsons, reload: reload)
            try writer.insertEpochRow(.init(time: Self.nowMS(), source: source, endpoint: "env_file", env: name))
            try progress?.record(in: ctx.db, epoch: epoch)
            return epoch
        }
    }

    /// visdom's fork_env as one epoch, from env `from` as it was after epoch `asOf` (default:
    /// now). An env named `to` is replaced, as visdom replaces it, unless `replace` is false:
    /// then the fork throws `envExists` and writes nothing. Returns the epoch.
    @discardableResult
    public func forkEnv(_ from: String, to: String, asOf: Int64? = nil, replace: Bool = true) throws(LogStoreError)
        -> Int64
    {
        try write { ctx in
            let last = ctx.lastEpoch
            let bound = asOf ?? last
            guard bound >= 0, bound <= last else { throw LogStoreError.noSuchEpoch(bound) }
            _ = try Catalog(db: ctx.db, asOf: bound).existingEnv(from)
            // Checked in the fork's own transaction: no other writer can create it in between.
            if !replace, try Catalog(db: ctx.db, asOf: last).env(to) != nil { throw LogStoreError.envExists(to) }
            let epoch = ctx.nextEpoch()
            let writer = ctx.epochWriter(epoch)
            try writer.forkEnv(from, to: to, asOf: bound)
            try writer.insertEpochRow(
                .init(
                    time: Self.nowMS(), source: "api", endpoint: "fork_env", env: to,
                    detail: asOf.map { "from \(from) as of epoch \($0)" } ?? "from \(from)"))
            return epoch
        }
    }
}
