import XCTest

@testable import LogStore

/// A held statement is the connection's cached one, found again without a lookup, and fetched
/// afresh once a step of it failed.
final class HeldStatementTests: SQLiteTestCase {
    func testItIsTheCachedStatementUntilAStepFails() throws {
        let connection = try makeConnection()
        try connection.execute("CREATE TABLE t(k INTEGER PRIMARY KEY, v TEXT)")
        var held = HeldStatement("INSERT INTO t(k, v) VALUES (?, ?)")
        func insert(_ k: Int64, _ v: String) throws {
            let st = try held.statement(on: connection)
            defer { st.reset() }
            try st.bind(k, at: 1)
            try st.bind(keeping: v, at: 2)
            while try st.step() {}
        }
        try insert(1, "a")
        let first = try held.statement(on: connection)
        XCTAssertTrue(first === (try connection.cachedStatement(held.sql, keepingBindings: true)))
        try insert(2, "a")
        XCTAssertThrowsError(try insert(2, "b"))  // the primary key: the step fails
        XCTAssertTrue(first.stepFailed)
        try insert(3, "a")
        XCTAssertFalse(first === (try held.statement(on: connection)))
        var rows: [SQLValue] = []
        try connection.prepare("SELECT k, v FROM t ORDER BY k").forEachRow { rows += [$0.value(0), $0.value(1)] }
        XCTAssertEqual(rows, [.integer(1), .text("a"), .integer(2), .text("a"), .integer(3), .text("a")])
    }
}
