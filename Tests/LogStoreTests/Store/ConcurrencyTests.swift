import Foundation
import Synchronization
import XCTest

@testable import LogStore

/// Many writers and readers on one store: writes are group-committed by the single writer,
/// reads run on their own WAL connections, and every read sees whole epochs only.
final class ConcurrencyTests: XCTestCase {
    func testEightWritersAndFourReadersSeeExactCountsAndWholeEpochs() throws {
        let store = try temporaryStore(self)
        let writers = 8
        let appends = 1500
        for w in 0..<writers {
            try store.apply(
                .events,
                #"{"data": [{"x": [], "y": [], "name": "t", "type": "scatter"}], "win": "w\#(w)", "eid": "main", "layout": {}, "opts": {}}"#
            )
        }
        let failures = FailureLog()
        let writing = DispatchGroup()
        let stop = StopFlag()
        for w in 0..<writers {
            DispatchQueue.global().async(group: writing) {
                for i in 0..<appends {
                    do {
                        let m = try json(
                            #"{"data": [{"x": [\#(i)], "y": [\#(i * 10)]}], "win": "w\#(w)", "eid": "main", "append": true}"#
                        )
                        let r = try store.apply(.init(.update, m))
                        if r.outcome != .ok("w\(w)") { failures.add("writer \(w): \(r.outcome)") }
                    } catch { failures.add("writer \(w): \(error)") }
                }
            }
        }
        let reading = DispatchGroup()
        let reads = Counter()
        for r in 0..<4 {
            DispatchQueue.global().async(group: reading) {
                while !stop.isSet {
                    do {
                        let env = try store.exportEnv("main")
                        reads.increment()
                        for w in 0..<writers {
                            guard let t = env["jsons"]?["w\(w)"]?["content"]?["data"]?.arrayValue?.first,
                                let x = t["x"]?.arrayValue, let y = t["y"]?.arrayValue
                            else {
                                failures.add("reader \(r): window w\(w) missing")
                                continue
                            }
                            // A whole epoch appends to x and y together, in order.
                            if x.count != y.count {
                                failures.add("reader \(r): w\(w) saw half an epoch (\(x.count) x, \(y.count) y)")
                            }
                            if x != (0..<x.count).map({ JSONValue.int(Int64($0)) }) {
                                failures.add("reader \(r): w\(w) is not a prefix")
                            }
                        }
                    } catch { failures.add("reader \(r): \(error)") }
                }
            }
        }
        writing.wait()
        stop.set()
        reading.wait()
        XCTAssertEqual(failures.all, [])
        XCTAssertGreaterThan(reads.value, 0)
        XCTAssertEqual(try store.lastEpoch, Int64(writers * (appends + 1)))
        let env = try store.exportEnv("main")
        for w in 0..<writers {
            let t = env["jsons"]?["w\(w)"]?["content"]?["data"]?.arrayValue?.first
            XCTAssertEqual(t?["x"]?.arrayValue?.count, appends)
            XCTAssertEqual(t?["y"]?.arrayValue?.last, .int(Int64((appends - 1) * 10)))
        }
    }

    func testTheStoreIsSendableAndTheAsyncApplyWaitsForItsEpoch() async throws {
        let store = try temporaryStore(self)
        let results = try await withThrowingTaskGroup(of: Int64.self) { group in
            for i in 0..<64 {
                group.addTask {
                    let m = try JSONReader.parse(
                        #"{"data": [{"content": "line \#(i)", "type": "text"}], "win": "t\#(i)", "eid": "main"}"#)
                    return try await store.apply(LogStore.Message(.events, m)).epoch
                }
            }
            var epochs: [Int64] = []
            for try await e in group { epochs.append(e) }
            return epochs
        }
        XCTAssertEqual(results.sorted(), Array(1...64))
        XCTAssertEqual(try store.exportEnv("main")["jsons"]?.objectValue?.count, 64)
    }

    /// `apply(_:done:)` (a server's event loop calls it, on the main thread here) does not wait:
    /// `done` runs once per message, on the writer thread, when its epoch is durable; a store
    /// that cannot write says so through `done`.
    func testTheCallbackApplyReturnsAtOnceAndCallsDoneWhenDurable() throws {
        let store = try temporaryStore(self)
        let answered = expectation(description: "done")
        answered.expectedFulfillmentCount = 32
        let epochs = Epochs()
        for i in 0..<32 {
            let m = try JSONReader.parse(
                #"{"data": [{"content": "line \#(i)", "type": "text"}], "win": "t\#(i)", "eid": "main"}"#)
            store.apply(LogStore.Message(.events, m)) { result in
                XCTAssertFalse(Thread.isMainThread, "done runs on the writer thread")
                if case .success(let applied) = result { epochs.all.withLock { $0.append(applied.epoch) } }
                answered.fulfill()
            }
        }
        wait(for: [answered], timeout: 60)
        XCTAssertEqual(epochs.all.withLock { $0.sorted() }, Array(1...32))
        XCTAssertEqual(try store.lastEpoch, 32)

        let path = store.path
        store.close()
        let readOnly = try LogStore(path: path, options: .init(readOnly: true))
        let refused = expectation(description: "refused")
        readOnly.apply(LogStore.Message(.events, try JSONReader.parse("{}"))) { result in
            guard case .failure(.readOnly) = result else { return XCTFail("\(result)") }
            refused.fulfill()
        }
        wait(for: [refused], timeout: 10)
    }
}

/// Epochs reported from the writer thread.
final class Epochs: Sendable {
    let all = Mutex<[Int64]>([])
}

final class FailureLog: @unchecked Sendable {
    private let lock = NSLock()
    private var items: [String] = []
    func add(_ s: String) {
        lock.lock()
        if items.count < 20 { items.append(s) }
        lock.unlock()
    }
    var all: [String] {
        lock.lock()
        defer { lock.unlock() }
        return items
    }
}

final class StopFlag: @unchecked Sendable {
    private let lock = NSLock()
    private var flag = false
    func set() {
        lock.lock()
        flag = true
        lock.unlock()
    }
    var isSet: Bool {
        lock.lock()
        defer { lock.unlock() }
        return flag
    }
}

final class Counter: @unchecked Sendable {
    private let lock = NSLock()
    private var n = 0
    func increment() {
        lock.lock()
        n += 1
        lock.unlock()
    }
    var value: Int {
        lock.lock()
        defer { lock.unlock() }
        return n
    }
}

extension ConcurrencyTests {
    /// Two writable handles on one file (a server and a `logstore import` in another process):
    /// each numbers its epochs after the newest committed by either, so epochs stay 0…n without
    /// gaps or collisions, and each handle's caches notice the other's rows.
    func testTwoWritableHandlesOnOneFileNumberTheirEpochsAfterEachOther() throws {
        let path = try temporaryDirectory(self).appendingPathComponent("s.db").path
        let a = try LogStore(path: path)
        let b = try LogStore(path: path)
        try a.apply(
            .events, #"{"data": [{"x": [0], "y": [0], "name": "t", "type": "scatter"}], "win": "w", "layout": {}}"#)
        for i in 1...5 {
            let from = i % 2 == 0 ? a : b
            let m = try json(#"{"data": [{"x": [\#(i)], "y": [\#(i)]}], "win": "w", "name": "t", "append": true}"#)
            XCTAssertEqual(try from.apply(.init(.update, m)).epoch, Int64(i + 1))
        }
        XCTAssertEqual(
            try b.exportWindow(env: "main", window: "w")["content"]?["data"]?.arrayValue?[0]["x"], [0, 1, 2, 3, 4, 5])
        XCTAssertEqual(try a.check(), [])
        XCTAssertEqual(try a.lastEpoch, 6)
        XCTAssertEqual(try b.lastEpoch, 6)
    }
}
