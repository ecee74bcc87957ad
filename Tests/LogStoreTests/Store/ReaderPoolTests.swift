import XCTest

@testable import LogStore

final class ReaderPoolTests: XCTestCase {
    /// `read` runs in a transaction on a connection that maps the file; `lookup` runs its one
    /// statement outside any transaction, on a connection that does not map it; each kind
    /// reuses its own connections.
    func testLookupsAndReadsUseConnectionsOfTheirOwn() throws {
        let path = try temporaryDirectory(self).appendingPathComponent("test.db").path
        let store = try LogStore(path: path)
        defer { store.close() }
        let pool = ReaderPool(path: path)
        defer { pool.closeIdle() }
        XCTAssertEqual(try pool.lookup { try $0.int("PRAGMA mmap_size", []) }, 0)
        XCTAssertEqual(try pool.read { try $0.int("PRAGMA mmap_size", []) }, ReaderPool.mmapBytes)
        XCTAssertTrue(try pool.lookup { $0.isAutocommit })
        XCTAssertFalse(try pool.read { $0.isAutocommit })
        let lookup = try pool.lookup { ObjectIdentifier($0) }
        let read = try pool.read { ObjectIdentifier($0) }
        XCTAssertEqual(try pool.lookup { ObjectIdentifier($0) }, lookup)
        XCTAssertEqual(try pool.read { ObjectIdentifier($0) }, read)
        XCTAssertNotEqual(lookup, read)
    }

    /// A kept lookup connection sees what was committed since it was last used (its statement
    /// starts a read transaction of its own each time).
    func testALookupSeesEveryCommitBeforeIt() throws {
        let store = try temporaryStore(self)
        let text = #"{"data": [{"content": "hi", "type": "text"}], "win": "w%@", "eid": "main"}"#
        for i in 0..<5 {
            XCTAssertFalse(try store.windowExists(env: "main", window: "w\(i)"))
            try store.apply(.events, text.replacingOccurrences(of: "%@", with: "\(i)"))
            XCTAssertTrue(try store.windowExists(env: "main", window: "w\(i)"))
        }
    }
}
