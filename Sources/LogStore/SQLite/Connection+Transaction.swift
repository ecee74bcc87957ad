internal import CSQLite

/// The lock a transaction takes at BEGIN (https://sqlite.org/lang_transaction.html).
enum TransactionKind: String, Sendable {
    /// "DEFERRED means that the transaction does not actually start until the database is
    /// first accessed." A read may later fail to upgrade to a write with `SQLITE_BUSY`.
    case deferred = "DEFERRED"
    /// "IMMEDIATE cause the database connection to start a new write immediately, without
    /// waiting for a write statement." Waits on the busy timeout at BEGIN, not mid-way.
    case immediate = "IMMEDIATE"
    /// "EXCLUSIVE and IMMEDIATE are the same in WAL mode, but in other journaling modes,
    /// EXCLUSIVE prevents other database connections from reading the database while the
    /// transaction is underway."
    case exclusive = "EXCLUSIVE"
}

extension Connection {
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
        try cachedStatement("BEGIN \(kind.rawValue) TRANSACTION").run()
        do {
            let result = try body()
            try cachedStatement("COMMIT TRANSACTION").run()
            return result
        } catch {
            rollbackUnlessRolledBack()
            throw error
        }
    }

    private func rollbackUnlessRolledBack() {
        guard !isAutocommit else { return }
        do {
            try cachedStatement("ROLLBACK TRANSACTION").run()
        } catch {
            // Deliberately dropped: the caller gets the error that caused the rollback.
        }
    }
}
