internal import CSQLite

/// How `Connection` opens its file (https://sqlite.org/c3ref/open.html).
enum OpenMode: Sendable {
    /// "The database is opened in read-only mode. If the database does not already exist, an
    /// error is returned." No file is created.
    case readOnly
    /// "The database is opened for reading and writing if possible, or reading only if the
    /// file is write protected by the operating system. In either case the database must
    /// already exist, otherwise an error is returned."
    case readWrite
    /// "[...] and is created if it does not already exist."
    case readWriteCreate
    /// Read-only, and "the database file [is] stored on read-only media": SQLite "does not
    /// do any locking or change detection" and reads no `-wal` or `-shm` file
    /// (https://sqlite.org/uri.html#uriimmutable). Only for a store nobody can write.
    case immutable

    fileprivate var flags: Int32 {
        switch self {
        case .readOnly: return SQLITE_OPEN_READONLY
        case .readWrite: return SQLITE_OPEN_READWRITE
        case .readWriteCreate: return SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE
        case .immutable: return SQLITE_OPEN_READONLY | SQLITE_OPEN_URI
        }
    }
}

/// One SQLite database connection (`sqlite3*`).
///
/// **Exactly one owner.** A connection and the statements it prepares are used by one owner
/// at a time (one thread, actor or serial queue), and are deliberately not `Sendable`:
/// - the handle is opened with `SQLITE_OPEN_NOMUTEX`: "The new database connection will use
///   the "multi-thread" threading mode. This means that separate threads are allowed to use
///   SQLite at the same time, as long as each thread is using a different database connection."
///   SQLite takes no lock on the connection, so concurrent use would be a data race in C;
/// - `sqlite3_errmsg` describes "the most recent" failed call, `changes` and `lastInsertRowID`
///   the most recent statement, and the statement cache hands out shared, stateful
///   statements — all meaningless if two callers interleave.
/// Concurrency comes from several connections on one WAL database, each with its own owner.
///
/// Other invariants:
/// - the handle is closed exactly once: by `close()` or `deinit`, and also when opening fails;
/// - cached statements are prepared `SQLITE_PREPARE_PERSISTENT`, reset with cleared bindings
///   each time they are handed out, replaced after a failed step, finalized by `close()`;
/// - after `close()`, methods throw `SQLITE_MISUSE` and properties trap.
final class Connection {
    /// The path given to `init(path:mode:)`.
    let path: String
    private var db: OpaquePointer?
    /// Cached statements keyed by their exact SQL text; only fixed SQL belongs here, never SQL
    /// built by interpolating values (the cache is never trimmed).
    ///
    /// This and the two tables below have unchecked exclusivity: only `cachedStatement(_:)`,
    /// `perform(_:)` and `close()` touch them, none of which calls out while accessing one, and
    /// the dynamic access checks cost about as much as the lookups.
    @exclusivity(unchecked) private var cache: [String: Statement] = [:]
    /// A direct-mapped front for `cache` that finds a statement without hashing its SQL (the
    /// writer hands out about a dozen statements per message; hashing their text cost ~2k
    /// instructions each). Invariant: every statement in it is also `cache[$0.sql]`.
    @exclusivity(unchecked) private var front = StatementFront()
    /// The transaction-control statements by `TransactionControl.rawValue`, each prepared on
    /// first use.
    @exclusivity(unchecked) private var control = [Statement?](repeating: nil, count: TransactionControl.allCases.count)

    /// Opens (and with `.readWriteCreate` possibly creates) the database at `path`.
    ///
    /// Opening is lazy in SQLite: a file that is not a database opens fine and fails with
    /// `SQLITE_NOTADB` at the first statement that reads it.
    init(path: String, mode: OpenMode) throws(SQLiteError) {
        guard !path.utf8.contains(0) else {
            throw SQLiteError(extendedCode: SQLITE_CANTOPEN, message: "path contains a NUL byte")
        }
        // SQLITE_OPEN_EXRESCODE: "the database behaves has if sqlite3_extended_result_codes(db,1)
        // where called on the database connection as soon as the connection is created. In
        // addition to setting the extended result code mode, this flag also causes
        // sqlite3_open_v2() to return an extended result code."
        let flags = mode.flags | SQLITE_OPEN_EXRESCODE | SQLITE_OPEN_NOMUTEX
        _ = SQLiteLibrary.configured
        var handle: OpaquePointer?
        let code = sqlite3_open_v2(mode == .immutable ? Self.immutableURI(path) : path, &handle, flags, nil)
        if code != SQLITE_OK || handle == nil {
            // The message must be read before the handle goes away.
            let error = SQLiteError(code: code == SQLITE_OK ? SQLITE_NOMEM : code, db: handle, sql: nil)
            // "Whether or not an error occurs when it is opened, resources associated with the
            // database connection handle should be released by passing it to sqlite3_close()"
            // and "Calling sqlite3_close() or sqlite3_close_v2() with a NULL pointer argument
            // is a harmless no-op." The open error is the one worth reporting.
            sqlite3_close_v2(handle)
            throw error
        }
        self.path = path
        self.db = handle
        let registered = Self.registerBlockFunctions(handle!)
        guard registered == SQLITE_OK else { throw SQLiteError(code: registered, db: handle, sql: nil) }
    }

    deinit {
        try? close()
    }

    /// Closes the connection; later calls do nothing.
    ///
    /// Dropping the cache finalizes every cached statement that nobody else retains. For any
    /// statement still retained, `sqlite3_close_v2` "marks the database connection as an
    /// unusable "zombie" and makes arrangements to automatically deallocate the database
    /// connection after all prepared statements are finalized" — so close never leaves a
    /// dangling `sqlite3_stmt`. "If an sqlite3 object is destroyed while a transaction is
    /// open, the transaction is automatically rolled back."
    func close() throws(SQLiteError) {
        guard let db else { return }
        cache.removeAll()
        front = StatementFront()
        control = control.map { _ in nil }
        self.db = nil
        try SQLiteError.check(sqlite3_close_v2(db), db: nil)
    }

    /// The open handle, or `SQLITE_MISUSE` once closed. Internal only for this folder's
    /// extensions of `Connection`.
    func openHandle() throws(SQLiteError) -> OpaquePointer {
        guard let db else { throw SQLiteError.misuse("the connection to \(path) is closed") }
        return db
    }

    /// The open handle; traps once closed.
    var liveHandle: OpaquePointer {
        guard let db else { preconditionFailure("the connection to \(path) is closed") }
        return db
    }

    /// Makes a statement that meets a lock wait up to `ms` milliseconds before failing with
    /// `SQLITE_BUSY`: the handler "will sleep multiple times until at least "ms" milliseconds
    /// of sleeping have accumulated", and "an argument less than or equal to zero turns off all
    /// busy handlers" (https://sqlite.org/c3ref/busy_timeout.html).
    func busyTimeout(ms: Int) throws(SQLiteError) {
        let db = try openHandle()
        let clamped = Int32(clamping: ms)
        try SQLiteError.check(sqlite3_busy_timeout(db, clamped), db: db)
    }

    // MARK: Statements

    /// Runs a script of zero or more `;`-separated statements, in order, discarding rows.
    /// Each statement is prepared only after the previous one ran, so a script may create a
    /// table and then use it. A failure stops the script; its error carries the failing
    /// statement's SQL (for one that fails to compile, the script from that statement on).
    /// The script is not wrapped in a transaction.
    ///
    /// `sqlite3_exec` is not used: it reports errors only as a message string, without the
    /// failing statement, and needs a C callback to discard rows.
    func execute(_ sql: String) throws(SQLiteError) {
        let db = try openHandle()
        try Self.rejectNUL(sql)
        let outcome: Result<Void, SQLiteError> = sql.withCString { script in
            // "If pzTail is not NULL then *pzTail is made to point to the first byte past the
            // end of the first SQL statement in zSql. These routines only compile the first
            // statement in zSql, so *pzTail is left pointing to what remains uncompiled."
            var cursor: UnsafePointer<CChar> = script
            while cursor.pointee != 0 {
                var stmt: OpaquePointer?
                var tail: UnsafePointer<CChar>?
                // "The sqlite3_prepare_v2() interface works exactly the same as
                // sqlite3_prepare_v3() with a zero prepFlags parameter."
                let code = sqlite3_prepare_v3(db, cursor, -1, 0, &stmt, &tail)
                guard code == SQLITE_OK else {
                    // The failing statement's end is unknown, so the rest of the script is reported.
                    let rest = String(cString: cursor).drop(while: \.isWhitespace)
                    return .failure(SQLiteError(code: code, db: db, sql: String(rest)))
                }
                // "If the input text contains no SQL (if the input is an empty string or a
                // comment) then *ppStmt is set to NULL."
                if let stmt {
                    let statement = Statement(adopting: stmt, sql: String(cString: sqlite3_sql(stmt)))
                    do throws(SQLiteError) {
                        while try statement.step() {}
                    } catch {
                        return .failure(error)
                    }
                }
                guard let tail, tail > cursor else { break }
                cursor = tail
            }
            return .success(())
        }
        try outcome.get()
    }

    /// Prepares exactly one statement, for one-off use. SQL with a second statement after the
    /// first is refused (`SQLITE_MISUSE`) rather than silently truncated; trailing `;`,
    /// whitespace and comments are fine.
    func prepare(_ sql: String) throws(SQLiteError) -> Statement {
        try makeStatement(sql, flags: 0)
    }

    /// The connection's statement for `sql`, prepared once and reused: it comes back reset,
    /// with every parameter NULL (unless `keepingBindings`: for a caller that binds every
    /// parameter itself, clearing them first is a wasted call per parameter). A statement
    /// whose last use failed a step is replaced by a fresh one. Fetching the same SQL again
    /// while iterating its rows resets the iteration.
    func cachedStatement(_ sql: String, keepingBindings: Bool = false) throws(SQLiteError) -> Statement {
        let key = StatementFront.Key(sql)
        if let key, let statement = front.statement(for: key), !statement.stepFailed {
            assert(statement.sql == sql)
            statement.reset()
            if !keepingBindings { try statement.clearBindings() }
            return statement
        }
        if let statement = cache[sql], !statement.stepFailed {
            statement.reset()
            if !keepingBindings { try statement.clearBindings() }
            if key != nil { front.insert(statement) }
            return statement
        }
        // "The SQLITE_PREPARE_PERSISTENT flag is a hint to the query planner that the prepared
        // statement will be retained for a long time and probably reused many times."
        let statement = try makeStatement(sql, flags: UInt32(SQLITE_PREPARE_PERSISTENT))
        cache[sql] = statement
        if key != nil { front.insert(statement) }
        return statement
    }

    /// Runs one transaction-control statement to completion (BEGIN, COMMIT, ROLLBACK: see
    /// `Connection+Transaction.swift`). Each is prepared once, as a cached statement is, and
    /// held in a slot of its own: found without looking its SQL up, and stepped without the
    /// resets and binding checks of `Statement.run`, as it has no parameters and is left reset.
    func perform(_ control: TransactionControl) throws(SQLiteError) {
        let statement: Statement
        if let held = self.control[control.rawValue], !held.stepFailed {
            statement = held
        } else {
            statement = try makeStatement(control.sql, flags: UInt32(SQLITE_PREPARE_PERSISTENT))
            self.control[control.rawValue] = statement
        }
        defer { statement.reset() }
        while try statement.step() {}
    }

    private func makeStatement(_ sql: String, flags: UInt32) throws(SQLiteError) -> Statement {
        let db = try openHandle()
        try Self.rejectNUL(sql)
        let outcome: Result<Statement, SQLiteError> = sql.withCString { start in
            var stmt: OpaquePointer?
            var tail: UnsafePointer<CChar>?
            let code = sqlite3_prepare_v3(db, start, -1, flags, &stmt, &tail)
            guard code == SQLITE_OK else {
                return .failure(SQLiteError(code: code, db: db, sql: sql))
            }
            guard let stmt else { return .failure(.misuse("no SQL statement to prepare", sql: sql)) }
            let statement = Statement(adopting: stmt, sql: sql)
            if let tail, let error = Self.secondStatementError(db, after: tail, in: sql) {
                return .failure(error)
            }
            return .success(statement)
        }
        return try outcome.get()
    }

    /// Nil when only `;`, whitespace and comments follow `cursor`; otherwise the error to throw.
    private static func secondStatementError(
        _ db: OpaquePointer, after start: UnsafePointer<CChar>, in sql: String
    ) -> SQLiteError? {
        var cursor = start
        while true {
            while cursor.pointee == 0x3B || (cursor.pointee >= 0x09 && cursor.pointee <= 0x0D)
                || cursor.pointee == 0x20
            {
                cursor += 1
            }
            if cursor.pointee == 0 { return nil }
            var stmt: OpaquePointer?
            var tail: UnsafePointer<CChar>?
            let code = sqlite3_prepare_v3(db, cursor, -1, 0, &stmt, &tail)
            if code != SQLITE_OK { return SQLiteError(code: code, db: db, sql: sql) }
            if let stmt {
                sqlite3_finalize(stmt)
                return .misuse("more than one statement in SQL passed to prepare", sql: sql)
            }
            guard let tail, tail > cursor else { return nil }
            cursor = tail
        }
    }

    /// SQLite reads SQL up to the first NUL byte, so anything after one would be dropped silently.
    /// (The search runs over the contiguous bytes when there are: through the generic view it
    /// cost ~1k instructions per statement prepared.)
    private static func rejectNUL(_ sql: String) throws(SQLiteError) {
        let hasNUL = sql.utf8.withContiguousStorageIfAvailable { $0.contains(0) } ?? sql.utf8.contains(0)
        if hasNUL { throw SQLiteError.misuse("SQL contains a NUL byte", sql: sql) }
    }
}

/// Cached statements found by where their SQL text is, or by the text itself when short,
/// without hashing it.
///
/// A key is exact: SQL of at most 15 UTF-8 bytes is keyed by those bytes (Swift may keep such
/// a string inline, at no stable address). Longer SQL is never stored inline, so it is keyed by
/// the address and length of its UTF-8 storage; a slot's key is taken from its statement's own
/// `sql`, which the statement keeps alive, and a String's storage never changes, so SQL found
/// at that same address with that same length is that same text (a string literal's storage is
/// the literal itself, which is why every call with the same literal hits). Text at another
/// address, or in storage that is not contiguous UTF-8, misses and goes through the hashed cache.
struct StatementFront {
    struct Key: Equatable {
        /// Short text: its bytes; long text: its storage address and 0.
        let word0: UInt
        let word1: UInt
        let length: Int

        init?(_ sql: String) {
            let key: Key?? = sql.utf8.withContiguousStorageIfAvailable { bytes -> Key? in
                guard let base = bytes.baseAddress else { return Key(word0: 0, word1: 0, length: 0) }
                if bytes.count > 15 { return Key(word0: UInt(bitPattern: base), word1: 0, length: bytes.count) }
                var words: (UInt, UInt) = (0, 0)
                withUnsafeMutableBytes(of: &words) { $0.copyMemory(from: UnsafeRawBufferPointer(bytes)) }
                return Key(word0: words.0, word1: words.1, length: bytes.count)
            }
            guard let key = key ?? nil else { return nil }
            self = key
        }

        private init(word0: UInt, word1: UInt, length: Int) {
            self.word0 = word0
            self.word1 = word1
            self.length = length
        }

        var slot: Int {
            let mixed = (word0 ^ (word1 &* 31) ^ UInt(bitPattern: length)) &* 0x9E37_79B9_7F4A_7C15
            return Int(mixed >> UInt(UInt.bitWidth - StatementFront.bits))
        }
    }

    static let bits = 8
    /// Slots a key may take: its own and the next ones. Where the dozen statements of a
    /// message land depends on where the linker put their SQL; with one slot each, two of
    /// them often shared one and went back and forth through the hashed cache every message.
    static let ways = 4
    private var slots: [(key: Key, statement: Statement)?] = Array(repeating: nil, count: 1 << bits)

    func statement(for key: Key) -> Statement? {
        var i = key.slot
        for _ in 0..<Self.ways {
            if let entry = slots[i], entry.key == key { return entry.statement }
            i = (i + 1) & (slots.count - 1)
        }
        return nil
    }

    /// Puts `statement` in the first of its key's slots that is free or holds the same key,
    /// else in the key's own slot (replacing what was there); keyed by its own SQL.
    mutating func insert(_ statement: Statement) {
        guard let key = Key(statement.sql) else { return }
        var i = key.slot
        for _ in 0..<Self.ways {
            if slots[i] == nil || slots[i]?.key == key {
                slots[i] = (key, statement)
                return
            }
            i = (i + 1) & (slots.count - 1)
        }
        slots[key.slot] = (key, statement)
    }
}

@available(*, unavailable, message: "a Connection has exactly one owner; open one per owner")
extension Connection: Sendable {}
