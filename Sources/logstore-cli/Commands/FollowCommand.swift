import Dispatch
import Foundation
import Glibc
import LogStore

/// `logstore follow [--skip-bad] PATH`
enum FollowCommand: Command {
    static let spec = CommandSpec(
        name: "follow",
        abstract: "Import a replay log as a training run writes it, until interrupted.",
        discussion: """
            Like 'tail -F': every 200 ms the file's size and inode are checked, and new complete
            lines are imported, each message its own epoch, the lines that arrived together in
            one transaction. As with import, the file continues an earlier import only if every
            byte imported is unchanged; a file truncated, rewritten or replaced by another log is
            imported from its start, and one line says so. A file that does not exist yet is
            waited for. A folder is followed as tensorboard's --logdir: every replay log in it
            (by content, at any depth), and each new one as it appears. Stopping (Ctrl-C,
            SIGINT or SIGTERM) finishes the current batch and exits 0. Progress commits with the messages,
            so following again after a stop or a crash resumes exactly after the last imported
            line. Status goes to stderr: one updating line on a terminal, else one line per batch.
            """,
        positional: .one("PATH", help: "The replay log to follow, or a folder of them"),
        options: [
            .init(name: "--skip-bad", valueName: nil, help: "Warn about each malformed line and go on"),
            CommandSpec.durabilityOption,
        ],
        examples: ["logstore --db run.db follow run.jsonl", "logstore follow runs/"])

    static func run(_ arguments: ParsedArguments, _ context: Context) throws -> Int32 {
        let stops = StopSignals()
        let store = try context.openStore(durability: try arguments.durability())
        defer { store.close() }
        let follower = try Follower(
            path: arguments.positionals[0], store: store, skipBad: arguments.flag("--skip-bad"),
            terminal: context.terminal, stops: stops)
        try follower.run()
        return 0
    }
}

/// The follow loop. A timer polls the file and imports what is new; SIGINT and SIGTERM stop
/// it. Both run on one serial queue, so a stop request is handled between two polls, never in
/// the middle of an import: the batch being imported always completes.
///
/// `@unchecked Sendable`: every mutable property is touched only on `queue` (the timer's
/// polls and the stop a signal requests run there), except that `run` reads `failure` after `finished` was
/// signalled by the last block that wrote it.
final class Follower: @unchecked Sendable {
    let path: String
    let store: LogStore
    let skipBad: Bool
    private let status: StatusLine
    private let queue = DispatchQueue(label: "logstore.follow")
    /// Signals are recorded off `queue`, so a stop request is seen while an import runs.
    private let stops: StopSignals
    private let finished = DispatchSemaphore(value: 0)
    private let started = Date()
    private let firstEpoch: Int64

    /// Each file as last seen: identity and size.
    private var seen: [String: (device: UInt64, inode: UInt64, size: Int64)] = [:]
    /// The replay logs of a followed folder, found so far.
    private var following: Set<String> = []
    private var folderSaid = false
    private var waitingSaid = false
    private var stopped = false
    private var total = Importer.Summary()
    private var failure: Error?
    /// The epochs this process wrote (others may write the store too).
    private let written = EpochTally()

    static let pollInterval = DispatchTimeInterval.milliseconds(200)

    init(path: String, store: LogStore, skipBad: Bool, terminal: Terminal, stops: StopSignals) throws(LogStoreError) {
        self.path = path
        self.stops = stops
        self.store = store
        self.skipBad = skipBad
        self.status = StatusLine(terminal: terminal)
        self.firstEpoch = try store.lastEpoch
    }

    /// Follows until a signal or an error; throws the error.
    func run() throws {
        stops.onSignal { [weak self] _ in
            guard let self else { return }
            queue.async { self.stop(nil) }
        }
        let timer = DispatchSource.makeTimerSource(queue: queue)
        timer.schedule(deadline: .now(), repeating: Self.pollInterval)
        timer.setEventHandler { [self] in poll() }
        timer.resume()
        finished.wait()
        timer.cancel()
        if let failure { throw failure }
    }

    private func stop(_ error: Error?) {
        guard !stopped else { return }
        stopped = true
        failure = error
        status.clear()
        // After an error the failing import's summary is lost; its committed lines are epochs.
        if error != nil { total = ImportCommand.committed(written.ranges, in: store, skippedLines: total.skippedLines) }
        let points = (try? store.pointsKept(writtenIn: written.ranges)) ?? 0
        StandardError.write(ImportCommand.summary(total, points: points, seconds: Date().timeIntervalSince(started)))
        finished.signal()
    }

    private func poll() {
        guard !stopped else { return }
        do {
            var isDirectory: ObjCBool = false
            if FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory), isDirectory.boolValue {
                try followFolder()
            } else {
                try importNewLines(path)
            }
        } catch LogStoreError.io(_, "no such file") {
            // Removed between stat and read (a rotation): the next poll sees the new file.
        } catch {
            stop(error)
        }
    }

    /// A folder of runs: every replay log in it (found by content, at any depth, as `import`
    /// finds them), including those that appear while it is followed.
    private func followFolder() throws {
        let folder = try EnvPath(scanning: path)
        let new = folder.replayLogs.filter { !following.contains($0) }
        if !folderSaid {
            folderSaid = true
            status.print(
                "following \(Format.count(new.count, "replay log")) in \(DisplayWidth.sanitize(path)); new ones are picked up as they appear\n"
            )
        } else {
            for log in new { status.print("\(DisplayWidth.sanitize(log)): a new replay log; following it\n") }
        }
        following.formUnion(new)
        for log in folder.replayLogs where stops.received == nil { try importNewLines(log) }
    }

    private func importNewLines(_ path: String) throws {
        var st = stat()
        guard stat(path, &st) == 0 else {
            guard path == self.path else { return }  // a log of a folder, removed
            if !waitingSaid {
                status.print("waiting for \(DisplayWidth.sanitize(path)) to appear\n")
                waitingSaid = true
            }
            return
        }
        waitingSaid = false
        let now = (device: UInt64(st.st_dev), inode: UInt64(st.st_ino), size: Int64(st.st_size))
        // A file replaced or truncated is imported like any other: the importer continues an
        // earlier import only if the file's first bytes are exactly the ones imported, and
        // says so when it starts over.
        if let seen = seen[path], seen.device == now.device, seen.inode == now.inode, seen.size == now.size { return }
        seen[path] = now
        switch try Importer.fileStart(path) {
        case .incomplete: return
        case .other:
            throw CommandFailure(
                "\(DisplayWidth.sanitize(path)): not a replay log (follow reads replay logs; import reads env files)")
        case .replayLog: break
        }
        var importer = Importer(store: store, skipBad: skipBad)
        importer.shouldStop = { [stops] in stops.received != nil }
        importer.onPosition = { [written] in if let epochs = $0.epochs { written.add(epochs) } }
        let s = try importer.importFile(path)
        if let why = s.startedOver { status.print(DisplayWidth.sanitize(why) + "\n") }
        // A line still being written is taken by the next poll: not worth a warning while following.
        for w in s.warnings {
            if case .incompleteLastLine = w { continue }
            status.print(status.terminal.warning(DisplayWidth.sanitize(w.description)))
        }
        total.addCounts(of: s)
        guard s.messages > 0, let first = s.epochs.first?.lowerBound, let after = s.epochs.last?.upperBound else {
            return
        }
        let epochs = after == first ? "epoch \(after)" : "epochs \(first)…\(after)"
        if status.terminal.isTTY {
            status.show(
                "following \(DisplayWidth.sanitize(path)): \(Format.count(total.messages, "message")) (\(total.refused) refused, \(total.failed) failed), last epoch \(after)"
            )
        } else {
            let points = (try? store.pointsKept(writtenIn: s.epochs)) ?? 0
            StandardError.write(
                "\(DisplayWidth.sanitize(path)): \(Format.count(s.messages, "message")), \(Format.count(points, "point")), \(epochs) (\(s.refused) refused, \(s.failed) failed)\n"
            )
        }
    }
}
