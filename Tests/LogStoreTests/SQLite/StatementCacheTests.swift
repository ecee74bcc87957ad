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
        XCTAssertFalse(
            try connection.cachedStatement("SELECT x FROM t") === connection.cachedStatement("SELECT x  FROM t"))
    }

    /// For callers that bind every parameter themselves: the statement comes back reset, with
    /// the bindings of its last use still in place.
    func testKeepingBindingsSkipsClearingThem() throws {
        let connection = try makeConnection()
        try connection.execute("CREATE TABLE t(x)")
        try connection.run("INSERT INTO t VALUES (?)", [.integer(7)])
        XCTAssertFalse(try connection.cachedStatement("INSERT INTO t VALUES (?)", keepingBindings: true).step())
        XCTAssertEqual(try connection.prepare("SELECT group_concat(x) FROM t").scalar(), .text("7,7"))
        // A count mismatch is refused before anything is bound.
        XCTAssertThrowsError(try connection.run("INSERT INTO t VALUES (?)", [.integer(1), .integer(2)]))
        XCTAssertFalse(try connection.cachedStatement("INSERT INTO t VALUES (?)", keepingBindings: true).step())
        XCTAssertEqual(try connection.prepare("SELECT group_concat(x) FROM t").scalar(), .text("7,7,7"))
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

    /// Texts made at run time, one after another, may land at an address an earlier, freed
    /// text had: each must still get the statement for its own text.
    func testEachSQLTextGetsItsOwnStatementWhereverItsTextLives() throws {
        let connection = try makeConnection()
        for i in 0..<500 {
            let sql = String(decoding: Array("SELECT \(i) AS value_from_a_long_enough_text".utf8), as: UTF8.self)
            let statement = try connection.cachedStatement(sql)
            XCTAssertEqual(statement.sql, sql)
            XCTAssertEqual(try statement.scalarInt64(), Int64(i))
        }
        for i in [7, 3, 499] {  // short texts are keyed by their bytes, long ones found again by text
            XCTAssertEqual(try connection.cachedStatement("SELECT \(i)").scalarInt64(), Int64(i))
            XCTAssertEqual(
                try connection.cachedStatement("SELECT \(i) AS value_from_a_long_enough_text").scalarInt64(), Int64(i))
        }
    }

    /// More distinct texts than the front has slots, used in turns: every hand-out is the one
    /// statement for that text, whether found by address, by short text, or by hashing.
    func testInterleavedTextsKeepOneStatementEach() throws {
        let connection = try makeConnection()
        let literals: [String] = [
            "SELECT 1", "SELECT 2", "SELECT 'a fairly long literal text number one'",
            "SELECT 'a fairly long literal text number two'", "",
        ]
        let built = (0..<600).map {
            String(decoding: Array("SELECT \($0) + 0 AS the_value_of_this_statement".utf8), as: UTF8.self)
        }
        var first: [String: Statement] = [:]
        for round in 0..<3 {
            for sql in literals + built where !sql.isEmpty {
                // A copy made this round: equal text in other storage than the cached one.
                let text = round == 1 ? String(decoding: Array(sql.utf8), as: UTF8.self) : sql
                let statement = try connection.cachedStatement(text)
                XCTAssertEqual(statement.sql, sql)
                if let earlier = first[sql] {
                    XCTAssertTrue(earlier === statement, sql)
                } else {
                    first[sql] = statement
                }
            }
        }
        XCTAssertEqual(try connection.cachedStatement("SELECT 2").scalarInt64(), 2)
        XCTAssertEqual(
            try connection.cachedStatement("SELECT 599 + 0 AS the_value_of_this_statement").scalarInt64(), 599)
    }

    /// Texts whose keys fall on the same slot are all found again in the front, up to its
    /// number of ways; one more replaces one of them.
    func testTextsOfOneSlotShareItsWays() throws {
        let connection = try makeConnection()
        var bySlot: [Int: [String]] = [:]
        var same: [String] = []
        for i in 0..<100_000 {
            let sql = "SELECT \(i)"  // short: keyed by its bytes, so its slot is fixed
            let slot = try XCTUnwrap(StatementFront.Key(sql)).slot
            bySlot[slot, default: []].append(sql)
            if bySlot[slot]!.count == StatementFront.ways + 1 {
                same = bySlot[slot]!
                break
            }
        }
        XCTAssertEqual(same.count, StatementFront.ways + 1)
        var front = StatementFront()
        let statements = try same.map { try connection.prepare($0) }
        for st in statements.prefix(StatementFront.ways) { front.insert(st) }
        for (sql, st) in zip(same, statements).prefix(StatementFront.ways) {
            XCTAssertTrue(front.statement(for: try XCTUnwrap(StatementFront.Key(sql))) === st, sql)
        }
        front.insert(statements[StatementFront.ways])
        let found = same.filter { front.statement(for: StatementFront.Key($0)!) != nil }
        XCTAssertEqual(found.count, StatementFront.ways)
        XCTAssertTrue(found.contains(same[StatementFront.ways]))
    }
}
