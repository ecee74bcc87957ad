/// SQLite's own checks of a database file.
extension Connection {
    /// `PRAGMA integrity_check(limit)`'s lines: `["ok"]` for a sound file, else at most
    /// `limit` problems (https://sqlite.org/pragma.html#pragma_integrity_check).
    func integrityCheck(limit: Int) throws -> [String] {
        try texts("PRAGMA integrity_check(\(limit))", [])
    }

    /// `PRAGMA foreign_key_check`: per row whose foreign key names a missing row, its table, its
    /// rowid (nil for a WITHOUT ROWID table) and the table it refers to
    /// (https://sqlite.org/pragma.html#pragma_foreign_key_check).
    func foreignKeyViolations() throws -> [(table: String, rowid: Int64?, parent: String)] {
        var out: [(table: String, rowid: Int64?, parent: String)] = []
        try forEach("PRAGMA foreign_key_check", []) { st in
            // columns: table, rowid, parent, fkid
            var row = st.columns
            let table = row.text()
            let rowid = row.optionalInt64()
            out.append((table, rowid, row.text()))
        }
        return out
    }
}
