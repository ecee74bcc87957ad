/// How far into one replay log (or env file) an import has gone. Written in the same
/// transaction as the messages it covers, so after a crash the store and its progress agree:
/// resuming continues exactly after the last committed line.
public struct ImportProgress: Sendable, Equatable {
    /// The row's key: one imported content (a random id per replay log, `env:` + the hash of its bytes
    /// per env file). Stores older than format version 4 keyed rows by `identity`.
    public let importID: String
    /// What finds the candidate rows for a file: `log:` + a fingerprint of its first line, or
    /// `env:` + a fingerprint of its bytes (see `Importer.fileStart`).
    public let identity: String
    /// Where the file was when it was last imported.
    public let path: String
    /// Complete lines consumed.
    public let lines: Int
    /// Bytes consumed (the offset of the next line).
    public let bytes: Int64
    /// XXH64 (`XXHash64.digest`) of the file's first `bytes` bytes; nil in rows written before
    /// format version 4.
    public let contentHash: [UInt8]?

    public init(importID: String, identity: String, path: String, lines: Int, bytes: Int64, contentHash: [UInt8]?) {
        self.importID = importID
        self.identity = identity
        self.path = path
        self.lines = lines
        self.bytes = bytes
        self.contentHash = contentHash
    }

    func record(in db: Connection, epoch: Int64) throws { try ImportProgressTable.record(self, epoch: epoch, db) }
}

extension LogStore {
    /// The progress rows of files whose identity is `identity` (see `ImportProgress`), longest
    /// first: every replay log imported that starts with the same first line.
    public func importProgress(identity: String) throws(LogStoreError) -> [ImportProgress] {
        try read(asOf: nil) { db, _ in try ImportProgressTable.rows(identity: identity, db) }
    }

    /// The progress rows of files last imported from `path` (compared byte for byte).
    public func importProgress(path: String) throws(LogStoreError) -> [ImportProgress] {
        try read(asOf: nil) { db, _ in try ImportProgressTable.rows(path: path, db) }
    }
}
