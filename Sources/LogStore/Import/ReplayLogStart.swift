import Foundation

extension Importer {
    /// What the start of a file says about it, for callers that watch a file before importing
    /// it (`logstore follow`, progress display).
    public enum FileStart: Sendable, Equatable {
        /// Nothing to judge by yet: the file is empty, or its first line has no newline yet.
        case incomplete
        /// A replay log; `identity` is the name under which `importFile` records how far it got
        /// (see `LogStore.importProgress(identity:)`): a fingerprint of the first line.
        case replayLog(identity: String)
        /// Not a replay log (an env file, or neither).
        case other
    }

    /// Reads the file's first line (only that) and tells what it starts as. A replay log's
    /// first line starts with `[` after JSON whitespace, as `importFile` decides.
    public static func fileStart(_ path: String) throws(LogStoreError) -> FileStart {
        var reader = try LineReader(path: path, from: 0)
        guard let probe = FileHandle(forReadingAtPath: path) else {
            throw .io(path: path, reason: "cannot read the file")
        }
        let peek = (try? probe.read(upToCount: 4096)) ?? nil
        try? probe.close()
        guard let first = peek?.first(where: { !JSONWhitespace.contains($0) }) else { return .incomplete }
        guard first == UInt8(ascii: "[") else { return .other }
        guard let line = try reader.next() else { return .incomplete }
        return .replayLog(identity: "log:" + Fingerprint.of(line.bytes))
    }
}
