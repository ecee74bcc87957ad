/// How far into one replay log (or env file) an import has gone. Written in the same
/// transaction as the messages it covers, so after a crash the store and its progress agree:
/// resuming continues exactly after the last committed line.
public struct ImportProgress: Sendable, Equatable {
    /// Identifies the file by content (see `ImportSource.identity`), not by name alone.
    public let identity: String
    public let path: String
    /// Complete lines consumed.
    public let lines: Int
    /// Bytes consumed (the offset of the next line).
    public let bytes: Int64

    public init(identity: String, path: String, lines: Int, bytes: Int64) {
        self.identity = identity
        self.path = path
        self.lines = lines
        self.bytes = bytes
    }

    func record(in db: Connection, epoch: Int64) throws {
        try db.run(
            "INSERT OR REPLACE INTO import_progress(identity, path, lines, bytes, epoch) VALUES (?, ?, ?, ?, ?)",
            [.text(identity), .text(path), .integer(Int64(lines)), .integer(bytes), .integer(epoch)])
    }
}
