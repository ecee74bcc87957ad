import XCTest

@testable import LogStore

final class MessageTests: XCTestCase {
    let line = #"["update", {"data": [{"x": [1.5, 2], "y": [NaN, null]}], "win": "w", "eid": "main", "append": true}]"#

    func testADecodedLogLineIsPreparedForTheRules() throws {
        let m = try LogStore.Message.decode(logLine: ArraySlice(line.utf8), place: "f:1")
        let pane = try XCTUnwrap(m.pane)
        XCTAssertEqual(pane.plainJSON, m.body)
        XCTAssertNil(LogStore.Message(.update, m.body).pane, "only prepare() makes the pane")
    }

    func testChangingTheBodyDropsThePreparedPane() throws {
        var m = try LogStore.Message.decode(logLine: ArraySlice(line.utf8), place: "f:1")
        m.body = ["win": "other"]
        XCTAssertNil(m.pane)
        m.prepare()
        XCTAssertEqual(m.pane?.plainJSON, ["win": "other"])
    }

    func testAPreparedMessageAppliesLikeAnUnpreparedOne() throws {
        let create = try json(#"{"data": [{"x": [0], "y": [0], "name": "a", "type": "scatter"}], "win": "w", "layout": {}}"#)
        let prepared = try LogStore.Message.decode(logLine: ArraySlice(line.utf8), place: "f:1")
        var results: [JSONValue] = []
        for m in [prepared, LogStore.Message(prepared.endpoint, prepared.body)] {
            let store = try temporaryStore(self)
            try store.apply(LogStore.Message(.events, create))
            XCTAssertEqual(try store.apply(m).outcome, .ok("w"))
            results.append(try XCTUnwrap(try store.exportWindow(env: "main", window: "w")["content"]?["data"]))
        }
        XCTAssertEqual(results[0], results[1])
        XCTAssertEqual(results[0].arrayValue?[0]["y"], [0, .double(.nan), nil])
    }
}
