import XCTest

@testable import LogStore

final class ColumnReaderTests: SQLiteTestCase {
    func testReadsTheColumnsLeftToRightInTheirOwnTypes() throws {
        let connection = try makeConnection()
        try connection.execute("CREATE TABLE t(i INTEGER, s TEXT, b BLOB, n)")
        try connection.cachedStatement("INSERT INTO t VALUES (?, ?, ?, ?)").run(
            .integer(-7), .text("e\u{301}"), .blob([0, 255, 1]), .null)

        let read = try connection.one("SELECT i, s, b, n, n, n, b FROM t", []) { st in
            var row = st.columns
            return (
                row.int64(), row.text(), row.blob(), row.optionalInt64(), row.optionalText(), row.optionalBlob(),
                row.withBlob { Array($0) }
            )
        }
        let row = try XCTUnwrap(read)
        XCTAssertEqual(row.0, -7)
        XCTAssertTrue(row.1.utf8.elementsEqual("e\u{301}".utf8))
        XCTAssertEqual(row.2, [0, 255, 1])
        XCTAssertNil(row.3)
        XCTAssertNil(row.4)
        XCTAssertNil(row.5)
        XCTAssertEqual(row.6, [0, 255, 1])
    }

    func testOptionalReadsGiveTheValueWhenThereIsOne() throws {
        let connection = try makeConnection()
        let read = try connection.one("SELECT 0, '', x'00'", []) { st in
            var row = st.columns
            return (row.optionalInt64(), row.optionalText(), row.optionalBlob())
        }
        let row = try XCTUnwrap(read)
        XCTAssertEqual(row.0, 0)
        XCTAssertEqual(row.1, "")
        XCTAssertEqual(row.2, [0])
    }

    func testAnOptionalBlobIsLentOrNil() throws {
        let connection = try makeConnection()
        let read = try connection.one("SELECT NULL, x'0102'", []) { st in
            var row = st.columns
            return (row.withOptionalBlob { $0.map { Array($0) } }, row.withOptionalBlob { $0.map { Array($0) } })
        }
        let lent = try XCTUnwrap(read)
        XCTAssertNil(lent.0)
        XCTAssertEqual(lent.1, [1, 2])
    }

    func testAllDecodesEveryRowInOrder() throws {
        let connection = try makeConnection()
        let rows = try connection.all("SELECT column1, 'v' || column1 FROM (VALUES (1), (2), (3))", []) { st in
            var row = st.columns
            return "\(row.int64()):\(row.text())"
        }
        XCTAssertEqual(rows, ["1:v1", "2:v2", "3:v3"])
        XCTAssertEqual(try connection.ints("SELECT 5 UNION ALL SELECT 4", []), [5, 4])
        XCTAssertEqual(try connection.texts("SELECT 'a' UNION ALL SELECT 'b'", []), ["a", "b"])
    }
}
