internal import CSQLite

/// The lock a transaction takes at BEGIN (https://sqlite.org/lang_transaction.html).
enum TransactionKind: Sendable {
    /// "DEFERRED means that the transaction does not actually start until the database is
    /// first accessed." A read may later fail to upgrade to a write with `SQLITE_BUSY`.
    case deferred
    /// "IMMEDIATE cause the database connection to start a new write immediately, without
    /// waiting for a write statement." Waits on the busy timeout at BEGIN, not mid-way.
    case immediate
    /// "EXCLUSIVE and IMMEDIATE are the same in WAL mode, but in other journaling modes,
    /// EXCLUSIVE prevents other database connections from reading the database while the
    /// transaction is underway."
    case exclusive
}

/// The statements that open and end a transaction, which a connection runs on statements it
/// holds apart from its cache (`Connection.perform(_:)`).
enum TransactionControl: Int, CaseIterable, Sendable {
    case beginDeferred
    case beginImmediate
    case beginExclusive
    case commit
    case rollback

    var sql: String {
        switch self {
        case .beginDeferred: return "BEGIN DEFERRED"
        case .beginImmediate: return "BEGIN IMMEDIATE"
        case .beginExclusive: return "BEGIN EXCLUSIVE"
        case .commit: return "COMMIT"
        case .rollback: return "ROLLBACK"
        }
    }
}

extension TransactionKind {
    fileprivate var begin: TransactionControl {
        switch self {
        case .deferred: return .beginDeferred
        case .immediate: return .beginImmediate
        case .exclusive: return .beginExclusive
        }
    }
}

extension Connection {
    /// `BEGIN <kind>`: opens a transaction; throws inside one (SQLite has no nested BEGIN).
    func begin(_ kind: TransactionKind) throws(SQLiteError) { try perform(kind.begin) }

    /// `COMMIT`. "When COMMIT fails in this way [SQLITE_BUSY], the transaction remains active".
    func commit() throws(SQLiteError) { try perform(.commit) }

    /// `ROLLBACK`: undoes the transaction; fails if there is none, e.g. because SQLite already
    /// rolled it back after an error (see `transaction(_:_:)`).
    func rollback() throws(SQLiteError) { try perform(.rollback) }

    /// Runs `body` inside `BEGIN <kind>` … `COMMIT`, and returns its result.
    ///
    /// If `body` or COMMIT throws, the transaction is rolled back and that first error is
    /// rethrown unchanged. The ROLLBACK is issued only if SQLite has not already rolled back:
    /// https://sqlite.org/lang_transaction.html ("Response To Errors Within A Transaction")
    /// says errors such as SQLITE_FULL, SQLITE_IOERR, SQLITE_BUSY and SQLITE_NOMEM may roll the
    /// transaction back automatically, and "If the transaction has already been rolled back
    /// automatically by the error response, then the ROLLBACK command will fail with an error,
    /// but no harm is caused by this." `isAutocommit` tells which: "The only way to find out
    /// whether SQLite automatically rolled back the transaction after an error is to use this
    /// function" (https://sqlite.org/c3ref/get_autocommit.html). A failing ROLLBACK never hides
    /// the first error.
    ///
    /// Not reentrant: SQLite has no nested BEGIN, so calling this inside `body` throws
    /// "cannot start a transaction within a transaction". A failed COMMIT is rolled back too:
    /// "When COMMIT fails in this way [SQLITE_BUSY], the transaction remains active".
    func transaction<R>(_ kind: TransactionKind = .immediate, _ body: () throws -> R) throws -> R {
        try begin(kind)
        do {
            let result = try body()
            try commit()
            return result
        } catch {
            rollbackUnlessRolledBack()
            throw error
        }
    }

    private func rollbackUnlessRolledBack() {
        guard !isAutocommit else { return }
        do {
            try rollback()
        } catch {
            // Deliberately dropped: the caller gets the error that caused the rollback.
        }
    }
}
