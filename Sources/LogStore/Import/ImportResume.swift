import Foundation

/// Where an import of a replay log starts: after what an earlier import of the same log
/// committed, or at the start.
///
/// A file continues an earlier import only if it *is* that log, grown at its end: its first
/// `bytes` bytes must hash (XXH64 of every byte, no sample) to the hash recorded with that
/// import's progress. A copy of the log under another name is the same log. Another log that
/// merely starts alike (two runs of one script), or the log rewritten in place, starts over.
struct ImportResume {
    /// The progress row this import continues (its `importID` is reused), or nil for a new one.
    let continuing: ImportProgress?
    /// Lines and bytes already imported: where reading starts.
    let start: (lines: Int, bytes: Int64)
    /// The hash of the file's first `start.bytes` bytes, to go on hashing from.
    let hasher: XXHash64
    /// Why a file that looked imported before is imported from its start; nil otherwise.
    let startingOverBecause: String?

    /// Decides for the file at `path` against `candidates` (the rows with its identity,
    /// any order); `samePath` (rows last imported from `path`) only words the reason. With `again`, the import starts at the beginning, still under the row of
    /// the same content if there is one.
    init(path: String, candidates: [ImportProgress], samePath: [ImportProgress] = [], again: Bool) throws(LogStoreError)
    {
        let size = fileSize(atPath: path) ?? 0
        let verifiable = candidates.filter { $0.contentHash != nil && $0.bytes <= size }.sorted { $0.bytes < $1.bytes }
        var match: (ImportProgress, XXHash64)?
        if !verifiable.isEmpty {
            // One pass over the file hashes every candidate's prefix on the way.
            guard let handle = FileHandle(forReadingAtPath: path) else {
                throw .io(path: path, reason: "cannot read the file")
            }
            defer { try? handle.close() }
            var hasher = XXHash64()
            var next = 0
            var buffer = [UInt8](repeating: 0, count: 1 << 20)
            let fd = handle.fileDescriptor
            while next < verifiable.count {
                let target = verifiable[next].bytes
                if hasher.count == target {
                    if hasher.digest() == verifiable[next].contentHash { match = (verifiable[next], hasher) }
                    next += 1
                    continue
                }
                let want = Int(min(Int64(buffer.count), target - hasher.count))
                let n = buffer.withUnsafeMutableBytes { read(fd, $0.baseAddress!, want) }
                if n < 0 && errno == EINTR { continue }
                if n < 0 { throw .io(path: path, reason: "read failed: \(String(cString: strerror(errno)))") }
                if n == 0 { break }  // shrank meanwhile: no longer candidates
                buffer.withUnsafeBytes { hasher.update(UnsafeRawBufferPointer(rebasing: $0.prefix(n))) }
            }
        }
        if let (row, hasher) = match {
            continuing = row
            if again {
                start = (0, 0)
                self.hasher = XXHash64()
            } else {
                start = (row.lines, row.bytes)
                self.hasher = hasher
            }
            startingOverBecause = nil
            return
        }
        continuing = nil
        start = (0, 0)
        hasher = XXHash64()
        startingOverBecause = again ? nil : Self.reason(path: path, candidates: candidates, samePath: samePath)
    }

    /// The one line that says why a file whose first line was seen before starts over.
    private static func reason(path: String, candidates: [ImportProgress], samePath: [ImportProgress]) -> String? {
        guard let newest = candidates.first else {
            guard samePath.contains(where: { $0.identity.hasPrefix("log:") }) else { return nil }
            return "\(path): changed since it was imported (its first line is another): importing it from its start"
        }
        if candidates.allSatisfy({ $0.contentHash == nil }) {
            return
                "\(path): a log that starts like it (\(newest.path)) was imported by an older LogStore, which kept no hash of "
                + "its content: importing it from its start"
        }
        if let same = candidates.first(where: { $0.path == path }) {
            return "\(path): changed since it was imported (its first \(same.lines) lines are not the ones imported: "
                + "truncated or rewritten): importing it from its start"
        }
        return
            "\(path): not the log imported from \(newest.path), though it starts with the same line: importing it from its start"
    }
}
