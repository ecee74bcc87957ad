import Foundation

/// Imports visdom files into a store: replay logs (JSON lines `[endpoint, message]`, as the
/// visdom client writes with `log_to_filename`) and env files (`{"jsons": …, "reload": …}`),
/// told apart by content.
///
/// Replay logs are imported exactly once: each batch of messages commits together with the
/// position reached in the file and a hash of every byte up to it, so importing the same log
/// again (or after a crash) resumes after the last committed line, and a grown log imports
/// only its new lines. A file whose imported bytes changed, or another log that only starts
/// like it, is imported from its start (`ImportResume`).
public struct Importer: Sendable {
    public struct Summary: Sendable, Equatable {
        public var messages = 0
        public var refused = 0
        public var failed = 0
        public var envs: Set<String> = []
        public var skippedLines = 0
        public var alreadyImported = false
        /// A replay log that was imported before and has no new complete line since.
        public var nothingNew = false
        /// The file started over although a log starting alike was imported before: why.
        public var startedOver: String?
        /// The epochs this import wrote, in order (consecutive numbers merged).
        public var epochs: [ClosedRange<Int64>] = []
        public var warnings: [Warning] = []
        public init() {}

        /// Adds `other`'s counts (messages, refused, failed, skipped lines) and envs: the
        /// totals of several imports (`logstore import` of many files, `follow`).
        public mutating func addCounts(of other: Summary) {
            messages += other.messages
            refused += other.refused
            failed += other.failed
            skippedLines += other.skippedLines
            envs.formUnion(other.envs)
        }

        mutating func add(epochs range: ClosedRange<Int64>) {
            if let last = epochs.last, last.upperBound + 1 == range.lowerBound {
                epochs[epochs.count - 1] = last.lowerBound...range.upperBound
            } else {
                epochs.append(range)
            }
        }
    }

    /// Something an import went past without stopping; printed, one line each.
    public enum Warning: Sendable, Equatable, CustomStringConvertible {
        /// The file's last line (number `line`) has no newline yet, so a writer may be in the
        /// middle of it: not imported (a later import of the file takes it).
        case incompleteLastLine(path: String, line: Int)
        /// A bad line skipped (`skipBad`), and why.
        case skippedLine(LogStoreError)

        public var description: String {
            switch self {
            case .incompleteLastLine(let path, let line):
                return "\(path):\(line): incomplete last line (no newline yet); not imported"
            case .skippedLine(let error): return error.description
            }
        }
    }

    /// What an import reports while it runs, on the importing thread.
    public struct Position: Sendable {
        public let path: String
        /// Bytes that earlier imports of this file had done: where this one started.
        public let resumedAt: Int64
        /// Bytes of the file imported and committed so far, `resumedAt` included.
        public let committed: Int64
        /// The epochs the batch that just committed wrote; nil when nothing committed yet.
        public let epochs: ClosedRange<Int64>?
    }

    public let store: LogStore
    /// Messages per transaction (group commit), at most.
    public var batchSize: Int
    /// Bytes of log lines per transaction, about: a batch ends at the first line that reaches
    /// this. Keeps memory bounded when messages are large, and each transaction's dirty pages
    /// within SQLite's page cache (a transaction that outgrows it spills and reads pages back).
    public var batchBytes = 1 << 20
    /// Warn about malformed lines and go on, instead of stopping at the first.
    public var skipBad: Bool
    /// Import from the start even if the file was imported before.
    public var again: Bool
    /// Asked after each batch is handed to the store; `true` ends the import once that batch
    /// has committed (what is committed stays, and the next import resumes after it). Lets
    /// `follow` stop promptly on a signal.
    public var shouldStop: (@Sendable () -> Bool)?
    /// Told where an import starts and after each batch that committed (progress display,
    /// and what a command wrote even if a later line fails).
    public var onPosition: (@Sendable (Position) -> Void)?

    public init(store: LogStore, batchSize: Int = 2000, skipBad: Bool = false, again: Bool = false) {
        self.store = store
        self.batchSize = batchSize
        self.skipBad = skipBad
        self.again = again
    }

    public func importFile(_ path: String) throws(LogStoreError) -> Summary {
        var isDir: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isDir) else {
            throw .io(path: path, reason: "no such file")
        }
        if isDir.boolValue { throw .io(path: path, reason: "is a directory") }
        var probe = try LineReader(path: path, from: 0)
        let head = try probe.next()
        // An env file may have no newline at all; a replay log may still be writing its first line.
        switch try Self.firstByte(path) {
        case UInt8(ascii: "{"): return try importEnvFile(path)
        case UInt8(ascii: "["):
            guard let head else {
                var summary = Summary()
                summary.warnings.append(.incompleteLastLine(path: path, line: 1))
                return summary
            }
            return try importReplayLog(path, firstLine: head.bytes)
        case 0: throw .badInput(place: path, reason: "empty file")
        default: throw .badInput(place: "\(path):1", reason: "neither a visdom replay log nor an env file")
        }
    }

    /// Nesting allowed in an env file (messages: the reader's default, 512).
    static let envFileMaxDepth = 990

    /// visdom names an env loaded from its env_path after the file, with every ".json" removed.
    public static func envName(forFile path: String) -> String {
        URL(fileURLWithPath: path).lastPathComponent.replacingOccurrences(of: ".json", with: "")
    }

    private func importEnvFile(_ path: String) throws(LogStoreError) -> Summary {
        let bytes: [UInt8]
        do { bytes = [UInt8](try Data(contentsOf: URL(fileURLWithPath: path))) } catch {
            throw .io(path: path, reason: "cannot read the file")
        }
        let identity = "env:" + Fingerprint.of(bytes[...])
        let contentHash = XXHash64.hash(bytes)
        var summary = Summary()
        // A row from before format version 4 has no hash; its identity covers every byte.
        if !again,
            try store.importProgress(identity: identity).contains(where: {
                $0.contentHash == nil || $0.contentHash == contentHash
            })
        {
            summary.alreadyImported = true
            return summary
        }
        let doc: JSONValue
        // An env holds its windows a few levels below where a message holds them, so an env
        // exported from messages at the message depth limit must still load: allow what
        // Python's json.loads allows (about 1000 levels), as visdom loads env files with it.
        do { doc = try JSONReader.parse(bytes, maxDepth: Self.envFileMaxDepth) } catch {
            throw .badInput(place: path, reason: "\(error)")
        }
        let name = Self.envName(forFile: path)
        let epoch = try store.importEnvFile(
            name: name, document: doc, source: path,
            progress: ImportProgress(
                importID: "env:" + String(bytes.count) + ":" + contentHash.map { String(format: "%02x", $0) }.joined(),
                identity: identity,
                path: path, lines: 1, bytes: Int64(bytes.count), contentHash: contentHash))
        summary.messages = 1
        summary.envs.insert(name)
        summary.add(epochs: epoch...epoch)
        onPosition?(Position(path: path, resumedAt: 0, committed: Int64(bytes.count), epochs: epoch...epoch))
        return summary
    }

    private func importReplayLog(_ path: String, firstLine: ArraySlice<UInt8>) throws(LogStoreError) -> Summary {
        var summary = Summary()
        let identity = "log:" + Fingerprint.of(firstLine)
        let resume = try ImportResume(
            path: path, candidates: try store.importProgress(identity: identity),
            samePath: try store.importProgress(path: path), again: again)
        // A copy of the log under another name continues under a row of its own, so that the
        // file imported before keeps its row (and stays "imported" at its own length).
        let importID =
            resume.continuing.flatMap { $0.path == path ? $0.importID : nil } ?? UUID().uuidString.lowercased()
        summary.startedOver = resume.startingOverBecause
        var start = resume.start
        let resumedAt = start.bytes
        // The hash of every byte read so far; each batch's progress row holds the hash of the
        // bytes up to its last line.
        var hasher = resume.hasher
        var reader = try LineReader(path: path, from: start.bytes)
        onPosition?(Position(path: path, resumedAt: resumedAt, committed: resumedAt, epochs: nil))
        var lineNo = start.lines
        var batch: [LogStore.Message] = []
        var bytes = 0
        var batchEnd = start
        // The batch the store is applying (on the writer thread) while this thread parses the
        // next one. Batches are handed over one at a time, in file order, so each commits after
        // the one before it, with its own progress.
        var applying: PendingBatch?
        // An error leaves no batch behind it still being applied.
        defer { _ = try? applying?.wait() }

        /// Waits until the batch being applied has committed; nil if there is none.
        func finish() throws(LogStoreError) -> (PendingBatch, [LogStore.Applied])? {
            guard let pending = applying else { return nil }
            applying = nil
            return (pending, try pending.wait())
        }

        func count(_ finished: (PendingBatch, [LogStore.Applied])?) {
            guard let (pending, applied) = finished else { return }
            let epochs = applied.first.map { $0.epoch...applied.last!.epoch }
            if let epochs { summary.add(epochs: epochs) }
            onPosition?(Position(path: path, resumedAt: resumedAt, committed: pending.progress.bytes, epochs: epochs))
            for (m, a) in zip(pending.messages, applied) {
                summary.messages += 1
                if case .refused = a.outcome { summary.refused += 1 }
                if case .failed = a.outcome { summary.failed += 1 }
                if case .string(let e)? = m.bodyMember("eid") {
                    summary.envs.insert((try? Handlers.escapeEID(.string(e))) ?? e)
                } else {
                    summary.envs.insert("main")
                }
            }
        }

        func collect() throws(LogStoreError) { count(try finish()) }

        func flush() throws(LogStoreError) {
            guard !batch.isEmpty || batchEnd != start else { return }
            // The next batch goes to the store as soon as the one before it has committed;
            // counting that one's outcomes and freeing its messages (about a tenth of what
            // applying them cost) happen afterwards, while the store applies the next batch,
            // instead of keeping the applying thread waiting.
            let finished = try finish()
            withExtendedLifetime(finished) {
                let progress = ImportProgress(
                    importID: importID, identity: identity, path: path, lines: batchEnd.lines,
                    bytes: batchEnd.bytes, contentHash: hasher.digest())
                applying = PendingBatch(batch, progress: progress, store: store)
                batch = []
                bytes = 0
                start = batchEnd
                count(finished)
            }
        }

        while let line = try reader.next() {
            lineNo += 1
            defer { batchEnd = (lineNo, line.end) }
            if line.bytes.allSatisfy({ JSONWhitespace.contains($0) }) {
                hasher.update(line.bytes)
                hasher.update(byte: UInt8(ascii: "\n"))
                continue
            }
            do {
                batch.append(try LogLine.parse(line.bytes, place: "\(path):\(lineNo)"))
                bytes += line.bytes.count
            } catch {
                if !skipBad {
                    try flush()
                    try collect()
                    throw error
                }
                summary.skippedLines += 1
                summary.warnings.append(.skippedLine(error))
            }
            // After the line is known to be imported (or skipped): a batch flushed for a bad
            // line ends before it, with the hash of the bytes before it.
            hasher.update(line.bytes)
            hasher.update(byte: UInt8(ascii: "\n"))
            if batch.count >= batchSize || bytes >= batchBytes {
                batchEnd = (lineNo, line.end)
                try flush()
                if shouldStop?() == true {
                    try collect()
                    return summary
                }
            }
        }
        if reader.partial > 0 {
            summary.warnings.append(.incompleteLastLine(path: path, line: lineNo + 1))
        }
        try flush()
        try collect()
        summary.nothingNew = resumedAt > 0 && summary.messages == 0 && summary.skippedLines == 0
        return summary
    }

    /// The file's first byte that is not JSON whitespace; 0 for an empty file.
    static func firstByte(_ path: String) throws(LogStoreError) -> UInt8 {
        guard let h = FileHandle(forReadingAtPath: path) else { throw .io(path: path, reason: "cannot read the file") }
        defer { try? h.close() }
        while let data = try? h.read(upToCount: 4096), !data.isEmpty {
            if let b = data.first(where: { !JSONWhitespace.contains($0) }) { return b }
        }
        return 0
    }
}

/// A batch of messages being applied on another thread, so that the importing thread parses
/// the next batch meanwhile (on two cores, parsing and appending overlap).
private final class PendingBatch: @unchecked Sendable {
    let messages: [LogStore.Message]
    let progress: ImportProgress
    private let done = DispatchSemaphore(value: 0)
    // Written once by the applying thread before `done` is signalled, read after `wait`.
    private var result: Result<[LogStore.Applied], LogStoreError>?
    /// Dropped by the applying thread before it signals: the block itself is released by
    /// Dispatch some time after it returns, and were it the store's last owner the store would
    /// close (and its writer finish) on a worker thread, after the importer's caller returned.
    private var store: LogStore?

    init(_ messages: [LogStore.Message], progress: ImportProgress, store: LogStore) {
        self.messages = messages
        self.progress = progress
        self.store = store
        DispatchQueue.global().async { [self] in
            if let store = self.store {
                result = Result { () throws(LogStoreError) in try store.apply(messages, progress: [progress]) }
            }
            self.store = nil
            done.signal()
        }
    }

    func wait() throws(LogStoreError) -> [LogStore.Applied] {
        done.wait()
        return try result!.get()
    }
}

/// JSON's whitespace bytes.
let JSONWhitespace: Set<UInt8> = [0x20, 0x09, 0x0a, 0x0d]

extension LogStore.Message {
    /// Decodes one replay log line (`[endpoint, message]`, without its newline); `place`
    /// (FILE:LINE) names it in errors.
    public static func decode(logLine bytes: ArraySlice<UInt8>, place: String) throws(LogStoreError) -> LogStore.Message
    {
        try LogLine.parse(bytes, place: place)
    }
}

/// One replay log line: `[endpoint, message]`.
enum LogLine {
    /// The message body is parsed straight into the rules' `PaneValue` (by the importing
    /// thread, while the writer applies the previous batch), not into a `JSONValue` first.
    static func parse(_ line: ArraySlice<UInt8>, place: String) throws(LogStoreError) -> LogStore.Message {
        let value: PaneValue
        do {
            value = try line.withUnsafeBytes { buf throws(JSONSyntaxError) in
                try JSONReader.parse(buf, as: PaneValue.self)
            }
        } catch {
            throw .badInput(place: place, reason: "\(error)")
        }
        guard case .array(let pair) = value, pair.count == 2, case .string(let name) = pair[0],
            case .object = pair[1]
        else {
            throw .badInput(place: place, reason: "not an [endpoint, object] pair")
        }
        guard let endpoint = Endpoint(rawValue: name) else {
            throw .badInput(place: place, reason: "unknown endpoint '\(name)'")
        }
        return LogStore.Message(endpoint, pane: pair[1], source: place)
    }
}

/// A short content fingerprint (64-bit FNV-1a plus length) that identifies a file by its
/// first line or its bytes.
enum Fingerprint {
    static func of(_ bytes: ArraySlice<UInt8>) -> String {
        var h: UInt64 = 0xcbf2_9ce4_8422_2325
        for b in bytes {
            h ^= UInt64(b)
            h = h &* 0x100_0000_01b3
        }
        return String(h, radix: 16) + "-" + String(bytes.count)
    }
}
