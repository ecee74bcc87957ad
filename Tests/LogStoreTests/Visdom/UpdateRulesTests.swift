import XCTest

@testable import LogStore

/// visdom 0.2.4's `/update` branches, each checked against what visdom's code does (and,
/// where the corpus recorded it, what the real server held).
final class UpdateRulesTests: XCTestCase {
    var store: LogStore!

    override func setUpWithError() throws { store = try temporaryStore(self) }

    func window(_ wid: String, env: String = "main") throws -> JSONValue {
        try store.exportWindow(env: env, window: wid)
    }

    func trace(_ wid: String, _ i: Int) throws -> JSONValue {
        try XCTUnwrap(try window(wid)["content"]?["data"]?.arrayValue?[i])
    }

    func createLine(
        _ wid: String = "w",
        traces: String = #"[{"x": [0.0], "y": [1.0], "name": "a", "type": "scatter", "marker": {"size": 1}}]"#
    ) throws {
        XCTAssertEqual(
            try store.apply(
                .events,
                #"{"data": \#(traces), "win": "\#(wid)", "eid": "main", "layout": {"title": "t"}, "opts": {"title": "t"}}"#
            ), .ok(wid))
    }

    func testAppendConcatenatesXAndYExactly() throws {
        try createLine()
        XCTAssertEqual(
            try store.apply(
                .update,
                #"{"data": [{"x": [1, 2.5], "y": [NaN, -Infinity]}], "win": "w", "eid": "main", "append": true, "opts": {}, "layout": {}}"#
            ), .ok("w"))
        XCTAssertEqual(try trace("w", 0)["x"], .array([.double(0), .int(1), .double(2.5)]))
        let y = try XCTUnwrap(try trace("w", 0)["y"]?.arrayValue)
        XCTAssertEqual(y[0], .double(1))
        guard case .double(let nan) = y[1], nan.isNaN else { return XCTFail("NaN lost: \(y[1])") }
        XCTAssertEqual(y[2], .double(-.infinity))
    }

    func testReplaceSetsNewXAndY() throws {
        try createLine()
        try store.apply(.update, #"{"data": [{"x": [5], "y": [6]}], "win": "w", "append": false}"#)
        XCTAssertEqual(try trace("w", 0)["x"], [5])
        XCTAssertEqual(try trace("w", 0)["y"], [6])
    }

    func testAppendToMissingWindowCreatesIt() throws {
        XCTAssertEqual(
            try store.apply(
                .update,
                #"{"data": [{"x": [1], "y": [2], "type": "scatter"}], "win": "new", "eid": "main", "layout": {}, "opts": {"title": "made"}, "append": true}"#
            ), .ok("new"))
        XCTAssertEqual(try window("new")["title"], "made")
        XCTAssertEqual(try window("new")["i"], 0)
    }

    func testReplaceToMissingWindowIsRefusedAndCreatesNothing() throws {
        XCTAssertEqual(
            try store.apply(
                .update,
                #"{"data": [{"x": [1], "y": [2], "type": "scatter"}], "win": "nope", "layout": {}, "append": false}"#),
            .refused("win does not exist"))
        XCTAssertThrowsError(try window("nope"))
    }

    func testUpdateInMissingEnvFailsAndCreatesNoEnv() throws {
        guard
            case .failed(let e) = try store.apply(
                .update, #"{"data": [{"content": "x", "type": "text"}], "win": "t", "eid": "ghost", "append": true}"#)
        else {
            return XCTFail("expected a failure")
        }
        XCTAssertEqual(e.type, "KeyError")
        XCTAssertEqual(try store.envNames(), ["main"])
    }

    func testRecreatingAWindowKeepsItsIndexAndPosition() throws {
        try createLine("a")
        try createLine("b")
        try createLine("a", traces: #"[{"x": [9], "y": [9], "type": "bar"}]"#)
        let env = try store.exportEnv("main")
        XCTAssertEqual(env["jsons"]?.objectValue?.keys, ["a", "b"])
        XCTAssertEqual(try window("a")["i"], 0)
        XCTAssertEqual(try window("b")["i"], 1)
        XCTAssertEqual(try trace("a", 0)["type"], "bar")
    }

    func testNewWindowIndexIsTheEnvWindowCountEvenAfterAClose() throws {
        try createLine("a")
        try createLine("b")
        try store.apply(.close, #"{"win": "a", "eid": "main"}"#)
        try createLine("c")
        XCTAssertEqual(try window("c")["i"], 1)  // len(env) == 1, so "c" shares i with "b"
    }

    func testAllNaNXAppendIsSkippedButOptsStay() throws {
        try createLine()
        XCTAssertEqual(
            try store.apply(
                .update,
                #"{"data": [{"x": [NaN, NaN], "y": [1, 2]}], "win": "w", "append": true, "opts": {"markersize": 3}}"#),
            .ok("w"))
        XCTAssertEqual(try trace("w", 0)["x"], [0.0])
        XCTAssertEqual(try window("w")["markersize"], 3)
    }

    func testNullFirstXFailsAfterOptsAndLayoutWereApplied() throws {
        try createLine()
        guard
            case .failed(let e) = try store.apply(
                .update,
                #"{"data": [{"x": [null, 1], "y": [1, 2]}], "win": "w", "append": true, "opts": {"ylabel": "kept"}, "layout": {"title": "kept too"}}"#
            )
        else {
            return XCTFail("expected TypeError")
        }
        XCTAssertEqual(e, PyError(type: "TypeError", message: "must be real number, not NoneType"))
        XCTAssertEqual(try window("w")["ylabel"], "kept")
        XCTAssertEqual(try window("w")["content"]?["layout"]?["title"], "kept too")
        XCTAssertEqual(try trace("w", 0)["x"], [0.0])
    }

    func testBigIntFirstXIsARealNumberUnlessItOverflowsAFloat() throws {
        try createLine()
        XCTAssertEqual(
            try store.apply(
                .update, #"{"data": [{"x": [100000000000000000000], "y": [1]}], "win": "w", "append": true}"#), .ok("w")
        )
        XCTAssertEqual(try trace("w", 0)["x"], [0.0, .bigInt("100000000000000000000")])
        let huge = String(repeating: "9", count: 400)
        XCTAssertEqual(
            try store.apply(.update, #"{"data": [{"x": [\#(huge)], "y": [1]}], "win": "w", "append": true}"#),
            .failed(PyError(type: "OverflowError", message: "int too large to convert to float")))
    }

    func testLegendShorterThanTracesRenamesTheFirstThenFails() throws {
        try createLine(
            traces:
                #"[{"x": [0], "y": [1], "name": "a", "type": "scatter"}, {"x": [0], "y": [2], "name": "b", "type": "scatter"}]"#
        )
        guard case .failed(let e) = try store.apply(.update, #"{"win": "w", "opts": {"legend": ["A"]}, "layout": {}}"#)
        else {
            return XCTFail("expected IndexError")
        }
        XCTAssertEqual(e.type, "IndexError")
        XCTAssertEqual(try trace("w", 0)["name"], "A")
        XCTAssertEqual(try trace("w", 1)["name"], "b")
        XCTAssertEqual(try window("w")["legend"], ["A"])
    }

    func testReplaceWithFewerTracesReplacesTheFirstThenFails() throws {
        try createLine(
            traces:
                #"[{"x": [0], "y": [1], "name": "a", "type": "scatter"}, {"x": [0], "y": [2], "name": "b", "type": "scatter"}]"#
        )
        guard
            case .failed(let e) = try store.apply(
                .update, #"{"data": [{"x": [7], "y": [7]}], "win": "w", "append": false}"#)
        else {
            return XCTFail("expected IndexError")
        }
        XCTAssertEqual(e.type, "IndexError")
        XCTAssertEqual(try trace("w", 0)["y"], [7])
        XCTAssertEqual(try trace("w", 1)["y"], [2])
    }

    func testAppendByUnknownNameInsertsANewTraceAtTheEnd() throws {
        try createLine()
        try store.apply(
            .update,
            #"{"data": [{"x": [3], "y": [4], "type": "scatter", "extra": {"kept": true}}], "win": "w", "name": "new", "append": true}"#
        )
        let t = try trace("w", 1)
        XCTAssertEqual(t["name"], "new")
        XCTAssertEqual(t["extra"], ["kept": true])
        XCTAssertEqual(t["x"], [3])
    }

    func testAppendByNameTouchesOnlyThatTrace() throws {
        try createLine(
            traces:
                #"[{"x": [0], "y": [1], "name": "a", "type": "scatter"}, {"x": [0], "y": [2], "name": "b", "type": "scatter"}]"#
        )
        try store.apply(.update, #"{"data": [{"x": [1], "y": [3]}], "win": "w", "name": "b", "append": true}"#)
        XCTAssertEqual(try trace("w", 0)["y"], [1])
        XCTAssertEqual(try trace("w", 1)["y"], [2, 3])
    }

    func testRemoveDeletesTheNamedTrace() throws {
        try createLine(
            traces:
                #"[{"x": [0], "y": [1], "name": "a", "type": "scatter"}, {"x": [0], "y": [2], "name": "b", "type": "scatter"}]"#
        )
        XCTAssertEqual(try store.apply(.update, #"{"data": [], "win": "w", "name": "a", "delete": true}"#), .ok("w"))
        XCTAssertEqual(try window("w")["content"]?["data"]?.arrayValue?.count, 1)
        XCTAssertEqual(try trace("w", 0)["name"], "b")
    }

    func testRemoveWithoutDataFailsBeforeDeleting() throws {
        // `assert len(new_data) == 1 or args.get("delete")` takes len(None) first.
        try createLine()
        XCTAssertEqual(
            try store.apply(.update, #"{"win": "w", "name": "a", "delete": true}"#),
            .failed(PyError(type: "TypeError", message: "object of type 'NoneType' has no len()")))
        XCTAssertEqual(try window("w")["content"]?["data"]?.arrayValue?.count, 1)
    }

    func testRemoveWithoutNameDeletesEveryOtherTraceThenFails() throws {
        // visdom deletes by precomputed indices while the list shrinks.
        try createLine(
            traces:
                #"[{"x": [0], "y": [1], "name": "a", "type": "scatter"}, {"x": [0], "y": [2], "name": "b", "type": "scatter"}, {"x": [0], "y": [3], "name": "c", "type": "scatter"}]"#
        )
        guard case .failed(let e) = try store.apply(.update, #"{"data": [], "win": "w", "delete": true}"#) else {
            return XCTFail("expected IndexError")
        }
        XCTAssertEqual(e.type, "IndexError")
        XCTAssertEqual(try window("w")["content"]?["data"]?.arrayValue?.map { $0["name"] }, ["b"])
    }

    func testMarkerColorAppendsWhenBothAreLists() throws {
        try createLine(
            traces: ##"[{"x": [0], "y": [1], "name": "a", "marker": {"color": ["#000"]}, "type": "scatter"}]"##)
        try store.apply(
            .update, ##"{"data": [{"x": [1], "y": [2], "marker": {"color": ["#fff"]}}], "win": "w", "append": true}"##)
        XCTAssertEqual(try trace("w", 0)["marker"]?["color"], ["#000", "#fff"])
    }

    func testMarkerColorListOntoStringColorFailsAfterXAndYWereAppended() throws {
        try createLine(traces: #"[{"x": [0], "y": [1], "name": "a", "marker": {"color": "red"}, "type": "scatter"}]"#)
        guard
            case .failed(let e) = try store.apply(
                .update,
                ##"{"data": [{"x": [1], "y": [2], "marker": {"color": ["#fff"]}}], "win": "w", "append": true}"##)
        else {
            return XCTFail("expected TypeError")
        }
        XCTAssertEqual(e.type, "TypeError")
        XCTAssertEqual(try trace("w", 0)["x"], [0, 1])
        XCTAssertEqual(try trace("w", 0)["marker"]?["color"], "red")
    }

    /// The rules walk to a trace once for both axes and its marker: a failure on the second
    /// axis still keeps the first one's append, as visdom keeps it.
    func testMissingYFailsAfterXWasAppendedAndLeavesTheMarker() throws {
        try createLine(
            traces: ##"[{"x": [0], "y": [1], "name": "a", "marker": {"color": ["#000"]}, "type": "scatter"}]"##)
        guard
            case .failed(let e) = try store.apply(
                .update, ##"{"data": [{"x": [1], "marker": {"color": ["#fff"]}}], "win": "w", "append": true}"##)
        else {
            return XCTFail("expected KeyError")
        }
        XCTAssertEqual(e, PyError(type: "KeyError", message: "y"))
        XCTAssertEqual(try trace("w", 0)["x"], [0, 1])
        XCTAssertEqual(try trace("w", 0)["y"], [1])
        XCTAssertEqual(try trace("w", 0)["marker"]?["color"], ["#000"])
    }

    func testUpdateOfABarWindowIsRefusedAndChangesNothing() throws {
        try createLine(traces: #"[{"x": [0], "y": [1], "type": "bar"}]"#)
        XCTAssertEqual(
            try store.apply(
                .update, #"{"data": [{"x": [1], "y": [2]}], "win": "w", "append": true, "opts": {"title": "no"}}"#),
            .refused("win is not scatter, heatmap, custom, image_history, embeddings, or text; was bar"))
        XCTAssertEqual(try window("w")["title"], "t")
    }

    /// A plain one-point append, the shape `AppendOnlyUpdate` answers for, is refused too:
    /// the fast path, which runs first, leaves a bar window to the check.
    func testPlainAppendToABarWindowIsRefusedAndChangesNothing() throws {
        try createLine(traces: #"[{"x": [0], "y": [1], "type": "bar"}]"#)
        XCTAssertEqual(
            try store.apply(.update, #"{"data": [{"x": [1], "y": [2]}], "win": "w", "append": true}"#),
            .refused("win is not scatter, heatmap, custom, image_history, embeddings, or text; was bar"))
        XCTAssertEqual(try trace("w", 0)["x"], [0])
        XCTAssertEqual(try trace("w", 0)["y"], [1])
    }

    func testTextAppendJoinsWithBreak() throws {
        try store.apply(.events, #"{"data": [{"content": "one", "type": "text"}], "win": "log", "opts": {}}"#)
        try store.apply(.update, #"{"data": [{"content": "two ✓ 😀", "type": "text"}], "win": "log", "append": true}"#)
        XCTAssertEqual(try window("log")["content"], "one<br>two ✓ 😀")
    }

    func testImageHistoryAppendSelectsTheNewImage() throws {
        try store.apply(
            .events, #"{"data": [{"content": {"src": "a"}, "type": "image_history"}], "win": "im", "opts": {}}"#)
        try store.apply(
            .update, #"{"data": [{"content": {"src": "b"}, "type": "image_history"}], "win": "im", "append": true}"#)
        XCTAssertEqual(try window("im")["content"], [["src": "a"], ["src": "b"]])
        XCTAssertEqual(try window("im")["selected"], 1)
        XCTAssertEqual(try window("im")["show_slider"], true)
    }

    func testContentIDChangesExactlyWhenTheWindowChanges() throws {
        try createLine("a")
        try createLine("b")
        let a0 = try window("a")["contentID"]
        let b0 = try window("b")["contentID"]
        try store.apply(.update, #"{"data": [{"x": [1], "y": [1]}], "win": "a", "append": true}"#)
        XCTAssertNotEqual(try window("a")["contentID"], a0)
        XCTAssertEqual(try window("b")["contentID"], b0)
    }
}
