internal import CSQLite

/// Per-connection switches set through `sqlite3_db_config` (https://sqlite.org/c3ref/c_dbconfig_defensive.html).
/// None of them is stored in the database file: each connection sets its own.
enum ConnectionFlag: Sendable {
    /// "enable or disable the enforcement of foreign key constraints" (also `PRAGMA foreign_keys`).
    case foreignKeys
    case triggers
    case views
    /// "When the defensive flag is enabled, language features that allow ordinary SQL to
    /// deliberately corrupt the database file are disabled."
    case defensive
    /// "the legacy double-quoted string literal misfeature for DML statements only": when on,
    /// a misspelt `"column"` silently becomes a string.
    case doubleQuotedStringsInDML
    /// The same misfeature in CREATE/ALTER/DROP statements.
    case doubleQuotedStringsInDDL
    /// "tells SQLite to assume that database schemas are untainted by malicious content."
    case trustedSchema

    fileprivate var op: Int32 {
        switch self {
        case .foreignKeys: return SQLITE_DBCONFIG_ENABLE_FKEY
        case .triggers: return SQLITE_DBCONFIG_ENABLE_TRIGGER
        case .views: return SQLITE_DBCONFIG_ENABLE_VIEW
        case .defensive: return SQLITE_DBCONFIG_DEFENSIVE
        case .doubleQuotedStringsInDML: return SQLITE_DBCONFIG_DQS_DML
        case .doubleQuotedStringsInDDL: return SQLITE_DBCONFIG_DQS_DDL
        case .trustedSchema: return SQLITE_DBCONFIG_TRUSTED_SCHEMA
        }
    }
}

extension Connection {
    /// Turns `flag` on or off for this connection and returns its state afterwards.
    @discardableResult
    func setFlag(_ flag: ConnectionFlag, _ enabled: Bool) throws(SQLiteError) -> Bool {
        try dbConfig(flag, enabled ? 1 : 0)
    }

    /// The current state of `flag`.
    func flag(_ flag: ConnectionFlag) throws(SQLiteError) -> Bool {
        try dbConfig(flag, -1)
    }

    /// The boolean `sqlite3_db_config` options take "an integer which is 0 to disable [...],
    /// positive to enable [...] or negative to leave [it] unchanged" and "a pointer to an
    /// integer into which is written 0 or 1 to indicate whether [it] is off or on following
    /// this call". The shim exists because Swift cannot call the variadic C function.
    private func dbConfig(_ flag: ConnectionFlag, _ value: Int32) throws(SQLiteError) -> Bool {
        let db = try openHandle()
        var state: Int32 = 0
        try SQLiteError.check(logstore_db_config_int(db, flag.op, value, &state), db: db)
        return state != 0
    }

    // MARK: State

    /// The rowid of the most recent successful INSERT on this connection
    /// (https://sqlite.org/c3ref/last_insert_rowid.html).
    var lastInsertRowID: Int64 { sqlite3_last_insert_rowid(liveHandle) }

    /// Rows changed by the most recent INSERT, UPDATE or DELETE (https://sqlite.org/c3ref/changes.html).
    var changes: Int { Int(sqlite3_changes64(liveHandle)) }

    /// Rows inserted, updated or deleted by every statement since the connection opened
    /// (https://sqlite.org/c3ref/total_changes.html): the difference of two readings counts
    /// the rows written between them.
    var totalChanges: Int64 { sqlite3_total_changes64(liveHandle) }

    /// The main database's data version as this connection sees it (`SQLITE_FCNTL_DATA_VERSION`):
    /// it "changes whenever any change occurs to the corresponding database file, either
    /// through SQL statements on the same database connection or through transactions committed
    /// by separate database connections, possibly in other processes". Another connection's
    /// commit shows once this connection starts its next transaction (it then reads the file
    /// again); equal readings around a stretch of time mean nothing committed in between. Unlike
    /// `PRAGMA data_version` (which omits this connection's own commits) it is read without a
    /// statement. (https://sqlite.org/c3ref/c_fcntl_begin_atomic_write.html#sqlitefcntldataversion)
    var dataVersion: UInt32 {
        var version: UInt32 = 0
        // "A NULL pointer can be used in place of "main" to refer to the main database file."
        // The only error is an unknown database name.
        _ = sqlite3_file_control(liveHandle, nil, SQLITE_FCNTL_DATA_VERSION, &version)
        return version
    }

    /// False inside a transaction. "Autocommit mode is disabled by a BEGIN statement.
    /// Autocommit mode is re-enabled by a COMMIT or ROLLBACK." — and by SQLite itself when an
    /// error rolls the transaction back (https://sqlite.org/c3ref/get_autocommit.html).
    var isAutocommit: Bool { sqlite3_get_autocommit(liveHandle) != 0 }

    /// True when the main database cannot be written: opened `.readOnly`, or opened
    /// `.readWrite` on a file "write protected by the operating system". "The
    /// sqlite3_db_readonly(D,N) interface returns 1 if the database N of connection D is
    /// read-only, 0 if it is read/write".
    var isReadOnly: Bool { sqlite3_db_readonly(liveHandle, "main") == 1 }

    // MARK: Pragmas

    /// `PRAGMA <name>` read as an integer; nil when it returns no row or NULL.
    /// `name` is an identifier, optionally schema-qualified (`main.page_count`): pragma names
    /// cannot be bound as parameters, so anything else is refused with `SQLITE_MISUSE`.
    func pragmaInteger(_ name: String) throws(SQLiteError) -> Int64? {
        try pragmaStatement(name).scalarInt64()
    }

    /// `PRAGMA <name>` read as text (e.g. `journal_mode`); nil when it returns no row or NULL.
    func pragmaText(_ name: String) throws(SQLiteError) -> String? {
        let statement = try pragmaStatement(name)
        defer { statement.reset() }
        guard try statement.step(), !statement.isNull(0) else { return nil }
        return statement.text(0)
    }

    /// `PRAGMA user_version`: "an integer at offset 60 in the database header" that SQLite
    /// itself never uses, for the schema version (https://sqlite.org/pragma.html#pragma_user_version).
    var userVersion: Int32 {
        get throws(SQLiteError) { Int32(truncatingIfNeeded: try pragmaInteger("user_version") ?? 0) }
    }

    func setUserVersion(_ version: Int32) throws(SQLiteError) {
        try execute("PRAGMA user_version = \(version)")
    }

    private func pragmaStatement(_ name: String) throws(SQLiteError) -> Statement {
        let parts = name.split(separator: ".", omittingEmptySubsequences: false)
        let valid =
            (1...2).contains(parts.count)
            && parts.allSatisfy { part in
                guard let first = part.utf8.first, !(0x30...0x39).contains(first) else { return false }
                return part.utf8.allSatisfy { byte in
                    byte == 0x5F || (0x30...0x39).contains(byte) || (0x41...0x5A).contains(byte)
                        || (0x61...0x7A).contains(byte)
                }
            }
        guard valid else { throw SQLiteError.misuse("not a pragma name: \(name)") }
        return try cachedStatement("PRAGMA \(name)")
    }
}
