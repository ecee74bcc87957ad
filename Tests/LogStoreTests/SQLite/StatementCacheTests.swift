import XCTest
@testable import LogStore

final class StatementCacheTests: SQLiteTestCase {
    func testCachedStatementsAreReusedAndComeBackResetWithClearedBindings() throws {
        let connection = try makeConnection()
        try connection.execute("CREATE TABLE t(x)")
        let first = try connection.cachedStatement("INSERT INTO t VALUES (?)")
        try first.bind(7, at: 1)
        let second = try connection.cachedStatement("INSERT INTO t VALUES (?)")
        XCTAssertTrue(first === second)
        // The binding made before the statement was handed out again is gone.
        XCTAssertFalse(try second.step())
        XCTAssertEqual(try connection.prepare("SELECT x IS NULL FROM t").scalarInt64(), 1)

        let select = try connection.cachedStatement("SELECT x FROM t")
        XCTAssertTrue(try select.step())  // left mid-iteration on purpose
        XCTAssertTrue(try connection.cachedStatement("SELECT x FROM t") === select)
        XCTAssertTrue(try select.step(), "handed out again from the first row")
        XCTAssertFalse(try connection.cachedStatement("SELECT x FROM t") === connection.cachedStatement("SELECT x  FROM t"))
    }

    func testACachedStatementIsReplacedAfterAFailedStepAndTheConnectionStaysUsable() throws {
        let connection = try makeConnection()
        try connection.execute("CREATE TABLE t(id INTEGER PRIMARY KEY)")
        let sql = "INSERT INTO t(id) VALUES (?)"
        let insert = try connection.cachedStatement(sql)
        try insert.run(1)
        let error = sqliteError { try connection.cachedStatement(sql).run(1) }
        XCTAssertEqual(error?.isConstraint, true)
        XCTAssertTrue(insert.stepFailed)

        let fresh = try connection.cachedStatement(sql)
        XCTAssertFalse(fresh === insert, "a statement whose step failed is evicted")
        try fresh.run(2)
        XCTAssertTrue(try connection.cachedStatement(sql) === fresh)
        // The failed one was reset by step(), so even a caller still holding it can reuse it.
        try insert.run(3)
        XCTAssertEqual(try connection.prepare("SELECT group_concat(id) FROM t").scalar(), .text("1,2,3"))
    }
}
