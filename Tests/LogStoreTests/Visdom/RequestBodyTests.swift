import XCTest

@testable import LogStore

/// A request body parsed once (`Visdom/RequestBody.swift`), as a write and as a read.
final class RequestBodyTests: XCTestCase {
    func body(_ text: String) throws -> RequestBody { try RequestBody(json: Array(text.utf8)) }

    func testABodyThatIsNotJSONRaisesJSONDecodeError() {
        for bad in [
            "{not json", "", "\u{FEFF}{}", String(repeating: "[", count: 984) + String(repeating: "]", count: 984),
        ] {
            XCTAssertThrowsError(try body(bad), bad.prefix(10).description) {
                XCTAssertEqual(($0 as? PyError)?.type, "JSONDecodeError")
            }
        }
        XCTAssertNoThrow(
            try body(String(repeating: "[", count: 983) + String(repeating: "]", count: 983)),
            "visdom's own depth limit")
    }

    func testMembersAreArgsGet() throws {
        let b = try body(#"{"sid": "s1", "n": 1.50, "none": null}"#)
        XCTAssertEqual(try b.member("sid"), "s1")
        XCTAssertEqual(JSONWriter.string(try XCTUnwrap(b.member("n"))), "1.5")
        XCTAssertEqual(try b.member("none"), .null)
        XCTAssertNil(try b.member("missing"))
        XCTAssertThrowsError(try b.item("missing")) { XCTAssertEqual($0 as? PyError, .keyError(.string("missing"))) }
        XCTAssertThrowsError(try body("[1]").member("sid")) { XCTAssertEqual(($0 as? PyError)?.type, "AttributeError") }
    }

    func testWinDataWithDataIsAWriteAndWithoutIsARead() throws {
        XCTAssertTrue(try body(#"{"data": "{}", "win": "w"}"#).setsWindowData)
        XCTAssertFalse(try body(#"{"win": "w"}"#).setsWindowData)
        XCTAssertFalse(
            try body(#"["data"]"#).setsWindowData, "extract_eid raises on a list before `data` is looked for")
    }

    /// The body the rules take is the tree parsed from the bytes: ints stay ints, floats keep
    /// their bits, NaN and Infinity are values.
    func testAMessageAppliesTheParsedBody() throws {
        let store = try temporaryStore(self)
        let text =
            #"{"data": [{"x": [1, 2.5], "y": [NaN, -Infinity], "type": "scatter"}], "win": "w", "eid": "main", "opts": {}, "layout": {}}"#
        let applied = try store.apply(LogStore.Message(.events, try body(text), source: "test"))
        XCTAssertEqual(applied.outcome, .ok("w"))
        let trace = try store.exportWindow(env: "main", window: "w")["content"]?["data"]?.arrayValue?.first
        XCTAssertEqual(trace?["x"].map { JSONWriter.string($0) }, "[1, 2.5]")
        XCTAssertEqual(trace?["y"].map { JSONWriter.string($0) }, "[NaN, -Infinity]")
    }

    /// What pages hear after a message made from a parsed body: read from its `eid` and `win`
    /// alone, as `PageChange.after` reads a JSON body.
    func testPageChangesOfAParsedBody() throws {
        let store = try temporaryStore(self)
        let create = LogStore.Message(
            .events, try body(#"{"data": [{"content": "x", "type": "text"}], "win": "w", "eid": "a/b", "opts": {}}"#),
            source: "test")
        let created = try store.apply(create)
        XCTAssertEqual(create.pageChanges(after: created.outcome), [.windows(env: "a_b", ids: ["w"]), .envList])
        XCTAssertEqual(
            create.pageChanges(after: created.outcome),
            PageChange.after(.events, body: create.body, outcome: created.outcome))
        let closeAll = LogStore.Message(.close, try body(#"{"win": null, "eid": "a/b"}"#), source: "test")
        XCTAssertEqual(closeAll.pageChanges(after: try store.apply(closeAll).outcome), [.windows(env: "a_b", ids: nil)])
        let refused = LogStore.Message(.update, try body(#"{"data": [], "win": "nope"}"#), source: "test")
        XCTAssertEqual(refused.pageChanges(after: try store.apply(refused).outcome), [])
    }
}
