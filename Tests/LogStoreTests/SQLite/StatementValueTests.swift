import XCTest

@testable import LogStore

final class StatementValueTests: SQLiteTestCase {
    func testTextWithNULAndNonBMPCharactersRoundTripsByteForByte() throws {
        let connection = try makeConnection()
        try connection.execute("CREATE TABLE t(s TEXT)")
        let text = "a\u{0}b 😀 e\u{301} \u{0}"
        try connection.cachedStatement("INSERT INTO t VALUES (?)").run(.text(text))

        let select = try connection.prepare("SELECT s, length(CAST(s AS BLOB)), typeof(s) FROM t")
        let row = try select.firstRow { ($0.text(0), $0.int64(1), $0.text(2), $0.value(0)) }
        XCTAssertEqual(row?.0.utf8.count, text.utf8.count)
        XCTAssertTrue(row?.0.utf8.elementsEqual(text.utf8) ?? false)
        XCTAssertEqual(row?.1, Int64(text.utf8.count))
        XCTAssertEqual(row?.2, "text")
        XCTAssertEqual(row?.3, .text(text))
    }

    /// `bind(keeping:at:)` skips a bind only while the parameter still holds its last text or
    /// integer: any other bind at the index, or cleared bindings, make it bind again.
    func testKeptBindingsAlwaysStoreTheValueGiven() throws {
        let connection = try makeConnection()
        try connection.execute("CREATE TABLE t(k INTEGER PRIMARY KEY, a, b)")
        let sql = "INSERT INTO t(k, a, b) VALUES (?, ?, ?)"
        var expected: [SQLValue] = []
        func insert(_ a: SQLValue, _ b: String, clear: Bool = false) throws {
            let st = try connection.cachedStatement(sql, keepingBindings: !clear)
            let k = Int64(expected.count / 2)
            try st.bind(k, at: 1)
            switch a {
            case .text(let text): try st.bind(keeping: text, at: 2)
            case .null: try st.bindNull(at: 2)
            case .integer(let i): try st.bind(keeping: i, at: 2)
            case .real(let d): try st.bind(d, at: 2)
            case .blob(let bytes): try st.bind(bytes, at: 2)
            }
            try st.bind(keeping: b, at: 3)
            while try st.step() {}
            st.reset()
            expected += [a, .text(b)]
        }
        let long = String(repeating: "long text ", count: 4)
        try insert(.text("x"), "same")
        try insert(.text("x"), "same")
        try insert(.null, "same")
        try insert(.text("x"), "same")
        try insert(.integer(7), "same")
        try insert(.integer(7), "same")
        try insert(.text("7"), "same")
        try insert(.integer(7), "same")
        try insert(.null, "same")
        try insert(.integer(7), "same")
        try insert(.integer(7), "same", clear: true)
        try insert(.integer(-7), "same")
        try insert(.text("x"), "same", clear: true)
        try insert(.text("\u{E9}"), "same")
        try insert(.text("e\u{301}"), "same")
        try insert(.real(0.5), long)
        try insert(.text(long), String(long.dropFirst(0)))
        try insert(.blob([1, 2]), "")
        try insert(.text(""), "")
        try insert(.text("x"), "same")
        var got: [SQLValue] = []
        try connection.prepare("SELECT a, b FROM t ORDER BY k").forEachRow { st in got += [st.value(0), st.value(1)] }
        XCTAssertEqual(got, expected)
    }

    func testEmptyBlobAndEmptyTextAreNotNull() throws {
        let connection = try makeConnection()
        try connection.execute("CREATE TABLE t(k INTEGER PRIMARY KEY, v)")
        let insert = try connection.cachedStatement("INSERT INTO t(k, v) VALUES (?, ?)")
        try insert.run(1, .blob([]))
        try insert.run(2, .text(""))
        try [UInt8]().withUnsafeBytes { empty in
            try insert.bind(3, at: 1)
            try insert.bind(blob: empty, at: 2)
            try insert.run()
        }

        let select = try connection.prepare("SELECT typeof(v), length(v), v FROM t ORDER BY k")
        var rows: [(String, Int64, SQLValue)] = []
        try select.forEachRow { rows.append(($0.text(0), $0.int64(1), $0.value(2))) }
        XCTAssertEqual(rows.map(\.0), ["blob", "text", "blob"])
        XCTAssertEqual(rows.map(\.1), [0, 0, 0])
        XCTAssertEqual(rows.map(\.2), [.blob([]), .text(""), .blob([])])
        try select.firstRow { row in
            XCTAssertFalse(row.isNull(2))
            XCTAssertEqual(row.blob(2), [])
            row.withBlob(2) { XCTAssertEqual($0.count, 0) }
        }
    }

    func testNaNIsStoredAsNullByDesignOfSQLite() throws {
        // The trap documented on Statement.bind(_:at:) for Double: callers must encode NaN.
        let connection = try makeConnection()
        try connection.execute("CREATE TABLE t(k INTEGER PRIMARY KEY, x REAL)")
        let insert = try connection.cachedStatement("INSERT INTO t(k, x) VALUES (?, ?)")
        try insert.run(1, .real(.nan))
        try insert.run(2, .real(.infinity))
        try insert.run(3, .real(-0.5))

        let select = try connection.prepare("SELECT typeof(x), x FROM t ORDER BY k")
        var rows: [(String, SQLValue)] = []
        try select.forEachRow { rows.append(($0.text(0), $0.value(1))) }
        XCTAssertEqual(rows.map(\.0), ["null", "real", "real"])
        XCTAssertEqual(rows.map(\.1), [.null, .real(.infinity), .real(-0.5)])
    }

    func testIntegersBlobsAndZeroCopyBlobReadsRoundTrip() throws {
        let connection = try makeConnection()
        try connection.execute("CREATE TABLE t(i INTEGER, b BLOB)")
        let bytes: [UInt8] = [0, 1, 2, 255, 0]
        try connection.cachedStatement("INSERT INTO t VALUES (?, ?)").run(.integer(.min), .blob(bytes))
        let select = try connection.prepare("SELECT i, b FROM t")
        try select.firstRow { row in
            XCTAssertEqual(row.int64(0), .min)
            XCTAssertEqual(row.value(0), .integer(.min))
            XCTAssertEqual(row.columnCount, 2)
            XCTAssertEqual(row.columnName(1), "b")
            XCTAssertEqual(row.withBlob(1) { Array($0) }, bytes)
        }
    }

    func testArgumentCountMustMatchTheParameters() throws {
        let connection = try makeConnection()
        let statement = try connection.prepare("SELECT ?, ?")
        let error = sqliteError { try statement.run(1) }
        XCTAssertEqual(error?.resultCode, SQLiteError.Code.range)
        XCTAssertEqual(error?.sql, "SELECT ?, ?")
        XCTAssertEqual(try statement.scalar([1, 2]), .integer(1))
        let named = try connection.prepare("SELECT :a")
        XCTAssertEqual(named.parameterIndex(":a"), 1)
        XCTAssertNil(named.parameterIndex(":b"))
    }

    func testPrepareRefusesASecondStatementButAcceptsTrailingSemicolonsAndComments() throws {
        let connection = try makeConnection()
        XCTAssertEqual(try connection.prepare("SELECT 1; ; -- done\n /* c */ ").scalarInt64(), 1)
        let error = sqliteError { _ = try connection.prepare("SELECT 1; SELECT 2") }
        XCTAssertEqual(error?.isMisuse, true)
        let empty = sqliteError { _ = try connection.prepare("  -- nothing") }
        XCTAssertEqual(empty?.isMisuse, true)
        let nul = sqliteError { _ = try connection.prepare("SELECT 1\u{0}; DROP TABLE t") }
        XCTAssertEqual(nul?.isMisuse, true)
    }

    func testExecuteRunsEveryStatementOfAScriptAndReportsTheFailingOne() throws {
        let connection = try makeConnection()
        try connection.execute(
            """
            -- a script
            CREATE TABLE t(x);
            INSERT INTO t VALUES (1);  INSERT INTO t VALUES (2);
            SELECT * FROM t;
            """)
        XCTAssertEqual(try connection.prepare("SELECT sum(x) FROM t").scalarInt64(), 3)
        XCTAssertEqual(connection.lastInsertRowID, 2)

        let error = sqliteError {
            try connection.execute("INSERT INTO t VALUES (3); INSERT INTO nope VALUES (4); INSERT INTO t VALUES (5)")
        }
        XCTAssertEqual(error?.resultCode, SQLiteError.Code.error)
        XCTAssertEqual(error?.message, "no such table: nope")
        XCTAssertTrue(error?.sql?.hasPrefix("INSERT INTO nope") ?? false, "\(String(describing: error?.sql))")
        XCTAssertEqual(try connection.prepare("SELECT count(*) FROM t").scalarInt64(), 3)
    }

    func testChangesCountsTheRowsOfTheLastStatement() throws {
        let connection = try makeConnection()
        try connection.execute("CREATE TABLE t(x); INSERT INTO t VALUES (1), (2), (3);")
        XCTAssertEqual(connection.changes, 3)
        try connection.execute("DELETE FROM t WHERE x > 1")
        XCTAssertEqual(connection.changes, 2)
    }
}
