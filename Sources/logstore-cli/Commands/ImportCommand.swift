import Foundation
import LogStore

/// `logstore import [--skip-bad] [--again] PATH...`
enum ImportCommand: Command {
    static let spec = CommandSpec(
        name: "import",
        abstract: "Import visdom replay logs, env files and env_path directories.",
        discussion: """
            A replay log (JSON lines ["endpoint", {...}], as the visdom client writes with
            log_to_filename) is imported exactly once: importing it again, or after a crash,
            continues after the last imported line if every byte imported is unchanged (the
            same log grown, under any name); another log that starts alike, or the log
            rewritten, is imported from its start, and one line says so. An env file
            ({"jsons": ..., "reload": ...}) replaces the env named after the file, as visdom's
            server loads it. A directory is a folder of runs, as tensorboard's --logdir: its
            env files (a visdom env_path such as ~/.visdom) and its replay logs, found by
            content at any depth, are imported in the order of their paths; visdom's view/
            folder and any other entry are skipped and named in one line.
            A malformed line stops the import with its FILE:LINE (the lines before it are
            kept); --skip-bad warns about it and goes on. The last line on stderr is a summary
            (points as 'ls' counts them: those this import wrote that the store still holds),
            or after a failure the Error: line; a terminal also shows progress.
            """,
        positional: .oneOrMore("PATH", help: "A replay log, an env file, or a folder of them"),
        options: [
            .init(name: "--skip-bad", valueName: nil, help: "Warn about each malformed line and go on"),
            .init(name: "--again", valueName: nil, help: "Import from the start, even what was imported before"),
            CommandSpec.durabilityOption,
        ],
        examples: ["logstore import ~/.visdom run.jsonl"])

    /// One file to import.
    private struct Input {
        let path: String
        let bytes: Int64
    }

    static func run(_ arguments: ParsedArguments, _ context: Context) throws -> Int32 {
        // Every input is found before the store is opened, so a typo creates no store.
        var inputs: [Input] = []
        var skipped: [String] = []
        for path in arguments.positionals {
            var isDirectory: ObjCBool = false
            guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else {
                throw LogStoreError.io(path: path, reason: "no such file")
            }
            guard FileManager.default.isReadableFile(atPath: path) else {
                throw LogStoreError.io(
                    path: path, reason: isDirectory.boolValue ? "cannot read the directory" : "cannot read the file")
            }
            if isDirectory.boolValue {
                let dir = try EnvPath(scanning: path)
                inputs += dir.files.map { Input(path: $0, bytes: size(of: $0)) }
                skipped += dir.skipped.map { (path as NSString).appendingPathComponent($0) }
            } else {
                inputs.append(Input(path: path, bytes: size(of: path)))
            }
        }
        // Ctrl-C or SIGTERM stops after the batch being committed; the store closes.
        let stop = StopSignals()
        let store = try context.openStore(durability: try arguments.durability())
        defer { store.close() }
        let display = ImportProgressDisplay(terminal: context.terminal, totalBytes: inputs.reduce(0) { $0 + $1.bytes })
        let written = EpochTally()
        var importer = Importer(store: store, skipBad: arguments.flag("--skip-bad"), again: arguments.flag("--again"))
        importer.shouldStop = { stop.received != nil }
        importer.onPosition = { position in
            display.position(position)
            if let epochs = position.epochs { written.add(epochs) }
        }
        let started = Date()
        var total = Importer.Summary()
        var finished = false
        display.start()
        defer {
            display.stop()
            // After an error the failing file's summary is lost, but the batches it committed
            // were reported: count them from the epoch log.
            if !finished { total = committed(written.ranges, in: store, skippedLines: total.skippedLines) }
            if !skipped.isEmpty {
                let what =
                    skipped.count == 1
                    ? "entry that is neither a replay log nor an env file"
                    : "entries that are neither replay logs nor env files"
                StandardError.write(
                    "skipped \(skipped.count) \(what): \(skipped.map(DisplayWidth.sanitize).joined(separator: ", "))\n")
            }
            let points = (try? store.pointsKept(writtenIn: written.ranges)) ?? 0
            StandardError.write(summary(total, points: points, seconds: Date().timeIntervalSince(started)))
            if let signo = stop.received {
                StandardError.write(
                    "stopped by \(StopSignals.name(signo)): what was imported is kept; importing again resumes after it\n"
                )
            }
        }
        for input in inputs where stop.received == nil {
            display.begin(input.path)
            let s = try importer.importFile(input.path)
            display.finish(bytes: input.bytes)
            if let why = s.startedOver { display.print(DisplayWidth.sanitize(why) + "\n") }
            for w in s.warnings { display.print(context.terminal.warning(DisplayWidth.sanitize(w.description))) }
            if s.alreadyImported {
                display.print(
                    "\(DisplayWidth.sanitize(input.path)): imported before, nothing to do (--again imports it again)\n")
            }
            if s.nothingNew {
                display.print(
                    "\(DisplayWidth.sanitize(input.path)): nothing new since it was last imported (--again imports it from its start)\n"
                )
            }
            total.addCounts(of: s)
        }
        finished = true
        return stop.received.map(StopSignals.exitStatus) ?? 0
    }

    /// `imported 3 messages, 5 points, 1 env (0 refused, 0 failed, 0 skipped) in 0.01 s`
    static func summary(_ s: Importer.Summary, points: Int, seconds: Double) -> String {
        "imported \(Format.count(s.messages, "message")), \(Format.count(points, "point")), \(Format.count(s.envs.count, "env"))"
            + " (\(s.refused) refused, \(s.failed) failed, \(s.skippedLines) skipped) in \(Format.seconds(seconds))\n"
    }

    /// What the epochs in `ranges` hold, as an import summary.
    static func committed(_ ranges: [ClosedRange<Int64>], in store: LogStore, skippedLines: Int) -> Importer.Summary {
        var s = Importer.Summary()
        s.skippedLines = skippedLines
        for r in ranges {
            guard let records = try? store.epochs(since: r.lowerBound - 1, limit: nil) else { continue }
            for record in records where r.contains(record.epoch) {
                s.messages += 1
                if record.status == "refused" { s.refused += 1 }
                if record.status == "failed" { s.failed += 1 }
                if let env = record.env { s.envs.insert(env) }
            }
        }
        return s
    }

    private static func size(of path: String) -> Int64 {
        (try? FileManager.default.attributesOfItem(atPath: path)[.size] as? NSNumber)?.int64Value ?? 0
    }
}

/// The epochs one process wrote, as consecutive ranges (other writers may commit in between),
/// collected from the importer's reports on whichever thread makes them.
final class EpochTally: @unchecked Sendable {
    // `lock` guards `list`.
    private let lock = NSLock()
    private var list: [ClosedRange<Int64>] = []

    func add(_ range: ClosedRange<Int64>) {
        lock.withLock {
            if let last = list.last, last.upperBound + 1 == range.lowerBound {
                list[list.count - 1] = last.lowerBound...range.upperBound
            } else {
                list.append(range)
            }
        }
    }

    var ranges: [ClosedRange<Int64>] { lock.withLock { list } }
}
