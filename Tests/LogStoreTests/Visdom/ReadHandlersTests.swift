import Foundation
import XCTest

@testable import LogStore

/// visdom's read handlers (`Visdom/ReadHandlers.swift`) answered by a real store.
final class ReadHandlersTests: XCTestCase {
    let textWindow = #"{"data": [{"content": "hi", "type": "text"}], "win": "t", "eid": "main", "opts": {}}"#

    func answer(_ store: LogStore, _ read: VisdomRead, _ body: String) throws -> Outcome {
        try store.answer(read, try RequestBody(json: Array(body.utf8)))
    }

    func raised(_ outcome: Outcome) -> String? {
        if case .failed(let e) = outcome { return e.type }
        return nil
    }

    func testWinExists() throws {
        let store = try temporaryStore(self)
        _ = try store.apply(.events, textWindow)
        XCTAssertEqual(try answer(store, .windowExists, #"{"win": "t", "eid": "main"}"#), .ok("true"))
        XCTAssertEqual(try answer(store, .windowExists, #"{"win": "u", "eid": "main"}"#), .ok("false"))
        // The client's connection check: an empty window id in the default env.
        XCTAssertEqual(try answer(store, .windowExists, #"{"win": "", "eid": null}"#), .ok("false"))
        XCTAssertEqual(try answer(store, .windowExists, #"{"win": 3, "eid": "main"}"#), .ok("false"))
        // `eid in state and args["win"] in ...`: no env, so `win` is never looked up.
        XCTAssertEqual(try answer(store, .windowExists, #"{"eid": "ghost"}"#), .ok("false"))
        XCTAssertEqual(raised(try answer(store, .windowExists, #"{"eid": "main"}"#)), "KeyError")
        XCTAssertEqual(
            raised(try answer(store, .windowExists, #"{"win": ["t"], "eid": "main"}"#)), "TypeError",
            "a list is unhashable")
        XCTAssertEqual(
            raised(try answer(store, .windowExists, #"{"win": "t", "eid": 7}"#)), "AttributeError",
            "escape_eid of an int")
        XCTAssertEqual(raised(try answer(store, .windowExists, #"["t"]"#)), "AttributeError", "a list has no get")
    }

    func testWinHash() throws {
        let store = try temporaryStore(self)
        _ = try store.apply(.events, textWindow)
        let hash = try answer(store, .windowHash, #"{"win": "t", "env": null, "eid": "main"}"#)
        XCTAssertEqual(hash, .ok(try XCTUnwrap(store.windowHash(env: "main", window: "t"))))
        XCTAssertEqual(hash.httpBody.count, 32)
        XCTAssertEqual(try answer(store, .windowHash, #"{"win": "u", "eid": "main"}"#), .ok("false"))
        XCTAssertEqual(raised(try answer(store, .windowHash, #"{"win": "t", "eid": "ghost"}"#)), "KeyError")
        XCTAssertEqual(raised(try answer(store, .windowHash, #"{"win": {}, "eid": "main"}"#)), "TypeError")
    }

    func testWinDataIsJSONDumpsOfTheWindows() throws {
        let store = try temporaryStore(self)
        _ = try store.apply(.events, textWindow)
        _ = try store.apply(
            .events,
            #"{"data": [{"x": [1, 2.5], "y": [NaN, Infinity], "type": "scatter", "mode": "lines", "name": "é"}], "layout": {}, "win": "l", "eid": "main", "opts": {}}"#
        )
        guard case .ok(let env) = try answer(store, .windowData, #"{"win": null, "eid": "main"}"#) else {
            return XCTFail()
        }
        XCTAssertEqual(Array(env.utf8), JSONWriter.bytes(try store.windowData(env: "main")))
        XCTAssertTrue(env.contains(#""y": [NaN, Infinity]"#))
        XCTAssertTrue(env.contains(#""name": "\u00e9""#))
        XCTAssertEqual(
            try answer(store, .windowData, #"{"win": "l", "eid": "main"}"#),
            .ok(JSONWriter.string(try store.exportWindow(env: "main", window: "l"))))
        XCTAssertEqual(
            try answer(store, .windowData, #"{"win": "nope", "eid": "main"}"#),
            .failed(PyError(type: "AssertionError", message: "Window nope doesn't exist in env main")))
        XCTAssertEqual(raised(try answer(store, .windowData, #"{"win": 3, "eid": "main"}"#)), "AssertionError")
        XCTAssertEqual(raised(try answer(store, .windowData, #"{"win": ["l"], "eid": "main"}"#)), "TypeError")
        XCTAssertEqual(
            try answer(store, .windowData, #"{"win": null, "eid": "ghost"}"#), .failed(.keyError(.string("ghost"))))
        XCTAssertEqual(
            try answer(store, .windowData, #"{"win": "l", "eid": "ghost"}"#), .failed(.keyError(.string("ghost"))))
        // `args["win"]` is evaluated before `state[eid]`.
        XCTAssertEqual(try answer(store, .windowData, #"{"eid": "ghost"}"#), .failed(.keyError(.string("win"))))
    }

    func testEnvStateListsEnvsInVisdomsOrderWhateverTheBody() throws {
        let store = try temporaryStore(self)
        _ = try store.apply(.events, textWindow.replacingOccurrences(of: #""eid": "main""#, with: #""eid": "b/1""#))
        _ = try store.apply(.events, textWindow.replacingOccurrences(of: #""eid": "main""#, with: #""eid": "a""#))
        XCTAssertEqual(try answer(store, .envState, "{}"), .ok(#"["main", "b_1", "a"]"#))
        // `EnvStateHandler` never looks at its args.
        XCTAssertEqual(try answer(store, .envState, "[1]"), .ok(#"["main", "b_1", "a"]"#))
    }

    func testSaveAnswersTheEscapedIdsThatNameAnEnv() throws {
        let store = try temporaryStore(self)
        _ = try store.apply(.events, textWindow.replacingOccurrences(of: #""eid": "main""#, with: #""eid": "b/1""#))
        _ = try store.apply(.events, textWindow.replacingOccurrences(of: #""eid": "main""#, with: #""eid": "a""#))
        XCTAssertEqual(try answer(store, .save, #"{"data": ["a", "b/1", "ghost", "a"]}"#), .ok(#"["a", "b_1", "a"]"#))
        XCTAssertEqual(
            try answer(store, .save, #"{"data": "ab"}"#), .ok(#"["a"]"#), "Python iterates a string by character")
        XCTAssertEqual(try answer(store, .save, #"{"data": {"a": 1, "x": 2}}"#), .ok(#"["a"]"#), "and a dict by key")
        XCTAssertEqual(raised(try answer(store, .save, #"{"data": 5}"#)), "TypeError")
        XCTAssertEqual(
            raised(try answer(store, .save, #"{"data": ["a", 5]}"#)), "AttributeError",
            "escape_eid of every id comes first")
        XCTAssertEqual(raised(try answer(store, .save, "{}")), "KeyError")
        // Byte for byte: the NFD twin of an NFC env name is another env.
        _ = try store.apply(
            .events, textWindow.replacingOccurrences(of: #""eid": "main""#, with: "\"eid\": \"\u{E9}\""))
        XCTAssertEqual(try answer(store, .save, "{\"data\": [\"e\u{301}\", \"\u{E9}\"]}"), .ok(#"["\u00e9"]"#))
    }

    func testOnlyHashAndWindowDataMaterializeWindows() {
        XCTAssertEqual(VisdomRead.allCases.filter(\.materializesWindows), [.windowHash, .windowData])
    }
}
