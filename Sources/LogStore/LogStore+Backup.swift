import Foundation

extension LogStore {
    public struct BackupReport: Sendable, Equatable {
        /// The newest epoch the copy holds.
        public let lastEpoch: Int64
        /// Size of the copy.
        public let bytes: Int64
    }

    /// Writes a consistent copy of the store to `file`, a new file, while writers go on: one
    /// read transaction copies the store as of one epoch (`VACUUM INTO`, which also leaves out
    /// free pages), into a temporary file beside `file`; the copy is made a WAL store like any
    /// other, verified by `check`, and only then renamed to `file`. Restoring is copying `file`
    /// back. Throws, leaving no file, when `file` exists or the copy fails its check.
    public func backup(to file: String) throws(LogStoreError) -> BackupReport {
        guard !FileManager.default.fileExists(atPath: file) else {
            throw LogStoreError.io(path: file, reason: "already exists; a backup never overwrites a file")
        }
        let temporary = file + ".partial-\(getpid())"
        defer {
            for suffix in ["", "-wal", "-shm"] { try? FileManager.default.removeItem(atPath: temporary + suffix) }
        }
        do {
            // Not through `read`: VACUUM INTO runs outside a transaction, which makes its own.
            let source = try Connection(path: path, mode: .readOnly)
            try source.busyTimeout(ms: 10_000)
            try source.run("VACUUM INTO ?", [.text(temporary)])
            try source.close()
            let copy = try Connection(path: temporary, mode: .readWrite)
            try copy.execute("PRAGMA journal_mode=WAL")
            try copy.close()
        } catch let error as SQLiteError {
            throw LogStoreError.io(path: file, reason: "backup failed: \(error)")
        } catch {
            throw LogStoreError.io(path: file, reason: "backup failed: \(error)")
        }
        let copy = try LogStore(path: temporary, options: .init(readOnly: true))
        let problems: [String]
        let last: Int64
        do {
            defer { copy.close() }
            problems = try copy.check()
            last = try copy.lastEpoch
        }
        guard problems.isEmpty else {
            throw LogStoreError.io(path: file, reason: "the copy fails its check: \(problems[0])")
        }
        guard rename(temporary, file) == 0 else {
            throw LogStoreError.io(path: file, reason: String(cString: strerror(errno)))
        }
        return BackupReport(lastEpoch: last, bytes: fileSize(atPath: file) ?? 0)
    }
}
