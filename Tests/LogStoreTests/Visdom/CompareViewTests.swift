import XCTest

@testable import LogStore

final class CompareViewTests: XCTestCase {
    func env(_ name: String, _ windows: [(String, String)]) throws -> CompareView.Env {
        CompareView.Env(name: name, windows: try windows.map { ($0.0, try json($0.1)) }, reload: ["k": 1])
    }

    /// visdom's compare_envs: plots with the same title merge, traces renamed `N_name` by the
    /// env's place in the URL; a legend window; reload first and layout last.
    func testMergesPlotsWithTheSameTitle() throws {
        let plot =
            #"{"command": "window", "id": "loss", "title": "loss", "type": "plot", "i": 0, "contentID": "c", "content": {"data": [{"name": "train", "y": [1]}], "layout": {}}}"#
        let text = #"{"command": "window", "id": "t", "title": "notes", "type": "text", "i": 1, "content": "x"}"#
        let b = try env("b", [("loss", plot), ("t", text)])
        let a = try env("a", [("loss", plot)])
        let out = CompareView.messages(requested: ["b", "a"], envs: [b, a])
        XCTAssertEqual(out.first, ["command": "reload", "data": ["k": 1]])
        XCTAssertEqual(out.last, ["command": "layout"])
        let windows = Array(out.dropFirst().dropLast())
        XCTAssertEqual(
            windows.map { $0["id"] }, ["loss", "window_compare_legend"],
            "the merged window keeps its id; only its key gets _compare")
        let names = windows[0]["content"]?["data"]?.arrayValue?.map { $0["name"] }
        // envs are merged in sorted order: a (number 1) renames the copy, b (number 0) appends
        XCTAssertEqual(names, ["1_train", "0_train"])
        XCTAssertEqual(windows[0]["has_compare"], true)
        XCTAssertEqual(windows[0]["content"]?["layout"]?["showlegend"], true)
        XCTAssertTrue(windows[1]["content"]?.stringValue?.contains("<tr> <td> b </td> <td> 0 </td> </tr>") == true)
    }

    func testNothingWhenNoRequestedEnvExists() {
        XCTAssertEqual(CompareView.messages(requested: ["x", "y"], envs: []), [])
    }

    func testUnnamedTracesAreNotCompared() throws {
        let plot =
            #"{"id": "p", "title": "p", "type": "plot", "i": 0, "content": {"data": [{"y": [1]}], "layout": {}}}"#
        let out = CompareView.messages(
            requested: ["a", "b"], envs: [try env("a", [("p", plot)]), try env("b", [("p", plot)])])
        XCTAssertEqual(out.dropFirst().dropLast().map { $0["id"] }, ["window_compare_legend"])
    }
}
