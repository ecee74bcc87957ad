import Foundation

/// Checkpoints the store's WAL on a thread and connection of its own
/// (`LogStore.Options.checkpoints == .background`, what `logstore serve` uses), so that the
/// writer's commits, and the answers waiting for them, do not: SQLite's automatic checkpoint
/// runs inside the commit that takes the WAL past 1,000 frames, copying its pages into the
/// store file and syncing it (Benchmarks/README.md, issue 17).
///
/// Invariants:
/// - the writer's connection calls `hook` after each commit (`replaceAutoCheckpoint`); each
///   time the WAL has grown by `threshold` frames since the thread's last checkpoint began,
///   and none runs, the thread runs `PRAGMA wal_checkpoint(PASSIVE)`: it copies the frames
///   committed before it began and syncs the store file, while the writer goes on committing;
/// - under a steady stream of commits the thread alone never copies every frame (some are
///   always committed while it copies), and the WAL starts over only once all are copied. So
///   the writer's first commit after a checkpoint of the thread ended, if the WAL then holds
///   `finishAt` frames or more, checkpoints inline (PASSIVE): it copies only what was
///   committed while the thread copied (a few commits' pages), and since nothing commits
///   meanwhile, the WAL starts over at the writer's next transaction unless a reader still
///   needs its frames. Once per `finishAt` frames, where SQLite's automatic checkpoint copies
///   every 1,000 frames inside a commit;
/// - should the thread fall behind, the writer's commit that takes the WAL to `inlineLimit`
///   frames checkpoints inline too, as SQLite's automatic checkpoint does: the WAL stays
///   bounded;
/// - a checkpoint only copies committed frames into the store file and syncs it: a commit is
///   as durable as the store's synchronous setting makes it whether or when a checkpoint ran;
/// - no checkpoint of the thread runs while `holdingOff` runs its body (compaction's own
///   TRUNCATE checkpoint, which another checkpoint would make fail), nor after `stop()`
///   returned; the writer calls `stop()` before its own last checkpoint and close, so the
///   thread's connection is never the last one to close.
final class Checkpointer: @unchecked Sendable {
    /// SQLite's default automatic-checkpoint threshold, in WAL frames.
    static let defaultThreshold = 1000

    let path: String
    let threshold: Int
    /// The frames from which the writer's first commit after the thread's checkpoint copies
    /// the rest, so the WAL starts over.
    var finishAt: Int { 4 * threshold }
    /// The frames at which any commit of the writer checkpoints.
    var inlineLimit: Int { 8 * threshold }
    /// What the writer's connection gets (`Connection.replaceAutoCheckpoint(with:)`).
    private(set) lazy var hook = WALCommitHook { [unowned self] frames in self.committed(frames: frames) }

    // `cond` guards everything below.
    private let cond = NSCondition()
    private var requested = false
    private var started = false
    private var running = false
    /// A checkpoint of the thread ended since the writer's last commit.
    private var caughtUp = false
    /// The WAL's frames when the thread's latest checkpoint was asked for (0 once the WAL
    /// started over).
    private var askedAt = 0
    private var heldOff = 0
    private var stopping = false
    private var finished = false
    /// Checkpoints this thread ran so far (whatever they copied); read by tests.
    private(set) var completed = 0
    /// Commits of the writer that checkpointed inline; read by tests.
    private(set) var inlineCheckpoints = 0
    /// The WAL's frames after the writer's latest commit; read by tests.
    private(set) var framesAfterLastCommit = 0

    init(path: String, threshold: Int = Checkpointer.defaultThreshold) {
        self.path = path
        self.threshold = threshold
    }

    /// Starts the thread; until then commits past the threshold are only noted.
    func start() {
        cond.lock()
        defer { cond.unlock() }
        guard !started, !stopping else { return }
        started = true
        let thread = Thread { [self] in
            nameCurrentThread("LogStore ckpt")
            run()
        }
        thread.start()
    }

    /// After each of the writer's commits: whether that commit checkpoints inline.
    private func committed(frames: Int) -> Bool {
        cond.lock()
        defer { cond.unlock() }
        framesAfterLastCommit = frames
        if frames < askedAt { askedAt = 0 }  // the WAL started over
        let finishing = caughtUp
        caughtUp = false
        if frames >= inlineLimit || (finishing && frames >= finishAt) {
            inlineCheckpoints += 1
            return true
        }
        if frames >= askedAt + threshold && !requested && !running {
            requested = true
            askedAt = frames
            cond.broadcast()
        }
        return false
    }

    /// Waits until this thread has run `count` checkpoints in all (tests).
    func waitForCheckpoints(_ count: Int) {
        cond.lock()
        while completed < count && !finished { cond.wait() }
        cond.unlock()
    }

    /// Runs `body` once no checkpoint of this thread runs, and starts none until it returns.
    func holdingOff<R>(_ body: () throws -> R) rethrows -> R {
        cond.lock()
        heldOff += 1
        while running { cond.wait() }
        cond.unlock()
        defer {
            cond.lock()
            heldOff -= 1
            cond.broadcast()
            cond.unlock()
        }
        return try body()
    }

    /// Waits until the running checkpoint (if any) ends, then ends the thread. Later commits
    /// past the threshold are not checkpointed until the writer's own last checkpoint.
    func stop() {
        cond.lock()
        stopping = true
        cond.broadcast()
        while started && !finished { cond.wait() }
        cond.unlock()
    }

    private func run() {
        var db: Connection?
        while true {
            cond.lock()
            while !stopping && (!requested || heldOff > 0) { cond.wait() }
            if stopping {
                cond.unlock()
                break
            }
            requested = false
            running = true
            cond.unlock()
            do {
                if db == nil {
                    let opened = try Connection(path: path, mode: .readWrite)
                    try opened.keepWALFile()
                    try opened.busyTimeout(ms: 10_000)
                    db = opened
                }
                _ = try db?.checkpoint(.passive)
            } catch {
                // The next commit past the threshold asks again; the writer's last checkpoint
                // on close copies whatever is left.
                try? db?.close()
                db = nil
            }
            cond.lock()
            running = false
            caughtUp = true
            completed += 1
            cond.broadcast()
            cond.unlock()
        }
        try? db?.close()
        cond.lock()
        finished = true
        cond.broadcast()
        cond.unlock()
    }
}
