/// The `import_progress` table (schema.sql, import_progress): one row per imported content,
/// written in the transaction of the messages it covers.
enum ImportProgressTable {
    private static let columns = "import_id, identity, path, lines, bytes, content_hash"

    static func record(_ progress: ImportProgress, epoch: Int64, _ db: Connection) throws {
        try db.run(
            "INSERT OR REPLACE INTO import_progress(\(columns), epoch) VALUES (?, ?, ?, ?, ?, ?, ?)",
            [
                .text(progress.importID), .text(progress.identity), .text(progress.path),
                .integer(Int64(progress.lines)), .integer(progress.bytes),
                progress.contentHash.map { .blob($0) } ?? .null,
                .integer(epoch),
            ])
    }

    /// The rows whose identity is `identity`, longest first.
    static func rows(identity: String, _ db: Connection) throws -> [ImportProgress] {
        try rows(where: "identity = ?", .text(identity), db)
    }

    /// The rows of files last imported from `path` (compared byte for byte), longest first.
    static func rows(path: String, _ db: Connection) throws -> [ImportProgress] {
        try rows(where: "CAST(path AS BLOB) = CAST(? AS BLOB)", .text(path), db)
    }

    private static func rows(where condition: String, _ value: SQLValue, _ db: Connection) throws -> [ImportProgress] {
        try db.all(
            "SELECT \(columns) FROM import_progress WHERE \(condition) ORDER BY bytes DESC, import_id", [value]
        ) { st in
            var row = st.columns
            return ImportProgress(
                importID: row.text(), identity: row.text(), path: row.text(), lines: Int(row.int64()),
                bytes: row.int64(), contentHash: row.optionalBlob())
        }
    }
}
