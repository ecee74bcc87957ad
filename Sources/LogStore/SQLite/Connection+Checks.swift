/// SQLite's own checks of a database file.
extension Connection {
    /// `PRAGMA integrity_check(limit)`'s lines: `["ok"]` for a sound file, else at most
    /// `limit` problems (https://sqlite.org/pragma.html#pragma_integrity_check).
    func integrityCheck(limit: Int) throws -> [String] {
        try texts("PRAGMA integrity_check(\(limit))", [])
    }

    /// `PRAGMA foreign_key_check`: per row whose foreign key names a missing row, its table and
    /// the table it refers to (https://sqlite.org/pragma.html#pragma_foreign_key_check).
    func foreignKeyViolations() throws -> [(table: String, parent: String)] {
        var out: [(table: String, parent: String)] = []
        try forEach("PRAGMA foreign_key_check", []) { st in
            // columns: table, rowid, parent, fkid
            var row = st.columns
            let table = row.text()
            _ = row.optionalInt64()
            out.append((table, row.text()))
        }
        return out
    }
}
