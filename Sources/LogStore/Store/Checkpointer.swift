import Foundation

/// Checkpoints the store's WAL on a thread and connection of its own, so that the writer's
/// commits never do: SQLite's automatic checkpoint runs inside the commit that takes the WAL
/// past 1,000 frames, and the writer's answers waited for its page copies and syncs
/// (Benchmarks/README.md, "Where the tail at 64 clients comes from").
///
/// Invariants:
/// - the writer's connection calls `hook` after each commit (`replaceAutoCheckpoint`); once the
///   WAL holds `threshold` frames or more, the thread runs `PRAGMA wal_checkpoint(PASSIVE)`,
///   again after any later commit while it still does: the WAL is bounded as with SQLite's
///   automatic checkpoint (which is PASSIVE too), and starts over at the writer's next
///   transaction once every frame was copied and no reader needs them;
/// - a checkpoint only copies committed frames into the store file and syncs it: a commit is
///   as durable as the store's synchronous setting makes it whether or when a checkpoint ran;
/// - `stop()` returns once the thread's connection is closed; the writer calls it before its
///   own last checkpoint and close, so that connection is never the last one to close.
final class Checkpointer: @unchecked Sendable {
    /// SQLite's default automatic-checkpoint threshold, in WAL frames.
    static let defaultThreshold = 1000

    let path: String
    let threshold: Int
    /// What the writer's connection gets (`Connection.replaceAutoCheckpoint(with:)`).
    private(set) lazy var hook = WALCommitHook { [unowned self] frames in self.committed(frames: frames) }

    // `cond` guards everything below.
    private let cond = NSCondition()
    private var requested = false
    private var started = false
    private var stopping = false
    private var finished = false
    /// Checkpoints run so far (whatever they copied); read by tests.
    private(set) var completed = 0
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
        let thread = Thread { [self] in run() }
        thread.name = "LogStore checkpointer"
        thread.start()
    }

    private func committed(frames: Int) {
        cond.lock()
        framesAfterLastCommit = frames
        if frames >= threshold && !requested {
            requested = true
            cond.signal()
        }
        cond.unlock()
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
            while !requested && !stopping { cond.wait() }
            if stopping {
                cond.unlock()
                break
            }
            requested = false
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
