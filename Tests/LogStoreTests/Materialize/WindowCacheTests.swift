import XCTest

@testable import LogStore

final class WindowCacheTests: XCTestCase {
    func testWindowJSONIsTheExportedWindowAndFollowsEveryChange() throws {
        let store = try temporaryStore(self)
        XCTAssertEqual(
            try store.apply(
                .events,
                #"{"data": [{"x": [0.0], "y": [1.0], "name": "a", "type": "scatter"}], "win": "w", "eid": "main", "layout": {}, "opts": {}}"#
            ), .ok("w"))
        let first = try store.lastEpoch
        let a = try store.windowJSON(env: "main", window: "w")
        XCTAssertEqual(a, JSONWriter.bytes(try store.exportWindow(env: "main", window: "w")))
        XCTAssertEqual(try store.windowJSON(env: "main", window: "w"), a)

        XCTAssertEqual(
            try store.apply(
                .update, #"{"data": [{"x": [1.0], "y": [NaN]}], "win": "w", "eid": "main", "append": true}"#), .ok("w"))
        let b = try store.windowJSON(env: "main", window: "w")
        XCTAssertNotEqual(b, a)
        XCTAssertEqual(b, JSONWriter.bytes(try store.exportWindow(env: "main", window: "w")))
        XCTAssertEqual(try store.windowJSON(env: "main", window: "w", asOf: first), a, "as of \(first)")

        // A message that leaves the window alone keeps its bytes; a replacement changes them.
        try store.apply(
            .events, #"{"data": [{"content": "t", "type": "text"}], "win": "other", "eid": "main", "opts": {}}"#)
        XCTAssertEqual(try store.windowJSON(env: "main", window: "w"), b)
        try store.apply(
            .events, #"{"data": [{"content": "now text", "type": "text"}], "win": "w", "eid": "main", "opts": {}}"#)
        XCTAssertEqual(
            try store.windowJSON(env: "main", window: "w"),
            JSONWriter.bytes(try store.exportWindow(env: "main", window: "w")))
    }

    func testWindowJSONOfAClosedWindowOrMissingEnvIsAnError() throws {
        let store = try temporaryStore(self)
        try store.apply(
            .events, #"{"data": [{"content": "t", "type": "text"}], "win": "w", "eid": "main", "opts": {}}"#)
        _ = try store.windowJSON(env: "main", window: "w")
        try store.apply(.close, #"{"win": "w", "eid": "main"}"#)
        XCTAssertThrowsError(try store.windowJSON(env: "main", window: "w")) {
            XCTAssertEqual($0 as? LogStoreError, .noSuchWindow(env: "main", window: "w"))
        }
        XCTAssertThrowsError(try store.windowJSON(env: "nope", window: "w")) {
            XCTAssertEqual($0 as? LogStoreError, .noSuchEnv("nope"))
        }
    }

    func testLeastRecentlyUsedWindowsLeaveFirstAndOversizedOnesAreNotKept() {
        let cache = WindowCache(capacity: 10)
        cache.keep([1, 1, 1, 1], window: 1, change: 5)
        cache.keep([2, 2, 2, 2], window: 2, change: 7)
        XCTAssertEqual(cache.bytes(window: 1, change: 5), [1, 1, 1, 1])  // 1 is now the most recent
        XCTAssertNil(cache.bytes(window: 1, change: 6), "another last change is another state")
        cache.keep([3, 3, 3, 3], window: 3, change: 9)
        XCTAssertNil(cache.bytes(window: 2, change: 7))
        XCTAssertEqual(cache.bytes(window: 1, change: 5), [1, 1, 1, 1])
        XCTAssertEqual(cache.bytes(window: 3, change: 9), [3, 3, 3, 3])
        cache.keep(Array(repeating: 9, count: 11), window: 4, change: 1)
        XCTAssertNil(cache.bytes(window: 4, change: 1))
        XCTAssertEqual(cache.bytes(window: 3, change: 9), [3, 3, 3, 3])
    }
}
