import Foundation
import XCTest

@testable import LogStore

/// The store handle (`LogStore.swift`): what it reports once closed, and when it cannot read.
final class LogStoreTests: XCTestCase {
    func testAWriteAfterCloseIsRefusedAsClosedWithTheStoresPath() throws {
        let path = try temporaryDirectory(self).appendingPathComponent("closed.db").path
        let store = try LogStore(path: path)
        try store.apply(.events, #"{"data": [{"content": "hi", "type": "text"}], "win": "t", "eid": "main"}"#)
        store.close()
        XCTAssertThrowsError(try store.apply(.init(.close, try json(#"{"win": "t"}"#)))) {
            XCTAssertEqual($0 as? LogStoreError, .closed(path: path))
        }
        XCTAssertThrowsError(try store.forkEnv("main", to: "copy")) {
            XCTAssertEqual($0 as? LogStoreError, .closed(path: path))
        }
        // Reads still work: they reopen a connection.
        XCTAssertEqual(try store.exportWindow(env: "main", window: "t")["content"], "hi")
        XCTAssertEqual(try store.lastEpoch, 1)
    }

    func testLastEpochThrowsWhenTheStoreCannotBeRead() throws {
        let path = try temporaryDirectory(self).appendingPathComponent("gone.db").path
        do {
            let store = try LogStore(path: path)
            try store.apply(.events, #"{"data": [{"content": "hi", "type": "text"}], "win": "t", "eid": "main"}"#)
        }
        let store = try LogStore(path: path, options: .init(readOnly: true))
        XCTAssertEqual(try store.lastEpoch, 1)
        store.close()  // no idle reader connection left: the next read opens the file again
        try Data(repeating: 0x41, count: 8192).write(to: URL(fileURLWithPath: path))
        try? FileManager.default.removeItem(atPath: path + "-wal")
        XCTAssertThrowsError(try store.lastEpoch) {
            XCTAssertEqual($0 as? LogStoreError, .notAStore(path: path, reason: "file is not a database"))
        }
    }
}
