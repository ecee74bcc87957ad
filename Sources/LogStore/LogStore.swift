import Foundation

/// A LogStore store: visdom's envs and windows kept as an append-only log of epochs in one
/// SQLite file. This is the API a visdom-compatible server embeds and the CLI drives: this file
/// opens and closes a store; the API is in files by concern, `LogStore+Writing.swift`,
/// `LogStore+Reading.swift`, `LogStore+Maintenance.swift`, and for visdom's server and page
/// `Materialize/VisdomReads.swift` and `Materialize/PageReads.swift`; the epoch log in
/// `Inspect/EpochLog.swift`, import positions in `Import/ImportProgress.swift`.
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

    /// Who copies the write-ahead log into the store file (a checkpoint).
    public enum Checkpoints: String, Sendable, CaseIterable {
        /// SQLite's automatic checkpoint, inside the commit that takes the WAL past 1,000
        /// pages: the writes waiting for that commit wait for the copy too. Once a write
        /// returns, the WAL is as SQLite's checkpoint left it.
        case inCommit = "in-commit"
        /// A thread and connection of the store's own, woken every 1,000 pages
        /// (`Checkpointer`): once per 4,000 pages a commit copies what was committed while
        /// that thread copied, so the WAL starts over; a whole checkpoint only if the thread
        /// falls 8,000 pages behind. For servers: when the WAL starts over depends on that
        /// thread's timing.
        case background
    }

    public struct Options: Sendable {
        public var readOnly: Bool
        public var durability: Durability
        /// A quota: the database may not grow past this many pages (`PRAGMA max_page_count`).
        /// A write that would is refused as if the disk were full.
        public var maxPageCount: Int64?
        public var checkpoints: Checkpoints
        /// The writer seals epoch rows every this many epochs (`EpochSealer.sealRecent`; 0:
        /// never). Tests set it; `LOGSTORE_WRITER_EPOCH_RUN` sets the default.
        var writerEpochRun = EpochSealer.defaultWriterRun
        /// Whether the writer's seal takes the epochs it wrote from memory (`RecentEpochs`)
        /// rather than reading their rows back: the same runs either way. Tests compare the two.
        var writerRemembersEpochs = true
        public init(
            readOnly: Bool = false, durability: Durability = .normal, maxPageCount: Int64? = nil,
            checkpoints: Checkpoints = .inCommit
        ) {
            self.readOnly = readOnly
            self.durability = durability
            self.maxPageCount = maxPageCount
            self.checkpoints = checkpoints
        }
    }

    public let path: String
    public let options: Options
    /// nil for a read-only store.
    let writer: Writer?
    /// The writer's checkpoint thread, with `Checkpoints.background`.
    let checkpointer: Checkpointer?
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
                checkpointer = nil
                let check = try Connection.forReading(path: path)
                try check.keepWALFile()
                try check.busyTimeout(ms: 10_000)  // as the pool's readers: a writer may be checkpointing
                try Self.prepare(check, path: path, options: options)
                try check.close()
            } else {
                let checkpointer = options.checkpoints == .background ? Checkpointer(path: path) : nil
                self.checkpointer = checkpointer
                do {
                    writer = try Writer(
                        open: { [options] in
                            let db = try Connection(path: path, mode: .readWriteCreate)
                            try db.keepWALFile()
                            try db.busyTimeout(ms: 10_000)
                            try Self.prepare(db, path: path, options: options)
                            try db.execute("PRAGMA journal_size_limit = \(Self.walSizeLimit)")
                            if let checkpointer {
                                try db.replaceAutoCheckpoint(with: checkpointer.hook)
                                checkpointer.start()
                            }
                            return db
                        },
                        beforeClose: { db in
                            checkpointer?.stop()
                            db.rewindWALForNextSession(
                                maxBytes: Self.walSizeLimit, fileSize: fileSize(atPath: path + "-wal") ?? 0)
                        }, epochRun: options.writerEpochRun, remembersEpochs: options.writerRemembersEpochs)
                } catch {
                    checkpointer?.stop()  // a writer that failed after `open` never calls `beforeClose`
                    throw error
                }
            }
        } catch let error as SQLiteError
            where !options.readOnly && (error.isCantOpen || error.isReadOnly)
            && Connection.onReadOnlyMedia(path)
        {
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
    /// SQLite's automatic checkpoint lets it reach (1,000 pages; `Checkpointer` lets it reach
    /// at most 8,000 and a commit), so that only transactions larger than that (bulk imports)
    /// make it shrink.
    static let walSizeLimit: Int64 = 16 << 20

    private static func prepare(_ db: Connection, path: String, options: Options) throws {
        let file = try FileIdentity.read(db)
        let (appID, version) = (file.applicationID, file.version)
        if file.isEmpty {
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
        case is Writer.Stopped: return .closed(path: path)
        case let e as PyError: return .corrupt("\(e)")
        default: return .corrupt("\(error)")
        }
    }

    /// The newest committed epoch (0 for a new store), by this handle or any other writer of
    /// the file. Throws when the store cannot be read (a read error is not epoch 0).
    public var lastEpoch: Int64 {
        get throws(LogStoreError) {
            let known = writer?.lastEpoch ?? 0
            return max(known, try read(asOf: nil) { db, _ in try EpochTable.latest(db) ?? 0 })
        }
    }

    // MARK: the two ways in: every write (LogStore+Writing, +Maintenance) and read (+Reading, …)

    /// Runs `body` on the writer thread in the transaction of the current group of epochs
    /// (`alone`: in a group of its own), classifying what it throws.
    func write<R>(alone: Bool = false, _ body: @escaping (Writer.Context) throws -> R) throws(LogStoreError) -> R {
        guard let writer else { throw .readOnly(path: path) }
        do { return try writer.perform(alone: alone, body) } catch { throw Self.classify(error, path: path) }
    }

    /// Runs a lookup of the present state that is one SQL statement (`ReaderPool.lookup`): the
    /// statement's own read transaction is its snapshot.
    func lookup<R>(_ body: (Connection) throws -> R) throws(LogStoreError) -> R {
        do { return try readers.lookup(body) } catch { throw Self.classify(error, path: path) }
    }

    /// Runs a read in one read transaction on a reader connection, with `asOf` (nil: now)
    /// checked against the epochs that exist in that snapshot.
    func read<R>(asOf: Int64?, _ body: (Connection, Int64) throws -> R) throws(LogStoreError) -> R {
        do {
            return try readers.read { db in
                guard let asOf else { return try body(db, .max) }
                let last = try EpochTable.latest(db) ?? 0
                guard asOf >= 0, asOf <= last else { throw LogStoreError.noSuchEpoch(asOf) }
                if let compacted = try EpochTable.compactedBefore(db),
                    asOf < compacted
                {
                    throw LogStoreError.compacted(before: compacted)
                }
                return try body(db, asOf)
            }
        } catch {
            throw Self.classify(error, path: path)
        }
    }
}
