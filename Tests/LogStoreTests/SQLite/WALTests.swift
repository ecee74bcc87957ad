import XCTest

@testable import LogStore

final class WALTests: SQLiteTestCase {
    func testJournalModeWALIsReported() throws {
        let connection = try makeConnection()
        let mode = try connection.prepare("PRAGMA journal_mode = WAL").firstRow { $0.text(0) }
        XCTAssertEqual(mode, "wal")
        XCTAssertEqual(try connection.pragmaText("journal_mode"), "wal")
    }

    func testAReaderSeesTheCommittedStateWhileAWriterHoldsAnOpenWriteTransaction() throws {
        let writer = try makeConnection()
        try writer.execute("PRAGMA journal_mode = WAL; CREATE TABLE t(x); INSERT INTO t VALUES (1);")
        let reader = try Connection(path: path("test.db"), mode: .readOnly)
        let count = "SELECT count(*) FROM t"

        try writer.transaction(.immediate) {
            try writer.cachedStatement("INSERT INTO t VALUES (?)").run(2)
            XCTAssertEqual(try writer.cachedStatement(count).scalarInt64(), 2)
            // The reader is neither blocked nor shown the uncommitted row.
            XCTAssertEqual(try reader.cachedStatement(count).scalarInt64(), 1)
            // A second writer is refused at once (no busy timeout set).
            let other = try Connection(path: self.path("test.db"), mode: .readWrite)
            let busy = self.sqliteError { try other.transaction(.immediate) {} }
            XCTAssertEqual(busy?.isBusy, true, "\(String(describing: busy))")
        }
        XCTAssertEqual(try reader.cachedStatement(count).scalarInt64(), 2)
    }
}
