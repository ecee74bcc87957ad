import Foundation

/// The store's only writer: one thread that owns the read-write `Connection` and applies
/// write jobs in submission order, many jobs per transaction (group commit). A synchronous
/// caller that finds the writer idle (nothing queued, nothing being applied) applies its job
/// itself instead of waking the writer thread and sleeping until it is done: two thread
/// wake-ups cost more than a whole WAL commit on an idle virtual machine.
///
/// Invariants:
/// - the connection is created and closed on the writer thread, and used by one thread at a
///   time: the writer thread, or the one caller that set `busy` (under `cond`) while the writer
///   was idle; a caller that finds a queue or `busy` queues its job behind the others;
/// - a job's epochs are numbered consecutively after the last committed epoch (re-read when
///   `SeriesTails.revalidate` shows a commit of another connection), and a job that
///   fails gives its numbers back (its savepoint, or the transaction when it is the only job in
///   it, is rolled back), so epochs stay gap-free;
/// - a job's completion runs only after the transaction holding it committed (durable per the
///   store's synchronous setting) or after the job was rolled back with an error.
final class Writer: @unchecked Sendable {
    /// What a job sees: the connection and the epoch counter, inside an open transaction. One
    /// object serves every batch on a connection (`context(on:after:)`): a job uses it only
    /// while it runs.
    final class Context {
        let db: Connection
        /// Heads decoded on `db` by earlier jobs (they outlive the transaction: see HeadCache).
        let heads: HeadCache
        /// Where series written on `db` end; valid across jobs as `SeriesTails` states.
        let tails: SeriesTails
        /// Env and window rows looked up on `db`; valid across jobs as `CatalogLookups` states.
        let lookups: CatalogLookups
        /// The writer seals epoch rows every this many epochs (`EpochSealer.sealRecent`; 0: never).
        let epochRun: Int64
        /// The epoch rows written last on `db`, for the seal; valid across jobs as `RecentEpochs` states.
        let recent: RecentEpochs
        private(set) var lastEpoch: Int64
        init(
            db: Connection, heads: HeadCache, tails: SeriesTails, lookups: CatalogLookups, epochRun: Int64,
            recent: RecentEpochs, lastEpoch: Int64
        ) {
            self.db = db
            self.heads = heads
            self.tails = tails
            self.lookups = lookups
            self.epochRun = epochRun
            self.recent = recent
            self.lastEpoch = lastEpoch
        }
        /// The one `EpochWriter` of this context's epochs, made on first use.
        private var writer: EpochWriter?
        func nextEpoch() -> Int64 {
            lastEpoch += 1
            return lastEpoch
        }
        /// The writer of `epoch`, with this context's caches: made once, started anew per epoch,
        /// so that an epoch allocates no writer of its own.
        func epochWriter(_ epoch: Int64) -> EpochWriter {
            if let writer {
                writer.start(epoch)
                return writer
            }
            let made = EpochWriter(self, epoch: epoch)
            writer = made
            return made
        }
        fileprivate func rewind(to epoch: Int64) { lastEpoch = epoch }
    }

    /// A queued job. Not generic: the submitter's result type stays inside the closures made
    /// for it (in the submitter's own, specialized, code), so that running and freeing a job
    /// looks up no generic metadata (a `Job<R>` keeping a `Result<R, Error>?` did, ~1.5k
    /// instructions per job).
    private final class Job {
        /// Runs alone and outside any transaction (VACUUM cannot run inside one).
        let alone: Bool
        /// Runs the submitter's body, which keeps its result itself; returns what it threw.
        private let body: (Context) -> Error?
        /// Hands the outcome to the submitter: nil when the body's result stands, else the error.
        private let completion: (Error?) -> Void
        /// Whether the body's result stands; nil before the job ran.
        private(set) var succeeded: Bool?
        /// What the body threw, or the error the job was rolled back with.
        private(set) var failure: Error?

        init(alone: Bool, body: @escaping (Context) -> Error?, complete: @escaping (Error?) -> Void) {
            self.alone = alone
            self.body = body
            self.completion = complete
        }

        /// Runs the body, keeping what it threw as the outcome.
        func run(_ ctx: Context) {
            failure = body(ctx)
            succeeded = failure == nil
        }
        /// Makes the outcome `error` (the job was rolled back after it ran).
        func fail(_ error: Error) {
            failure = error
            succeeded = false
        }
        /// Hands the outcome to the submitter.
        func complete() { completion(failure) }
    }

    // `cond` guards `pending`, `stopping`, `committedEpoch`, `finished` and `busy`. The
    // properties of reference or collection type below have unchecked exclusivity: every access
    // to them is a short read or write under `cond`, or by whoever set `busy`, and the dynamic
    // access checks cost ~75 instructions each, per job.
    private let cond = NSCondition()
    @exclusivity(unchecked) private var pending: [Job] = []
    private var stopping = false
    private var finished = false
    private var committedEpoch: Int64 = 0
    /// A batch is being applied, by the writer thread or by a caller of `perform`.
    private var busy = false
    /// The connection, set once it is open. Used only by whoever set `busy`.
    @exclusivity(unchecked) private var connection: Connection?
    /// Heads decoded on the connection. Used only by whoever set `busy`.
    private let heads = HeadCache()
    /// Where series written on the connection end. Used only by whoever set `busy`; emptied
    /// here whenever rows may have changed behind it (see `SeriesTails`).
    private let tails = SeriesTails()
    /// Env and window rows looked up on the connection; emptied with `tails` (`forgetRows`).
    private let lookups = CatalogLookups()
    /// The epoch rows written last on the connection (as many as a seal reads: `2 * epochRun`,
    /// none in a database whose texts are not UTF-8); emptied with `tails` (`forgetRows`). Set
    /// once the connection is open.
    private(set) var recent = RecentEpochs(capacity: 0)
    /// Jobs per transaction at most; bounds the latency a burst adds to its last caller.
    private let maxBatch = 4096
    /// Every job's `Context.epochRun`.
    private let epochRun: Int64
    /// The context of the last batch. Used only by whoever set `busy`.
    @exclusivity(unchecked) private var lastContext: Context?

    /// Runs on the writer thread just before the connection closes, after the last job.
    private let beforeClose: @Sendable (Connection) -> Void

    /// Opens the connection on a new thread with `open` (which also validates or creates the
    /// schema) and returns once it is ready, or throws what `open` threw. `beforeClose` gets the
    /// connection once more when the writer stops. `remembersEpochs` false: the seal reads the
    /// epoch rows back (`RecentEpochs`), for comparisons.
    init(
        open: @escaping @Sendable () throws -> Connection,
        beforeClose: @escaping @Sendable (Connection) -> Void = { _ in },
        epochRun: Int64 = EpochSealer.defaultWriterRun, remembersEpochs: Bool = true
    ) throws {
        self.beforeClose = beforeClose
        self.epochRun = epochRun
        let ready = DispatchSemaphore(value: 0)
        nonisolated(unsafe) var failure: Error?
        let thread = Thread { [unowned self] in
            nameCurrentThread("LogStore writer")
            let db: Connection
            do {
                db = try open()
                self.committedEpoch = try EpochTable.latest(db) ?? 0
                if remembersEpochs, try db.texts("PRAGMA encoding", []) == ["UTF-8"] {
                    self.recent = RecentEpochs(capacity: Int(clamping: 2 * epochRun))
                }
                self.connection = db
            } catch {
                failure = error
                ready.signal()
                return
            }
            ready.signal()
            self.run(db)
        }
        thread.start()
        ready.wait()
        if let failure { throw failure }
    }

    /// The newest committed epoch.
    var lastEpoch: Int64 {
        cond.lock()
        defer { cond.unlock() }
        return committedEpoch
    }

    /// What a job submitted after `stop()` fails with (the store reports `.closed`).
    struct Stopped: Error {}

    /// Queues a job; `complete` is called on the writer thread once it is durable or failed.
    func submit<R>(
        _ body: @escaping (Context) throws -> R, alone: Bool = false, complete: @escaping (Result<R, Error>) -> Void
    ) {
        cond.lock()
        if stopping {
            cond.unlock()
            complete(.failure(Stopped()))
            return
        }
        var result: R?
        let job = Job(
            alone: alone,
            body: { ctx in
                let (value, error) = Self.run(body, ctx)
                result = value
                return error
            },
            complete: { error in complete(error.map { .failure($0) } ?? .success(result!)) })
        pending.append(job)
        cond.broadcast()  // the writer thread and stop() may both be waiting on `cond`
        cond.unlock()
    }

    /// Runs a job and waits for it: on this thread if the writer is idle, else behind the
    /// queued jobs on the writer thread. The inline path makes no `Job`: its body runs in a
    /// closure that does not escape, so nothing of it is allocated.
    func perform<R>(alone: Bool = false, _ body: @escaping (Context) throws -> R) throws -> R {
        cond.lock()
        if !busy && pending.isEmpty && !stopping, let db = connection {
            busy = true
            let base = committedEpoch
            cond.unlock()
            var result: R?
            let run = { (ctx: Context) -> Error? in
                let (value, error) = Self.run(body, ctx)
                result = value
                return error
            }
            let (last, failure) = alone ? runAlone(on: db, after: base, run) : commitOne(on: db, after: base, run)
            cond.lock()
            committedEpoch = last
            busy = false
            // Only the writer thread waits for `busy` to clear, and it has a reason to wake only
            // for jobs queued meanwhile or for stop(). Waking it after every inline job cost two
            // thread switches and a contended mutex per synchronous append.
            if !pending.isEmpty || stopping { cond.broadcast() }
            cond.unlock()
            if let failure { throw failure }
            return result!
        }
        cond.unlock()
        let done = DispatchSemaphore(value: 0)
        nonisolated(unsafe) var result: Result<R, Error>!
        submit(body, alone: alone) { r in
            result = r
            done.signal()
        }
        done.wait()
        return try result.get()
    }

    /// Runs `body`: its result, or what it threw. (The caller stores the result after the body
    /// ran: an `inout` argument would hold an access to its variable while every job runs.)
    private static func run<R>(_ body: (Context) throws -> R, _ ctx: Context) -> (R?, Error?) {
        do {
            return (try body(ctx), nil)
        } catch {
            return (nil, error)
        }
    }

    /// Drains queued jobs, closes the connection and ends the thread.
    func stop() {
        cond.lock()
        stopping = true
        cond.broadcast()  // the writer thread and stop() may both be waiting on `cond`
        while !finished { cond.wait() }
        cond.unlock()
    }

    private func run(_ db: Connection) {
        while true {
            cond.lock()
            while busy || (pending.isEmpty && !stopping) { cond.wait() }
            if pending.isEmpty {  // stopping, and no caller is using the connection
                connection = nil
                lastContext = nil
                beforeClose(db)
                try? db.close()
                finished = true
                cond.broadcast()
                cond.unlock()
                return
            }
            let batch = pending[0].alone ? [pending[0]] : Array(pending.prefix(maxBatch).prefix { !$0.alone })
            pending.removeFirst(batch.count)
            busy = true
            let base = committedEpoch
            cond.unlock()

            let last = apply(batch, on: db, after: base)

            cond.lock()
            committedEpoch = last
            busy = false
            cond.unlock()
            for job in batch { job.complete() }
        }
    }

    /// Applies one batch (a lone job outside any transaction, or jobs in one transaction) and
    /// returns the last committed epoch. Called by whoever set `busy`.
    private func apply(_ batch: [Job], on db: Connection, after base: Int64) -> Int64 {
        guard batch.count == 1 else { return commit(batch, on: db, after: base) }
        let job = batch[0]
        let run = { (ctx: Context) -> Error? in
            job.run(ctx)
            return job.failure
        }
        let (last, failure) = job.alone ? runAlone(on: db, after: base, run) : commitOne(on: db, after: base, run)
        // The body's own error is already the job's outcome; any other failed the job after it ran.
        if let failure, job.failure == nil { job.fail(failure) }
        return last
    }

    /// Runs a job that runs alone (outside any transaction): the last committed epoch after it,
    /// and what it threw.
    private func runAlone(on db: Connection, after base: Int64, _ run: (Context) -> Error?) -> (Int64, Error?) {
        // A lone job (compaction) may delete and rewrite segments: no tail survives it.
        forgetRows()
        defer { forgetRows() }
        let failure = run(context(on: db, after: base))
        return ((try? EpochTable.latest(db)) ?? base, failure)
    }

    /// The context for a batch on `db` whose first epoch comes after `base`: the last batch's,
    /// rewound, when it was on the same connection.
    private func context(on db: Connection, after base: Int64) -> Context {
        if let ctx = lastContext, ctx.db === db {
            ctx.rewind(to: base)
            return ctx
        }
        let ctx = Context(
            db: db, heads: heads, tails: tails, lookups: lookups, epochRun: epochRun, recent: recent, lastEpoch: base)
        lastContext = ctx
        return ctx
    }

    /// Empties the caches of rows read or written on the connection (`SeriesTails`,
    /// `CatalogLookups`, `RecentEpochs`): rows may have changed, or be about to change, behind them.
    private func forgetRows() {
        tails.removeAll()
        lookups.removeAll()
        recent.removeAll()
    }

    /// Opens the transaction of a batch whose first epoch comes after `known`: returns the
    /// epoch it comes after, later when another connection committed epochs since. On error
    /// nothing is open and the caches are emptied.
    private func begin(on db: Connection, after known: Int64) throws -> Int64 {
        do {
            try db.begin(.immediate)
            guard tails.revalidate(db) else { return known }
            // Another connection (another process's writer) committed since this one last
            // looked: its rows are behind the caches, and its epochs come before this batch's.
            lookups.removeAll()
            recent.removeAll()
            return try EpochTable.latest(db) ?? known
        } catch {
            forgetRows()
            if !db.isAutocommit { try? db.rollback() }
            throw error
        }
    }

    /// Commits the open transaction; on error rolls it back (if SQLite has not: then
    /// `rolledBackBy` is why) and empties the caches.
    private func finish(on db: Connection, rolledBackBy: Error? = nil) throws {
        do {
            if db.isAutocommit {
                throw rolledBackBy ?? LogStoreError.corrupt("the transaction was rolled back by SQLite")
            }
            try db.commit()
            tails.committed(db)
        } catch {
            forgetRows()
            try? db.rollback()
            throw error
        }
    }

    /// Applies one job in a transaction of its own, with no savepoint: rolling back the
    /// transaction undoes exactly that job (two statements less per synchronous append).
    /// Returns the last committed epoch, and the job's error or the one that rolled it back.
    private func commitOne(on db: Connection, after known: Int64, _ run: (Context) -> Error?) -> (Int64, Error?) {
        let base: Int64
        do { base = try begin(on: db, after: known) } catch { return (known, error) }
        let ctx = context(on: db, after: base)
        if let failure = run(ctx) {
            forgetRows()  // the job's rows are about to be rolled back
            // SQLite may already have rolled back the whole transaction (see `commit`).
            if !db.isAutocommit { try? db.rollback() }
            return (base, failure)
        }
        do {
            try finish(on: db)
            return (ctx.lastEpoch, nil)
        } catch {
            return (base, error)
        }
    }

    /// Applies two or more jobs in one transaction, each in its own savepoint. Returns the last
    /// committed epoch. Transaction control runs on prepared statements (`Connection.begin`,
    /// `commit`, `rollback`; savepoints through the statement cache): `execute` would parse
    /// the same SQL again for every job.
    private func commit(_ batch: [Job], on db: Connection, after known: Int64) -> Int64 {
        let base: Int64
        do {
            base = try begin(on: db, after: known)
        } catch {
            for job in batch { job.fail(error) }
            return known
        }
        let ctx = context(on: db, after: base)
        // The error after which SQLite rolled back the whole transaction, if it did.
        var rolledBackBy: Error?
        for job in batch {
            let before = ctx.lastEpoch
            do {
                try db.cachedStatement("SAVEPOINT job").run()
                job.run(ctx)
                if job.succeeded == false { throw JobFailed() }
                try db.cachedStatement("RELEASE job").run()
            } catch {
                if !(error is JobFailed) { job.fail(error) }
                ctx.rewind(to: before)
                forgetRows()  // the job's rows are about to be rolled back
                do {
                    try db.cachedStatement("ROLLBACK TO job").run()
                    try db.cachedStatement("RELEASE job").run()
                } catch {
                    // SQLite may already have rolled back the whole transaction (e.g. on
                    // SQLITE_FULL, https://sqlite.org/lang_transaction.html); nothing of this
                    // batch is committed then, and every job of it failed for that job's reason.
                    rolledBackBy = job.failure
                    break
                }
            }
        }
        do {
            try finish(on: db, rolledBackBy: rolledBackBy)
            return ctx.lastEpoch
        } catch {
            for job in batch where job.succeeded ?? true { job.fail(error) }
            return base
        }
    }
}

/// A job's body threw (its outcome holds what): its savepoint is rolled back.
private struct JobFailed: Error {}
