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
            continues after the last imported line. An env file ({"jsons": ..., "reload": ...})
            replaces the env named after the file, as visdom's server loads it. A directory is
            a visdom env_path such as ~/.visdom: its env files (*.json) are imported; its view/
            folder and any other entry are skipped and named in one line.
            A malformed line stops the import with its FILE:LINE (the lines before it are
            kept); --skip-bad warns about it and goes on. The last line on stderr is a summary;
            a terminal also shows progress.
            """,
        positional: .oneOrMore("PATH", help: "A replay log, an env file, or an env_path directory"),
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
                throw LogStoreError.io(path: path, reason: isDirectory.boolValue ? "cannot read the directory" : "cannot read the file")
            }
            if isDirectory.boolValue {
                let dir = try EnvPath(scanning: path)
                inputs += dir.envFiles.map { Input(path: $0, bytes: size(of: $0)) }
                skipped += dir.skipped.map { (path as NSString).appendingPathComponent($0) }
            } else {
                inputs.append(Input(path: path, bytes: size(of: path)))
            }
        }
        let store = try context.openStore(durability: try arguments.durability())
        let importer = Importer(store: store, skipBad: arguments.flag("--skip-bad"), again: arguments.flag("--again"))
        let firstEpoch = store.lastEpoch
        let started = Date()
        let display = ImportProgressDisplay(store: store, terminal: context.terminal, totalBytes: inputs.reduce(0) { $0 + $1.bytes })
        var total = Importer.Summary()
        var finished = false
        display.start()
        defer {
            display.stop()
            // After an error the failing file's summary is lost, but the lines it committed are
            // epochs: count what this import committed from the epoch log instead.
            if !finished { total = committed(since: firstEpoch, in: store, skippedLines: total.skippedLines) }
            if !skipped.isEmpty {
                let what = skipped.count == 1 ? "entry that is not an env file" : "entries that are not env files"
                StandardError.write("skipped \(skipped.count) \(what): \(skipped.map(DisplayWidth.sanitize).joined(separator: ", "))\n")
            }
            let points = (try? store.pointsAdded(sinceEpoch: firstEpoch)) ?? 0
            StandardError.write(summary(total, points: points, seconds: Date().timeIntervalSince(started)))
        }
        for input in inputs {
            let identity: String? = if case .replayLog(let id)? = try? Importer.fileStart(input.path) { id } else { nil }
            display.begin(input.path, identity: identity)
            let s = try importer.importFile(input.path)
            display.finish(bytes: input.bytes)
            for w in s.warnings { display.print(context.terminal.warning(DisplayWidth.sanitize(w))) }
            if s.alreadyImported {
                display.print("\(DisplayWidth.sanitize(input.path)): imported before, nothing to do (--again imports it again)\n")
            }
            total.messages += s.messages
            total.refused += s.refused
            total.failed += s.failed
            total.skippedLines += s.skippedLines
            total.envs.formUnion(s.envs)
        }
        finished = true
        return 0
    }

    /// `imported 3 messages, 5 points, 1 env (0 refused, 0 failed, 0 skipped) in 0.01 s`
    static func summary(_ s: Importer.Summary, points: Int, seconds: Double) -> String {
        "imported \(Format.count(s.messages, "message")), \(Format.count(points, "point")), \(Format.count(s.envs.count, "env"))"
            + " (\(s.refused) refused, \(s.failed) failed, \(s.skippedLines) skipped) in \(Format.seconds(seconds))\n"
    }

    /// What the epochs after `epoch` hold, as an import summary.
    static func committed(since epoch: Int64, in store: LogStore, skippedLines: Int) -> Importer.Summary {
        var s = Importer.Summary()
        s.skippedLines = skippedLines
        guard let records = try? store.epochs(limit: Int(max(0, store.lastEpoch - epoch))) else { return s }
        s.messages = records.count
        s.refused = records.count { $0.status == "refused" }
        s.failed = records.count { $0.status == "failed" }
        s.envs = Set(records.compactMap(\.env))
        return s
    }

    private static func size(of path: String) -> Int64 {
        (try? FileManager.default.attributesOfItem(atPath: path)[.size] as? NSNumber)?.int64Value ?? 0
    }
}
