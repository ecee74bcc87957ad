import Foundation
import XCTest

@testable import LogStore

/// `forEachEpoch(_:changes:)`: what each epoch changed, read back from its rows, and the
/// filter's bounds. Batches of `EpochChangeReader.batchSize` epochs must not change the answer.
final class EpochChangesTests: XCTestCase {
    func changes(_ store: LogStore, _ filter: EpochFilter = .init()) throws -> [Int64: [EpochChange]] {
        var out: [Int64: [EpochChange]] = [:]
        try store.forEachEpoch(filter, changes: true) { r, c in out[r.epoch] = c }
        return out
    }

    func testKindsAndPoints() throws {
        let store = try temporaryStore(self)
        try store.apply(
            .events,
            #"{"data": [{"x": [1, 2], "y": [3, 4], "name": "a", "type": "scatter"}], "win": "w", "eid": "e", "layout": {}, "opts": {}}"#
        )
        try store.apply(.update, #"{"data": [{"x": [3], "y": [5]}], "win": "w", "eid": "e", "append": true}"#)
        try store.apply(.events, #"{"data": [{"content": "hi", "type": "text"}], "win": "t", "eid": "e", "opts": {}}"#)
        try store.apply(
            .update, #"{"data": [{"content": "more", "type": "text"}], "win": "t", "eid": "e", "append": true}"#)
        try store.apply(.close, #"{"eid": "e", "win": "t"}"#)
        try store.apply(
            .events,
            #"{"data": [{"x": [0], "y": [0], "name": "a", "type": "scatter"}], "win": "w", "eid": "e", "layout": {}, "opts": {}}"#
        )
        try store.apply(.deleteEnv, #"{"eid": "e"}"#)
        let c = try changes(store)
        XCTAssertEqual(c[0], [EpochChange(kind: .envCreated, env: "main", window: nil, points: 0)])
        XCTAssertEqual(
            c[1],
            [
                EpochChange(kind: .envCreated, env: "e", window: nil, points: 0),
                EpochChange(kind: .created, env: "e", window: "w", points: 2),
            ])
        XCTAssertEqual(c[2], [EpochChange(kind: .appended, env: "e", window: "w", points: 1)])
        XCTAssertEqual(c[3], [EpochChange(kind: .created, env: "e", window: "t", points: 0)])
        XCTAssertEqual(c[4], [EpochChange(kind: .appended, env: "e", window: "t", points: 0)])  // text: no points
        XCTAssertEqual(c[5], [EpochChange(kind: .closed, env: "e", window: "t", points: 0)])
        XCTAssertEqual(c[6], [EpochChange(kind: .replaced, env: "e", window: "w", points: 1)])
        XCTAssertEqual(c[7], [EpochChange(kind: .envDeleted, env: "e", window: nil, points: 0)])
    }

    /// A log longer than one batch: every append counted once, whichever batch it falls in.
    func testBatchesDoNotChangeTheAnswer() throws {
        let store = try temporaryStore(self)
        try store.apply(
            .events,
            #"{"data": [{"x": [0], "y": [0], "name": "a", "type": "scatter"}], "win": "w", "eid": "e", "layout": {}, "opts": {}}"#
        )
        let n = EpochChangeReader.batchSize * 2 + 7
        for i in 1...n {
            try store.apply(
                .update,
                #"{"data": [{"x": [\#(i), \#(i)], "y": [\#(i), \#(i)]}], "win": "w", "eid": "e", "append": true}"#)
        }
        let c = try changes(store)
        XCTAssertEqual(c.count, n + 2)
        for epoch in 2...Int64(n + 1) {
            XCTAssertEqual(c[epoch], [EpochChange(kind: .appended, env: "e", window: "w", points: 2)], "\(epoch)")
        }
        // Bounds: after, through, limit; the times of all epochs lie within [first, last].
        let some = try changes(store, EpochFilter(after: 10, through: 20, limit: 5))
        XCTAssertEqual(some.keys.sorted(), [16, 17, 18, 19, 20])
        let times = try store.epochs().map(\.timeMS)
        XCTAssertEqual(try changes(store, EpochFilter(fromTimeMS: times.min()!, toTimeMS: times.max()!)).count, n + 2)
        XCTAssertEqual(try changes(store, EpochFilter(toTimeMS: times.min()! - 1)).count, 0)
        let lengths = try store.epochFieldLengths(EpochFilter(limit: 3))
        XCTAssertEqual(lengths, EpochFieldLengths(source: 3, endpoint: 6, env: 1, window: 1, maxEpoch: Int64(n + 1)))
    }

    /// After `compact(before: N)` the epochs up to N, whose rows it merged, say so instead of
    /// guessing (N's own segment went into the merged one).
    func testCompactedEpochsSaySo() throws {
        let store = try temporaryStore(self)
        try store.apply(
            .events,
            #"{"data": [{"x": [0], "y": [0], "name": "a", "type": "scatter"}], "win": "w", "eid": "e", "layout": {}, "opts": {}}"#
        )
        for i in 1...3 {
            try store.apply(
                .update, #"{"data": [{"x": [\#(i)], "y": [\#(i)]}], "win": "w", "eid": "e", "append": true}"#)
        }
        _ = try store.compact(before: 3)
        let c = try changes(store)
        XCTAssertEqual(c[0], [EpochChange(kind: .compacted, env: "main", window: nil, points: 0)])
        for epoch: Int64 in 1...3 {
            XCTAssertEqual(c[epoch], [EpochChange(kind: .compacted, env: "e", window: nil, points: 0)])
        }
        XCTAssertEqual(c[4], [EpochChange(kind: .appended, env: "e", window: "w", points: 1)])
    }
}
