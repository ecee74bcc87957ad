import Foundation

/// A LogStore store: visdom's envs and windows kept as an append-only log of epochs in one
/// SQLite file. This is the API a visdom-compatible server embeds and the CLI drives.
///
/// Thread safety: every method may be called from any thread. One `Connection` owns the file;
/// a lock serializes its use, which is why the class is `@unchecked Sendable`: the lock is
/// the only path to `db` and `lastEpoch`.
public final class LogStore: @unchecked Sendable {
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
        public init(readOnly: Bool = false, durability: Durability = .normal) {
            self.readOnly = readOnly
            self.durability = durability
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
        public var body: JSONValue
        public var source: String
        public init(_ endpoint: Endpoint, _ body: JSONValue, source: String = "api") {
            self.endpoint = endpoint
            self.body = body
            self.source = source
        }
    }

    public let path: String
    public let options: Options
    private let lock = NSLock()
    private let db: Connection
    private var lastEpochValue: Int64

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
            db = try Connection(path: path, mode: options.readOnly ? .readOnly : .readWriteCreate)
            try db.busyTimeout(ms: 5000)
            try Self.prepare(db, path: path, options: options)
            lastEpochValue = try db.int("SELECT max(epoch) FROM epoch", []) ?? 0
        } catch let e as LogStoreError {
            throw e
        } catch let e as SQLiteError {
            if e.isNotADatabase { throw .notAStore(path: path, reason: "file is not a database") }
            throw .sqlite(e)
        } catch {
            throw .io(path: path, reason: "\(error)")
        }
    }

    private static func prepare(_ db: Connection, path: String, options: Options) throws {
        let appID = try db.int("PRAGMA application_id", []) ?? 0
        let version = Int64(try db.userVersion)
        let tables = try db.int("SELECT count(*) FROM sqlite_schema", []) ?? 0
        if appID == 0 && version == 0 && tables == 0 {
            if options.readOnly { throw LogStoreError.notAStore(path: path, reason: "empty database") }
            try db.execute("PRAGMA journal_mode=WAL")
            try Schema.create(on: db, time: nowMS())
        } else if appID != Schema.applicationID {
            throw LogStoreError.notAStore(path: path, reason: "application_id is \(appID)")
        } else if version > Schema.version {
            throw LogStoreError.newerSchema(path: path, version: version)
        } else if !options.readOnly {
            try db.execute("PRAGMA journal_mode=WAL")
        }
        try db.execute("PRAGMA synchronous=\(options.durability == .full ? "FULL" : "NORMAL")")
    }

    static func nowMS() -> Int64 { Int64(Date().timeIntervalSince1970 * 1000) }

    private func locked<R>(_ body: () throws -> R) throws(LogStoreError) -> R {
        lock.lock()
        defer { lock.unlock() }
        do { return try body() } catch let e as LogStoreError { throw e } catch let e as SQLiteError {
            if e.isReadOnly { throw .readOnly(path: path) }
            throw .sqlite(e)
        } catch { throw .corrupt("\(error)") }
    }

    /// The newest epoch in the store (0 for a new store).
    public var lastEpoch: Int64 { (try? locked { lastEpochValue }) ?? 0 }

    // MARK: writing

    /// Applies one visdom request as one epoch, durable (per `Durability`) when this returns.
    @discardableResult
    public func apply(_ message: Message) throws(LogStoreError) -> Applied {
        try apply([message])[0]
    }

    /// Applies messages as consecutive epochs in ONE transaction (group commit): all of them
    /// become visible and durable together, or, on a storage error, none of them.
    /// `progress` rows (import positions) are written in the same transaction.
    public func apply(_ messages: [Message], progress: [ImportProgress] = []) throws(LogStoreError) -> [Applied] {
        if options.readOnly { throw .readOnly(path: path) }
        return try locked {
            var results: [Applied] = []
            var epoch = lastEpochValue
            try db.transaction(.immediate) {
                for m in messages {
                    epoch += 1
                    results.append(try applyOne(m, epoch: epoch))
                }
                for p in progress { try p.record(in: db, epoch: epoch) }
            }
            lastEpochValue = epoch
            return results
        }
    }

    private func applyOne(_ m: Message, epoch: Int64) throws -> Applied {
        let writer = EpochWriter(db, epoch: epoch)
        var args = PaneValue(m.body)
        // The visdom client's _send fills in what replay_log and every client call send.
        if case .object(var o) = args {
            args = .null
            if (o["eid"] ?? .null).isNone { o["eid"] = .string("main") }
            if m.endpoint == .events || m.endpoint == .update, let w = o["win"], w.isNone {
                o["win"] = .string(WindowBuilder.newWindowID())
            }
            args = .object(o)
        }
        let outcome = try Handlers.handle(m.endpoint, args, in: writer)
        let env = (try? Handlers.extractEID(args)).map(SQLValue.text) ?? .null
        let win: SQLValue = if case .string(let w)? = args.objectValue?["win"] { .text(w) } else { .null }
        let (status, detail): (String, String) =
            switch outcome {
            case .ok(let body): ("ok", body)
            case .refused(let why): ("refused", why)
            case .failed(let e): ("failed", e.description)
            }
        try db.run(
            "INSERT INTO epoch(epoch, time_ms, source, endpoint, env, win, status, detail) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
            [.integer(epoch), .integer(Self.nowMS()), .text(m.source), .text(m.endpoint.rawValue), env, win,
             .text(status), .text(detail)])
        return Applied(epoch: epoch, outcome: outcome)
    }

    /// Replaces env `name` with the content of a visdom env file (`{"jsons": …, "reload": …}`)
    /// as one epoch, as visdom's server loads an env from its env_path.
    @discardableResult
    public func importEnvFile(name: String, document: JSONValue, source: String, progress: ImportProgress? = nil)
        throws(LogStoreError) -> Int64
    {
        if options.readOnly { throw .readOnly(path: path) }
        guard case .object(let o) = document else { throw .badInput(place: source, reason: "an env file must be a JSON object") }
        guard case .object(let jsons)? = o["jsons"] else {
            throw .badInput(place: source, reason: "field 'jsons' must be an object of windows")
        }
        guard let reload = o["reload"] else { throw .badInput(place: source, reason: "field 'reload' is missing") }
        for (wid, w) in jsons.pairs {
            guard case .object = w else { throw .badInput(place: source, reason: "window '\(wid)' is not an object") }
        }
        return try locked {
            let epoch = lastEpochValue + 1
            try db.transaction(.immediate) {
                try EpochWriter(db, epoch: epoch).importEnv(name, windows: jsons, reload: reload)
                try db.run(
                    "INSERT INTO epoch(epoch, time_ms, source, endpoint, env, status, detail) VALUES (?, ?, ?, 'env_file', ?, 'ok', '')",
                    [.integer(epoch), .integer(Self.nowMS()), .text(source), .text(name)])
                try progress?.record(in: db, epoch: epoch)
            }
            lastEpochValue = epoch
            return epoch
        }
    }

    /// How far a file was imported, as recorded by `apply(_:progress:)`; nil if never.
    public func importProgress(identity: String) throws(LogStoreError) -> ImportProgress? {
        try locked {
            try db.one("SELECT path, lines, bytes FROM import_progress WHERE identity = ?", [.text(identity)]) {
                ImportProgress(identity: identity, path: $0.text(0), lines: Int($0.int64(1)), bytes: $0.int64(2))
            }
        }
    }

    // MARK: reading

    /// Names of the envs that exist (as of `asOf`, default now), sorted.
    public func envNames(asOf: Int64? = nil) throws(LogStoreError) -> [String] {
        try locked { try Catalog(db: db, asOf: try bound(asOf)).envNames() }
    }

    /// The env as visdom saves it: `{"jsons": {WIN: window, …}, "reload": {…}}`.
    public func exportEnv(_ name: String, asOf: Int64? = nil) throws(LogStoreError) -> JSONValue {
        try locked {
            let m = Materializer(db: db, asOf: try bound(asOf))
            guard let env = try m.catalog.env(name) else { throw LogStoreError.noSuchEnv(name) }
            return try m.env(env)
        }
    }

    /// One window as visdom holds it (the value of `jsons[window]`).
    public func exportWindow(env name: String, window wid: String, asOf: Int64? = nil) throws(LogStoreError) -> JSONValue {
        try locked {
            let m = Materializer(db: db, asOf: try bound(asOf))
            guard let env = try m.catalog.env(name) else { throw LogStoreError.noSuchEnv(name) }
            guard let row = try m.catalog.window(wid, env: env) else { throw LogStoreError.noSuchWindow(env: name, window: wid) }
            return try m.window(row)
        }
    }

    /// Runs a read on the store's connection with `asOf` checked and resolved.
    func read<R>(asOf: Int64?, _ body: (Connection, Int64) throws -> R) throws(LogStoreError) -> R {
        try locked { try body(db, try bound(asOf)) }
    }

    private func bound(_ asOf: Int64?) throws -> Int64 {
        guard let asOf else { return .max }
        guard asOf >= 0, asOf <= lastEpochValue else { throw LogStoreError.noSuchEpoch(asOf) }
        return asOf
    }
}
