import XCTest

@testable import LogStore

private struct BodyError: Error, Equatable {}

final class TransactionTests: SQLiteTestCase {
    func testATransactionCommitsTheBodysWritesAndReturnsItsResult() throws {
        let connection = try makeConnection()
        try connection.execute("CREATE TABLE t(x)")
        let result = try connection.transaction {
            XCTAssertFalse(connection.isAutocommit)
            try connection.cachedStatement("INSERT INTO t VALUES (?)").run(1)
            return "done"
        }
        XCTAssertEqual(result, "done")
        XCTAssertTrue(connection.isAutocommit)
        XCTAssertEqual(try connection.prepare("SELECT count(*) FROM t").scalarInt64(), 1)
    }

    func testATransactionRollsBackOnThrowAndRethrowsTheBodysError() throws {
        let connection = try makeConnection()
        try connection.execute("CREATE TABLE t(x)")
        for kind in [TransactionKind.deferred, .immediate, .exclusive] {
            XCTAssertThrowsError(
                try connection.transaction(kind) {
                    try connection.cachedStatement("INSERT INTO t VALUES (?)").run(1)
                    throw BodyError()
                }
            ) { error in
                XCTAssertEqual(error as? BodyError, BodyError())
            }
            XCTAssertTrue(connection.isAutocommit)
        }
        XCTAssertEqual(try connection.prepare("SELECT count(*) FROM t").scalarInt64(), 0)
    }

    func testTheBodysErrorWinsWhenTheTransactionWasAlreadyRolledBack() throws {
        let connection = try makeConnection()
        try connection.execute("CREATE TABLE t(x)")
        XCTAssertThrowsError(
            try connection.transaction {
                try connection.cachedStatement("INSERT INTO t VALUES (?)").run(1)
                try connection.execute("ROLLBACK")  // as SQLite does on some errors
                throw BodyError()
            }
        ) { error in
            XCTAssertEqual(error as? BodyError, BodyError(), "not \"no transaction is active\"")
        }
        XCTAssertTrue(connection.isAutocommit)
        XCTAssertEqual(try connection.prepare("SELECT count(*) FROM t").scalarInt64(), 0)
    }

    func testTheFirstSQLiteErrorInsideATransactionIsTheOneRethrown() throws {
        let connection = try makeConnection()
        try connection.execute("CREATE TABLE t(id INTEGER PRIMARY KEY)")
        let error = sqliteError {
            try connection.transaction {
                try connection.cachedStatement("INSERT INTO t(id) VALUES (?)").run(1)
                try connection.cachedStatement("INSERT INTO t(id) VALUES (?)").run(1)
            }
        }
        XCTAssertEqual(error?.extendedCode, SQLiteError.Code.constraintPrimaryKey)
        XCTAssertTrue(connection.isAutocommit)
        XCTAssertEqual(try connection.prepare("SELECT count(*) FROM t").scalarInt64(), 0)
    }

    func testTransactionsDoNotNest() throws {
        let connection = try makeConnection()
        let error = sqliteError {
            try connection.transaction { try connection.transaction {} }
        }
        XCTAssertEqual(error?.message, "cannot start a transaction within a transaction")
        XCTAssertTrue(connection.isAutocommit, "the outer transaction was rolled back")
    }

    func testBeginCommitAndRollbackStayUsableAfterTheyFailedAndAreRefusedOnceClosed() throws {
        let connection = try makeConnection()
        try connection.execute("CREATE TABLE t(x)")
        for kind in [TransactionKind.deferred, .immediate, .exclusive] {
            try connection.begin(kind)
            XCTAssertEqual(
                sqliteError { try connection.begin(kind) }?.message, "cannot start a transaction within a transaction")
            try connection.cachedStatement("INSERT INTO t VALUES (1)").run()
            try connection.rollback()
            XCTAssertEqual(
                sqliteError { try connection.rollback() }?.message, "cannot rollback - no transaction is active")
            XCTAssertEqual(sqliteError { try connection.commit() }?.message, "cannot commit - no transaction is active")
            try connection.begin(kind)  // the statements that failed were replaced
            try connection.cachedStatement("INSERT INTO t VALUES (2)").run()
            try connection.commit()
            XCTAssertTrue(connection.isAutocommit)
        }
        XCTAssertEqual(try connection.prepare("SELECT group_concat(x) FROM t").scalar(), .text("2,2,2"))
        try connection.close()
        XCTAssertEqual(sqliteError { try connection.begin(.immediate) }?.isMisuse, true)
        XCTAssertEqual(sqliteError { try connection.commit() }?.isMisuse, true)
    }

    func testAConstraintViolationCarriesTheExtendedCodeMessageAndSQL() throws {
        let connection = try makeConnection()
        try connection.execute("CREATE TABLE t(id TEXT PRIMARY KEY, n INTEGER NOT NULL)")
        let sql = "INSERT INTO t(id, n) VALUES (?, ?)"
        try connection.cachedStatement(sql).run("a", 1)
        let error = sqliteError { try connection.cachedStatement(sql).run("a", 2) }
        XCTAssertEqual(error?.extendedCode, 1555)
        XCTAssertEqual(error?.extendedCode, SQLiteError.Code.constraintPrimaryKey)
        XCTAssertEqual(error?.resultCode, 19)
        XCTAssertEqual(error?.message, "UNIQUE constraint failed: t.id")
        XCTAssertEqual(error?.sql, sql)
        XCTAssertEqual(
            error?.description,
            #"SQLite error 19 (SQLITE_CONSTRAINT_PRIMARYKEY): UNIQUE constraint failed: t.id — while executing "INSERT INTO t(id, n) VALUES (?, ?)""#
        )

        let notNull = sqliteError { try connection.cachedStatement(sql).run("b", .null) }
        XCTAssertEqual(notNull?.extendedCode, SQLiteError.Code.constraintNotNull)
        XCTAssertEqual(notNull?.codeName, "SQLITE_CONSTRAINT_NOTNULL")
    }

    func testAFullDatabaseReportsIsFullAndTheConnectionRemainsUsable() throws {
        let connection = try makeConnection()
        try connection.execute("CREATE TABLE t(k INTEGER PRIMARY KEY, b BLOB)")
        try connection.execute("PRAGMA max_page_count = 8")
        let insert = "INSERT INTO t(k, b) VALUES (?, ?)"
        let big = SQLValue.blob([UInt8](repeating: 0xAB, count: 64 * 1024))

        let error = sqliteError { try connection.cachedStatement(insert).run(1, big) }
        XCTAssertEqual(error?.isFull, true, "\(String(describing: error))")
        XCTAssertEqual(error?.sql, insert)

        // Inside a transaction: the FULL error is rethrown and the transaction is gone.
        let inTransaction = sqliteError {
            try connection.transaction {
                try connection.cachedStatement(insert).run(2, .blob([1, 2, 3]))
                try connection.cachedStatement(insert).run(3, big)
            }
        }
        XCTAssertEqual(inTransaction?.isFull, true)
        XCTAssertTrue(connection.isAutocommit)

        // Still usable: small writes fit, and the failed ones left nothing behind.
        try connection.cachedStatement(insert).run(4, .blob([9]))
        XCTAssertEqual(try connection.prepare("SELECT group_concat(k) FROM t").scalar(), .text("4"))
    }
}
