import XCTest

@testable import LogStore

final class HeatmapRulesTests: XCTestCase {
    var store: LogStore!

    override func setUpWithError() throws { store = try temporaryStore(self) }

    func create(x: String = "null", y: String = "null") throws {
        try store.apply(
            .events,
            #"{"data": [{"z": [[1, 2], [3, 4]], "x": \#(x), "y": \#(y), "type": "heatmap"}], "win": "h", "layout": {}, "opts": {}}"#
        )
    }

    func update(_ dir: String, z: String, x: String = "null", y: String = "null", opts: String = "{}") throws -> Outcome
    {
        try store.apply(
            .update,
            #"{"data": [{"z": \#(z), "x": \#(x), "y": \#(y), "type": "heatmap", "colorscale": "Viridis"}], "win": "h", "append": true, "updateDir": "\#(dir)", "opts": \#(opts)}"#
        )
    }

    func z() throws -> JSONValue? {
        try store.exportWindow(env: "main", window: "h")["content"]?["data"]?.arrayValue?[0]["z"]
    }

    func testRowsAndColumnsGrowInEveryDirection() throws {
        try create()
        XCTAssertEqual(try update("appendRow", z: "[[5, 6]]"), .ok("h"))
        XCTAssertEqual(try update("prependRow", z: "[[0, 0]]"), .ok("h"))
        XCTAssertEqual(try update("appendColumn", z: "[[9], [9], [9], [9]]"), .ok("h"))
        XCTAssertEqual(try update("prependColumn", z: "[[8], [8], [8], [8]]"), .ok("h"))
        XCTAssertEqual(try z(), [[8, 0, 0, 9], [8, 1, 2, 9], [8, 3, 4, 9], [8, 5, 6, 9]])
    }

    func testMismatchedShapeLeavesZButKeepsOpts() throws {
        try create()
        XCTAssertEqual(try update("appendRow", z: "[[1, 2, 3]]", opts: #"{"colormap": "Greys"}"#), .ok("h"))
        XCTAssertEqual(try z(), [[1, 2], [3, 4]])
        XCTAssertEqual(try store.exportWindow(env: "main", window: "h")["colormap"], "Greys")
    }

    func testNamedRowsRefuseDuplicatesAndMissingNames() throws {
        try create(x: #"["a", "b"]"#, y: #"["r1", "r2"]"#)
        XCTAssertEqual(try update("appendRow", z: "[[5, 6]]", y: #"["r1"]"#), .ok("h"))  // duplicate name
        XCTAssertEqual(try update("appendRow", z: "[[5, 6]]"), .ok("h"))  // names missing in update
        XCTAssertEqual(try z(), [[1, 2], [3, 4]])
        XCTAssertEqual(try update("appendRow", z: "[[5, 6]]", y: #"["r3"]"#), .ok("h"))
        XCTAssertEqual(try z(), [[1, 2], [3, 4], [5, 6]])
        let trace = try store.exportWindow(env: "main", window: "h")["content"]?["data"]?.arrayValue?[0]
        XCTAssertEqual(trace?["y"], ["r1", "r2", "r3"])
        XCTAssertEqual(trace?["colorscale"], "Viridis")
    }

    func testReplaceSetsZAndEveryField() throws {
        try create()
        let r = try store.apply(
            .update,
            #"{"data": [{"z": [[0]], "x": null, "y": null, "zmin": 0, "type": "heatmap"}], "win": "h", "append": false, "updateDir": "replace"}"#
        )
        XCTAssertEqual(r, .ok("h"))
        XCTAssertEqual(try z(), [[0]])
    }
}
