import Foundation
import XCTest

@testable import LogStore

final class EpochLogTests: XCTestCase {
    func testEpochsAreNewestFirstWithWhatEachMessageAddressed() throws {
        let store = try temporaryStore(self)
        try store.apply(.events, #"{"data": [{"content": "hi", "type": "text"}], "win": "t", "eid": "a", "opts": {}}"#)
        try store.apply(.update, #"{"data": [{"x": [1], "y": [1]}], "win": "nope", "eid": "b", "append": true}"#)
        let all = try store.epochs()
        XCTAssertEqual(all.map(\.epoch), [2, 1, 0])
        XCTAssertEqual(all[1].endpoint, "events")
        XCTAssertEqual(all[1].env, "a")
        XCTAssertEqual(all[1].window, "t")
        XCTAssertEqual(all[1].status, "ok")
        XCTAssertEqual(all[1].source, "api")
        XCTAssertEqual(
            all[2],
            EpochRecord(
                epoch: 0, timeMS: all[2].timeMS, source: "init", endpoint: "create", env: "main",
                window: nil, status: "ok", detail: ""))
        XCTAssertEqual(all[0].status, "failed")
        XCTAssertLessThanOrEqual(all[2].timeMS, all[0].timeMS)
    }

    /// The env an epoch names is `extract_eid` of the body as the handler got it ("main" for a
    /// missing or None eid, escaped, none where extract_eid raises), and its window the body's
    /// "win" when that is text, an id made for a missing one included.
    func testAnEpochNamesTheEnvAndWindowTheHandlerGot() throws {
        let store = try temporaryStore(self)
        try store.apply(.events, #"{"data": [{"content": "a", "type": "text"}], "win": "t"}"#)
        try store.apply(.events, #"{"data": [{"content": "b", "type": "text"}], "win": "t", "eid": null}"#)
        try store.apply(.events, #"{"data": [{"content": "c", "type": "text"}], "win": "t", "eid": "x/y"}"#)
        try store.apply(.events, #"{"data": [{"content": "d", "type": "text"}], "win": 7, "eid": 5}"#)
        try store.apply(.events, #"{"data": [{"content": "e", "type": "text"}], "win": null}"#)
        try store.apply(.openEnv, #"{"eid": null, "win": "w"}"#)
        let all = Array(try store.epochs().reversed().dropFirst())
        XCTAssertEqual(all.map(\.env), ["main", "main", "x_y", nil, "main", "main"])
        XCTAssertEqual(all.map(\.window).prefix(4), ["t", "t", "t", nil])
        let made = try XCTUnwrap(all[4].window)
        XCTAssertEqual(try store.exportWindow(env: "main", window: made)["content"], .string("e"))
        XCTAssertEqual(all[5].window, "w")
    }

    func testEnvAndLimitFilter() throws {
        let store = try temporaryStore(self)
        for env in ["a", "b", "a"] {
            try store.apply(
                .events, #"{"data": [{"content": "hi", "type": "text"}], "win": "t", "eid": "\#(env)", "opts": {}}"#)
        }
        XCTAssertEqual(try store.epochs(env: "a").map(\.epoch), [3, 1])
        XCTAssertEqual(try store.epochs(env: "a", limit: 1).map(\.epoch), [3])
        XCTAssertEqual(try store.epochs(limit: 0), [])
        XCTAssertEqual(try store.epochs(limit: -5), [])
        XCTAssertEqual(try store.epochs(env: "zzz"), [])
    }
}
