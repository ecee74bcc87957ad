import XCTest

@testable import LogStore

/// The process-wide SQLite settings `Connection` makes before its first open.
final class SQLiteLibraryTests: SQLiteTestCase {
    func testMemoryStatisticsAreOffOnceAConnectionOpened() throws {
        let connection = try makeConnection()
        try connection.execute("CREATE TABLE t(x)")
        try connection.execute("INSERT INTO t VALUES (randomblob(100000))")
        XCTAssertTrue(SQLiteLibrary.configured)
        // With statistics on, the connection, its schema and page cache count here.
        XCTAssertEqual(SQLiteLibrary.memoryUsed, 0)
    }
}
