import XCTest

@testable import LogStore

final class PageRulesTests: XCTestCase {
    func testCommandsAsVisdomsOnMessageReadsThem() throws {
        XCTAssertEqual(
            PageCommand(message: try json(#"{"cmd": "close", "data": "w", "eid": "e"}"#)), .close(env: "e", window: "w")
        )
        XCTAssertEqual(
            PageCommand(message: try json(#"{"cmd": "delete_env", "eid": "e", "prev_eid": "main"}"#)), .deleteEnv("e"))
        XCTAssertEqual(PageCommand(message: try json(#"{"cmd": "save_layouts", "data": "{}"}"#)), .saveLayouts("{}"))
        guard
            case .forwardToVis(let p) = PageCommand(
                message: try json(#"{"cmd": "forward_to_vis", "data": {"eid": "e", "target": "w"}}"#))
        else {
            return XCTFail("forward_to_vis")
        }
        XCTAssertEqual(p["target"], "w")
        guard
            case .save(let body) = PageCommand(
                message: try json(#"{"cmd": "save", "data": {"w": 1}, "eid": "n", "prev_eid": "e"}"#))
        else {
            return XCTFail("save")
        }
        XCTAssertEqual(body["prev_eid"], "e")
        // visdom checks for the keys before acting; anything else does nothing
        for ignored in [
            #"{"cmd": "close", "data": "w"}"#, #"{"cmd": "save", "eid": "n"}"#, #"{"cmd": "layout_item_update"}"#,
            "[1]", "{}",
        ] {
            guard case .ignored = PageCommand(message: try json(ignored)) else { return XCTFail(ignored) }
        }
    }

    func testChangesPagesHearOfAsVisdomBroadcasts() throws {
        XCTAssertEqual(
            PageChange.after(.events, body: try json(#"{"eid": "a/b"}"#), outcome: .ok("w")),
            [.windows(env: "a_b", ids: ["w"]), .envList])
        XCTAssertEqual(
            PageChange.after(.update, body: try json(#"{"win": "w"}"#), outcome: .refused("win does not exist")), [])
        XCTAssertEqual(
            PageChange.after(.close, body: try json(#"{"eid": "e", "win": null}"#), outcome: .ok("")),
            [.windows(env: "e", ids: nil)])
        XCTAssertEqual(
            PageChange.after(.close, body: try json(#"{"eid": "e", "win": "w"}"#), outcome: .ok("")),
            [.windows(env: "e", ids: ["w"])])
        XCTAssertEqual(
            PageChange.after(.forkEnv, body: try json(#"{"eid": "n", "prev_eid": "e"}"#), outcome: .ok("n")),
            [.envList, .env("n")])
        XCTAssertEqual(PageChange.after(.deleteEnv, body: try json(#"{"eid": "e"}"#), outcome: .ok("")), [.envList])
        XCTAssertEqual(
            PageChange.after(.winData, body: try json(#"{"eid": "e", "data": "{}", "win": "w"}"#), outcome: .ok("")),
            [.envList])
    }

    /// The page's save: a copy of the env holding the page's layout as its reload.
    func testPageSaveCopiesTheEnvWithTheLayout() throws {
        let store = try temporaryStore(self)
        XCTAssertEqual(
            try store.apply(.events, #"{"eid": "e", "win": "w", "data": [{"type": "text", "content": "hi"}]}"#),
            .ok("w"))
        XCTAssertEqual(
            try store.apply(.pageSave, #"{"eid": "n/x", "prev_eid": "e", "data": {"w": {"x": 1}}}"#), .ok("n_x"))
        XCTAssertEqual(try store.exportEnv("n_x")["reload"], try json(#"{"w": {"x": 1}}"#))
        XCTAssertEqual(try store.exportWindow(env: "n_x", window: "w")["content"], "hi")
        XCTAssertEqual(try store.exportEnv("e")["reload"], try json("{}"), "the source keeps its own")
        // saving the env itself replaces its reload only
        XCTAssertEqual(try store.apply(.pageSave, #"{"eid": "e", "prev_eid": "e", "data": {"w": 2}}"#), .ok("e"))
        XCTAssertEqual(try store.exportEnv("e")["reload"], try json(#"{"w": 2}"#))
        guard case .failed(let e) = try store.apply(.pageSave, #"{"eid": "z", "prev_eid": "missing", "data": {}}"#)
        else {
            return XCTFail("a missing prev_eid raises")
        }
        XCTAssertEqual(e.type, "KeyError")
        XCTAssertEqual(try store.check(), [])
    }

    /// What the page is sent: windows by `i`, traces thinned for drawing; other reads keep all.
    func testPageEnvThinsTracesAndKeepsTheirOrder() throws {
        let store = try temporaryStore(self)
        let ys = (0..<5000).map { $0 == 2345 ? "99" : String($0 % 7) }.joined(separator: ", ")
        XCTAssertEqual(
            try store.apply(
                .events, #"{"eid": "e", "win": "b", "data": [{"type": "scatter", "y": [\#(ys)]}], "layout": {}}"#),
            .ok("b"))
        XCTAssertEqual(
            try store.apply(.events, #"{"eid": "e", "win": "a", "data": [{"type": "text", "content": "t"}]}"#), .ok("a")
        )
        let page = try XCTUnwrap(try store.pageEnv("e", maxPoints: 100))
        XCTAssertEqual(page.windows.map { $0["id"] }, ["b", "a"])
        let y = try XCTUnwrap(page.windows[0]["content"]?["data"]?.arrayValue?.first?["y"]?.arrayValue)
        XCTAssertLessThanOrEqual(y.count, 100)
        XCTAssertTrue(y.contains(.int(99)), "the spike survives thinning")
        XCTAssertEqual(
            try store.pageEnv("e", maxPoints: 0)?.windows[0]["content"]?["data"]?.arrayValue?.first?["y"]?.arrayValue?
                .count, 5000)
        XCTAssertEqual(
            try store.exportWindow(env: "e", window: "b")["content"]?["data"]?.arrayValue?.first?["y"]?.arrayValue?
                .count, 5000)
        XCTAssertNil(try store.pageEnv("missing", maxPoints: 0))
        XCTAssertNil(try store.pageWindow(env: "e", window: "missing", maxPoints: 0))
        // as of the first epoch only window b existed
        XCTAssertEqual(try store.pageEnv("e", asOf: 1, maxPoints: 0)?.windows.count, 1)
    }
}
