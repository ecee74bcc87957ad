import Foundation
import XCTest

@testable import LogStore

/// Faults the store must survive: a full disk, a read-only store.
final class FaultTests: XCTestCase {
    func bigAppend(_ i: Int) throws -> LogStore.Message {
        let xs = (0..<2000).map { String($0 + i * 2000) }.joined(separator: ", ")
        return .init(
            .update, try json(#"{"data": [{"x": [\#(xs)], "y": [\#(xs)]}], "win": "w", "eid": "main", "append": true}"#)
        )
    }

    func testAFullDiskFailsTheEpochAndLeavesTheStoreConsistentAndUsable() throws {
        let path = try temporaryDirectory(self).appendingPathComponent("full.db").path
        var store: LogStore? = try LogStore(path: path, options: .init(maxPageCount: 60))
        try store!.apply(
            .events,
            #"{"data": [{"x": [], "y": [], "name": "a", "type": "scatter"}], "win": "w", "eid": "main", "layout": {}}"#)
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
        XCTAssertEqual(try store!.lastEpoch, Int64(applied + 1), "the failed epoch left no number behind")
        let x = try store!.exportWindow(env: "main", window: "w")["content"]?["data"]?.arrayValue?[0]["x"]?.arrayValue
        XCTAssertEqual(x?.count, applied * 2000)
        // Still usable: a small message still fits or fails cleanly, reads work, and with room the writes go on.
        store = nil
        store = try LogStore(path: path, options: .init(maxPageCount: 100_000))
        try store!.apply(bigAppend(applied))
        XCTAssertEqual(try store!.lastEpoch, Int64(applied + 2))
        let db = try Connection(path: path, mode: .readOnly)
        XCTAssertEqual(try db.one("PRAGMA integrity_check", []) { $0.text(0) }, "ok")
    }

    /// A batch of jobs (one transaction) in which one job fills the disk: SQLite rolls the
    /// whole transaction back, and every job of the batch fails as the full disk it is, not
    /// as a corrupt store.
    func testABatchRolledBackByAFullDiskIsReportedAsFull() throws {
        let path = try temporaryDirectory(self).appendingPathComponent("full-batch.db").path
        let store = try LogStore(path: path, options: .init(maxPageCount: 60))
        let writer = try XCTUnwrap(store.writer)
        let gate = DispatchSemaphore(value: 0)
        let done = DispatchGroup()
        // A first job holds the writer while the others queue up behind it: they are one batch.
        done.enter()
        writer.submit({ _ in gate.wait() }, complete: { _ in done.leave() })
        nonisolated(unsafe) var outcomes: [Int: Error?] = [:]
        let lock = NSLock()
        for (i, bytes) in [10, 1 << 20, 10].enumerated() {
            done.enter()
            writer.submit(
                { ctx in
                    try ctx.db.run(
                        "INSERT INTO meta(key, value) VALUES (?, ?)",
                        [.text("k\(i)"), .blob(Array(repeating: 7, count: bytes))])
                },
                complete: { result in
                    lock.lock()
                    if case .failure(let e) = result { outcomes[i] = e } else { outcomes[i] = .some(nil) }
                    lock.unlock()
                    done.leave()
                })
        }
        gate.signal()
        done.wait()
        XCTAssertEqual(outcomes.count, 3)
        for (i, error) in outcomes {
            let failure = try XCTUnwrap(error, "job \(i): the batch was rolled back, so no job of it succeeded")
            XCTAssertEqual(LogStore.classify(failure, path: path), .full(path: path), "job \(i)")
        }
        XCTAssertEqual(try store.check(), [])
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
