import Foundation
import XCTest

@testable import LogStore

/// Faults the store must survive: a full disk, a read-only store.
final class FaultTests: XCTestCase {
    func bigAppend(_ i: Int) throws -> LogStore.Message {
        let xs = (0..<2000).map { String($0 + i * 2000) }.joined(separator: ", ")
        return .init(.update, try json(#"{"data": [{"x": [\#(xs)], "y": [\#(xs)]}], "win": "w", "eid": "main", "append": true}"#))
    }

    func testAFullDiskFailsTheEpochAndLeavesTheStoreConsistentAndUsable() throws {
        let path = try temporaryDirectory(self).appendingPathComponent("full.db").path
        var store: LogStore? = try LogStore(path: path, options: .init(maxPageCount: 60))
        try store!.apply(.events, #"{"data": [{"x": [], "y": [], "name": "a", "type": "scatter"}], "win": "w", "eid": "main", "layout": {}}"#)
        var applied = 0
        var failure: Error?
        for i in 0..<200 {
            do {
                try store!.apply(bigAppend(i))
                applied += 1
            } catch {
                failure = error
                break
            }
        }
        XCTAssertGreaterThan(applied, 0)
        XCTAssertEqual(failure as? LogStoreError, .full(path: path))
        XCTAssertEqual(store!.lastEpoch, Int64(applied + 1), "the failed epoch left no number behind")
        let x = try store!.exportWindow(env: "main", window: "w")["content"]?["data"]?.arrayValue?[0]["x"]?.arrayValue
        XCTAssertEqual(x?.count, applied * 2000)
        // Still usable: a small message still fits or fails cleanly, reads work, and with room the writes go on.
        store = nil
        store = try LogStore(path: path, options: .init(maxPageCount: 100_000))
        try store!.apply(bigAppend(applied))
        XCTAssertEqual(store!.lastEpoch, Int64(applied + 2))
        let db = try Connection(path: path, mode: .readOnly)
        XCTAssertEqual(try db.one("PRAGMA integrity_check", []) { $0.text(0) }, "ok")
    }

    func testAReadOnlyStoreCanBeReadAndRefusesWritesClearly() throws {
        let path = try temporaryDirectory(self).appendingPathComponent("ro.db").path
        do {
            let store = try LogStore(path: path)
            try store.apply(.events, #"{"data": [{"content": "hi", "type": "text"}], "win": "t", "eid": "main"}"#)
        }
        let ro = try LogStore(path: path, options: .init(readOnly: true))
        XCTAssertEqual(try ro.exportWindow(env: "main", window: "t")["content"], "hi")
        XCTAssertThrowsError(try ro.apply(.init(.close, try json(#"{"win": "t"}"#)))) {
            XCTAssertEqual($0 as? LogStoreError, .readOnly(path: path))
        }
    }
}
