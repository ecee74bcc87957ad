import XCTest

@testable import LogStore

final class EnvOperationsTests: XCTestCase {
    var store: LogStore!

    override func setUpWithError() throws { store = try temporaryStore(self) }

    func line(_ wid: String, env: String) throws {
        try store.apply(
            .events,
            #"{"data": [{"x": [0], "y": [1], "name": "a", "type": "scatter"}], "win": "\#(wid)", "eid": "\#(env)", "layout": {}, "opts": {}}"#
        )
    }

    func testANewStoreHoldsTheEmptyMainEnv() throws {
        XCTAssertEqual(try store.envNames(), ["main"])
        XCTAssertEqual(try store.exportEnv("main"), ["jsons": [:], "reload": [:]])
    }

    func testSlashesInEnvNamesBecomeUnderscores() throws {
        try line("w", env: "exp/run1")
        XCTAssertEqual(try store.envNames(), ["exp_run1", "main"])
    }

    func testUnicodeEnvNamesSurvive() throws {
        try line("w", env: "实验 ✓")
        XCTAssertNoThrow(try store.exportWindow(env: "实验 ✓", window: "w"))
    }

    func testCloseOneWindowAndThenAll() throws {
        try line("a", env: "main")
        try line("b", env: "main")
        try line("c", env: "main")
        try store.apply(.close, #"{"win": "b", "eid": "main"}"#)
        XCTAssertEqual(try store.exportEnv("main")["jsons"]?.objectValue?.keys, ["a", "c"])
        try store.apply(.close, #"{"win": null, "eid": "main"}"#)
        XCTAssertEqual(try store.exportEnv("main")["jsons"], [:])
    }

    /// `jsons.pop(win, None)` with a list: CPython answers the default from an empty dict
    /// without hashing the key, and raises TypeError once the env holds a window.
    func testClosingAnUnhashableWindowIDRaisesOnlyInANonEmptyEnv() throws {
        XCTAssertEqual(try store.apply(.close, #"{"win": ["w0"], "eid": "main"}"#), .ok(""))
        try line("a", env: "main")
        guard case .failed(let e) = try store.apply(.close, #"{"win": ["a"], "eid": "main"}"#) else {
            return XCTFail("expected TypeError")
        }
        XCTAssertEqual(e.type, "TypeError")
        XCTAssertEqual(try store.exportEnv("main")["jsons"]?.objectValue?.keys, ["a"])
    }

    func testDeleteEnvRemovesItAndAMissingEnvFails() throws {
        try line("a", env: "tmp")
        XCTAssertEqual(try store.apply(.deleteEnv, #"{"eid": "tmp"}"#), .ok(""))
        XCTAssertThrowsError(try store.exportEnv("tmp"))
        guard case .failed = try store.apply(.deleteEnv, #"{"eid": "tmp"}"#) else {
            return XCTFail("expected KeyError")
        }
    }

    func testForkCopiesAnEnvThatThenEvolvesIndependently() throws {
        try line("a", env: "main")
        XCTAssertEqual(try store.apply(.forkEnv, #"{"prev_eid": "main", "eid": "copy"}"#), .ok("copy"))
        try store.apply(.update, #"{"data": [{"x": [1], "y": [2]}], "win": "a", "eid": "copy", "append": true}"#)
        XCTAssertEqual(try store.exportWindow(env: "main", window: "a")["content"]?["data"]?.arrayValue?[0]["x"], [0])
        XCTAssertEqual(
            try store.exportWindow(env: "copy", window: "a")["content"]?["data"]?.arrayValue?[0]["x"], [0, 1])
    }

    /// A fork onto an existing env deletes it and creates it again in one epoch: what the
    /// epoch looks up after that is the new env, whose windows are the source's.
    func testForkOntoAnExistingEnvReplacesItsWindows() throws {
        try line("a", env: "main")
        try line("old", env: "copy")
        XCTAssertEqual(try store.apply(.forkEnv, #"{"prev_eid": "main", "eid": "copy"}"#), .ok("copy"))
        XCTAssertEqual(try store.exportEnv("copy")["jsons"]?.objectValue?.keys, ["a"])
        try store.apply(.update, #"{"data": [{"x": [1], "y": [2]}], "win": "a", "eid": "copy", "append": true}"#)
        XCTAssertEqual(
            try store.exportWindow(env: "copy", window: "a")["content"]?["data"]?.arrayValue?[0]["x"], [0, 1])
        XCTAssertEqual(try store.exportWindow(env: "main", window: "a")["content"]?["data"]?.arrayValue?[0]["x"], [0])
    }

    func testForkOfAMissingEnvFails() throws {
        guard case .failed(let e) = try store.apply(.forkEnv, #"{"prev_eid": "nope", "eid": "x"}"#) else {
            return XCTFail()
        }
        XCTAssertEqual(e.type, "AssertionError")
    }
}
