import Foundation

/// A LogStore store: visdom's envs and windows kept as an append-only log of epochs in one
/// SQLite file. This is the API a visdom-compatible server embeds and the CLI drives.
///
/// Thread safety: every method may be called from any thread. One writer thread owns the only
/// read-write connection and group-commits concurrent writers (`Writer`); reads run on a pool
/// of read-only WAL connections (`ReaderPool`) and never block the writer. Both are Sendable
/// by construction, so the store is too.
public final class LogStore: Sendable {
    public enum Durability: String, Sendable, CaseIterable {
        /// WAL with synchronous=NORMAL: survives a crash of the process; a power loss may lose
        /// the last commits (never corrupts).
        case normal
        /// WAL with synchronous=FULL: a commit that returned survives a power loss.
        case full
    }

    public struct Options: Sendable {
        public var readOnly: Bool
        public var durability: Durability
        /// A quota: the database may not grow past this many pages (`PRAGMA max_page_count`).
        /// A write that would is refused as if the disk were full.
        public var maxPageCount: Int64?
        public init(readOnly: Bool = false, durability: Durability = .normal, maxPageCount: Int64? = nil) {
            self.readOnly = readOnly
            self.durability = durability
            self.maxPageCount = maxPageCount
        }
    }

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

    public let path: String
    public let options: Options
    /// nil for a read-only store.
    private let writer: Writer?
    private let readers: ReaderPool
    /// Window JSON this handle materialized, kept while the window is unchanged (`windowJSON`).
    let windowCache = WindowCache(capacity: 64 << 20)

    /// Opens the store at `path`, creating it (with the empty env "main") if the file does not
    /// exist and the store is not read-only. A file that is not a LogStore store, or that a
    /// newer LogStore wrote, is refused before anything is written to it.
    public init(path: String, options: Options = Options()) throws(LogStoreError) {
        self.path = path
        self.options = options
        var isDir: ObjCBool = false
        let exists = FileManager.default.fileExists(atPath: path, isDirectory: &isDir)
        if isDir.boolValue { throw .notAStore(path: path, reason: "it is a directory") }
        if !exists && options.readOnly { throw .io(path: path, reason: "no such file") }
        do {
            if options.readOnly {
                writer = nil
                let check = try Connection.forReading(path: path)
                try check.keepWALFile()
                try check.busyTimeout(ms: 10_000)  // as the pool's readers: a writer may be checkpointing
                try Self.prepare(check, path: path, options: options)
                try check.close()
            } else {
                writer = try Writer(open: { [options] in
                    let db = try Connection(path: path, mode: .readWriteCreate)
                    try db.keepWALFile()
                    try db.busyTimeout(ms: 10_000)
                    try Self.prepare(db, path: path, options: options)
                    try db.execute("PRAGMA journal_size_limit = \(Self.walSizeLimit)")
                    return db
                }, beforeClose: { db in
                    db.rewindWALForNextSession(maxBytes: Self.walSizeLimit, fileSize: Importer.size(of: path + "-wal") ?? 0)
                })
            }
        } catch let error as SQLiteError where !options.readOnly && (error.isCantOpen || error.isReadOnly)
                    && Connection.onReadOnlyMedia(path) {
            throw .readOnly(path: path)  // on read-only media: readable, not writable
        } catch {
            throw Self.classify(error, path: path)
        }
        readers = ReaderPool(path: path)
    }

    deinit { writer?.stop() }

    /// Finishes the writes queued so far, checkpoints the write-ahead log into the store file
    /// and closes every connection: once it returns, the store file alone holds the whole store
    /// (unless another process reads or writes it meanwhile). A process that writes calls it
    /// before it exits, also on SIGINT and SIGTERM. Later writes throw; reads reopen a
    /// connection. Calling it again does nothing; `deinit` calls it too.
    public func close() {
        writer?.stop()
        readers.closeIdle()
    }

    /// The size a store's WAL file is brought back to when SQLite starts it over, and the
    /// largest it is kept at between sessions (see `Connection+WAL.swift`): four times what
    /// SQLite's automatic checkpoint lets it reach (1,000 pages), so that only transactions
    /// larger than that (bulk imports) make it shrink.
    static let walSizeLimit: Int64 = 16 << 20

    private static func prepare(_ db: Connection, path: String, options: Options) throws {
        // Read in one transaction: another process may be creating the store meanwhile, and
        // these three must describe one state of the file.
        let (appID, version, tables) = try db.transaction(.deferred) {
            (try db.int("PRAGMA application_id", []) ?? 0, Int64(try db.userVersion), try db.int("SELECT count(*) FROM sqlite_schema", []) ?? 0)
        }
        if appID == 0 && version == 0 && tables == 0 {
            if options.readOnly { throw LogStoreError.notAStore(path: path, reason: "empty database") }
            // Another process may create it at the same moment: then check what it created.
            if try !Schema.create(on: db, time: nowMS()) { return try prepare(db, path: path, options: options) }
        } else if appID != Schema.applicationID {
            throw LogStoreError.notAStore(path: path, reason: "application_id is \(appID)")
        } else if version > Schema.version {
            throw LogStoreError.newerSchema(path: path, version: version)
        } else if !options.readOnly {
            try db.execute("PRAGMA journal_mode=WAL")
            // A read-only handle reads an older version as it is; a writable one upgrades it
            // first, since it writes rows of the current version.
            if version < Schema.version { try Schema.migrate(db) }
        }
        if !options.readOnly {
            try db.execute("PRAGMA synchronous=\(options.durability == .full ? "FULL" : "NORMAL")")
        }
        if let pages = options.maxPageCount { try db.execute("PRAGMA max_page_count=\(pages)") }
    }

    static func nowMS() -> Int64 { Int64(Date().timeIntervalSince1970 * 1000) }

    static func classify(_ error: Error, path: String) -> LogStoreError {
        switch error {
        case let e as LogStoreError: return e
        case let e as SQLiteError:
            if e.isNotADatabase { return .notAStore(path: path, reason: "file is not a database") }
            if e.isReadOnly { return .readOnly(path: path) }
            if e.isFull { return .full(path: path) }
            if e.isCantOpen { return .io(path: path, reason: "cannot open the store (\(e.message))") }
            return .sqlite(e)
        case let e as PyError: return .corrupt("\(e)")
        default: return .corrupt("\(error)")
        }
    }

    /// The newest committed epoch (0 for a new store), by this handle or any other writer of
    /// the file.
    public var lastEpoch: Int64 {
        let known = writer?.lastEpoch ?? 0
        return max(known, (try? read(asOf: nil) { db, _ in try db.int("SELECT max(epoch) FROM epoch", []) ?? 0 }) ?? 0)
    }

    // MARK: writing

    func write<R>(alone: Bool = false, _ body: @escaping (Writer.Context) throws -> R) throws(LogStoreError) -> R {
        guard let writer else { throw .readOnly(path: path) }
        do { return try writer.perform(alone: alone, body) } catch { throw Self.classify(error, path: path) }
    }

    /// Applies one visdom request as one epoch, durable (per `Durability`) when this returns.
    @discardableResult
    public func apply(_ message: Message) throws(LogStoreError) -> Applied {
        try apply([message])[0]
    }

    /// Applies messages as consecutive epochs, atomically: all of them become visible and
    /// durable together, or, on a storage error, none of them. Concurrent callers share
    /// transactions (group commit); `progress` rows (import positions) commit with the messages.
    public func apply(_ messages: [Message], progress: [ImportProgress] = []) throws(LogStoreError) -> [Applied] {
        try write { ctx in try Self.applyAll(messages, progress: progress, ctx) }
    }

    /// The async form for servers: suspends until the message's epoch is durable.
    public func apply(_ message: Message) async throws(LogStoreError) -> Applied {
        guard let writer else { throw .readOnly(path: path) }
        let path = self.path
        do {
            return try await withCheckedThrowingContinuation { (k: CheckedContinuation<Applied, Error>) in
                writer.submit({ ctx in try Self.applyAll([message], progress: [], ctx)[0] }) { result in
                    k.resume(with: result.map { $0 as! Applied })
                }
            }
        } catch {
            throw Self.classify(error, path: path)
        }
    }

    private static func applyAll(_ messages: [Message], progress: [ImportProgress], _ ctx: Writer.Context) throws -> [Applied] {
        var results: [Applied] = []
        results.reserveCapacity(messages.count)
        for m in messages { results.append(try applyOne(m, epoch: ctx.nextEpoch(), ctx)) }
        for p in progress { try p.record(in: ctx.db, epoch: ctx.lastEpoch) }
        return results
    }

    private static func applyOne(_ m: Message, epoch: Int64, _ ctx: Writer.Context) throws -> Applied {
        let writer = EpochWriter(ctx, epoch: epoch)
        var args = m.pane
        // The visdom client's _send fills in what replay_log and every client call send.
        // (`/env/<eid>` is the client's own call and keeps its body as sent.) Looked at first,
        // since writing to the body copies it, and almost every message already has both.
        if m.endpoint != .openEnv, case .object(let view) = args {
            let noEID = (view["eid"] ?? .null).isNone
            let noWin = (m.endpoint == .events || m.endpoint == .update) && view["win"]?.isNone == true
            if noEID || noWin, case .object(var o) = args {
                args = .null
                if noEID { o["eid"] = .string("main") }
                if noWin { o["win"] = .string(WindowBuilder.newWindowID()) }
                args = .object(o)
            }
        }
        let outcome = try Handlers.handle(m.endpoint, args, in: writer)
        var row = EpochWriter.EpochRow(time: nowMS(), source: m.source, endpoint: m.endpoint.rawValue,
                                       env: try? Handlers.extractEID(args))
        if case .string(let w)? = args.objectValue?["win"] { row.win = w }
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
        guard case .object(let o) = document else { throw .badInput(place: source, reason: "an env file must be a JSON object") }
        guard case .object(let jsons)? = o["jsons"] else {
            throw .badInput(place: source, reason: "field 'jsons' must be an object of windows")
        }
        guard let reload = o["reload"] else { throw .badInput(place: source, reason: "field 'reload' is missing") }
        // A window may be any JSON value: visdom loads env files without looking inside, and
        // `win_data` stores whatever JSON it is given as one window (a list, a number, ...).
        return try write { ctx in
            let epoch = ctx.nextEpoch()
            let writer = EpochWriter(ctx, epoch: epoch)
            try writer.importEnv(name, windows: jsons, reload: reload)
            try writer.insertEpochRow(.init(time: Self.nowMS(), source: source, endpoint: "env_file", env: name))
            try progress?.record(in: ctx.db, epoch: epoch)
            return epoch
        }
    }

    // MARK: reading

    /// Names of the envs that exist (as of `asOf`, default now), sorted.
    public func envNames(asOf: Int64? = nil) throws(LogStoreError) -> [String] {
        try read(asOf: asOf) { db, bound in try Catalog(db: db, asOf: bound).envNames() }
    }

    /// The env as visdom saves it: `{"jsons": {WIN: window, …}, "reload": {…}}`.
    public func exportEnv(_ name: String, asOf: Int64? = nil) throws(LogStoreError) -> JSONValue {
        try read(asOf: asOf) { db, bound in
            let m = Materializer(db: db, asOf: bound)
            guard let env = try m.catalog.env(name) else { throw LogStoreError.noSuchEnv(name) }
            return try m.env(env)
        }
    }

    /// One window as visdom holds it (the value of `jsons[window]`).
    public func exportWindow(env name: String, window wid: String, asOf: Int64? = nil) throws(LogStoreError) -> JSONValue {
        try read(asOf: asOf) { db, bound in
            let m = Materializer(db: db, asOf: bound)
            guard let env = try m.catalog.env(name) else { throw LogStoreError.noSuchEnv(name) }
            guard let row = try m.catalog.window(wid, env: env) else { throw LogStoreError.noSuchWindow(env: name, window: wid) }
            return try m.window(row)
        }
    }

    /// Runs a read in one read transaction on a reader connection, with `asOf` (nil: now)
    /// checked against the epochs that exist in that snapshot.
    func read<R>(asOf: Int64?, _ body: (Connection, Int64) throws -> R) throws(LogStoreError) -> R {
        do {
            return try readers.read { db in
                guard let asOf else { return try body(db, .max) }
                let last = try db.int("SELECT max(epoch) FROM epoch", []) ?? 0
                guard asOf >= 0, asOf <= last else { throw LogStoreError.noSuchEpoch(asOf) }
                if let compacted = try db.int("SELECT value FROM meta WHERE key = 'compacted_before'", []), asOf < compacted {
                    throw LogStoreError.compacted(before: compacted)
                }
                return try body(db, asOf)
            }
        } catch {
            throw Self.classify(error, path: path)
        }
    }
}
