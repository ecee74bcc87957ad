import XCTest

@testable import LogStore

final class MessageTests: XCTestCase {
    let line =
        #"["update", {"data": [{"x": [1.5, 2, -0.0], "y": [NaN, null, 12345678901234567890]}], "win": "w", "eid": "a/b", "append": true}]"#

    private func body() throws -> JSONValue { try XCTUnwrap(try json(line).arrayValue?[1]) }

    func testADecodedLogLineHoldsTheBodyTheJSONReaderReads() throws {
        let m = try LogStore.Message.decode(logLine: ArraySlice(line.utf8), place: "f:1")
        XCTAssertEqual(m.endpoint, .update)
        XCTAssertEqual(m.body, try body())
        XCTAssertEqual(m.bodyMember("eid"), "a/b")
        XCTAssertEqual(m.bodyMember("append"), true)
        XCTAssertNil(m.bodyMember("opts"))
        XCTAssertEqual(m.pane.plainJSON, try body())
    }

    func testChangingTheBodyReplacesIt() throws {
        var m = try LogStore.Message.decode(logLine: ArraySlice(line.utf8), place: "f:1")
        m.body = ["win": "other"]
        XCTAssertEqual(m.body, ["win": "other"])
        XCTAssertEqual(m.pane.plainJSON, ["win": "other"])
        XCTAssertEqual(m.bodyMember("win"), "other")
    }

    func testADecodedMessageAppliesLikeOneBuiltFromItsJSON() throws {
        let create = try json(
            #"{"data": [{"x": [0], "y": [0], "name": "a", "type": "scatter"}], "win": "w", "eid": "a/b", "layout": {}}"#
        )
        let decoded = try LogStore.Message.decode(logLine: ArraySlice(line.utf8), place: "f:1")
        var results: [JSONValue] = []
        for m in [decoded, LogStore.Message(.update, try body())] {
            let store = try temporaryStore(self)
            try store.apply(LogStore.Message(.events, create))
            XCTAssertEqual(try store.apply(m).outcome, .ok("w"))
            results.append(try XCTUnwrap(try store.exportWindow(env: "a_b", window: "w")["content"]?["data"]))
        }
        XCTAssertEqual(results[0], results[1])
        XCTAssertEqual(results[0].arrayValue?[0]["y"], [0, .double(.nan), nil, .bigInt("12345678901234567890")])
    }
}
