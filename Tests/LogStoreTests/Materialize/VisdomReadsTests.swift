import Foundation
import XCTest

@testable import LogStore

final class VisdomReadsTests: XCTestCase {
    /// Hashes that visdom 0.2.4's own `hash_md_window` computed for every recorded window
    /// (scripts/gen-win-hash-fixture.py).
    lazy var visdomHashes: JSONObject = {
        let url = repositoryRoot.appendingPathComponent("Tests/Fixtures/win-hash/hashes.json")
        return (try? JSONReader.parse([UInt8](Data(contentsOf: url))))?.objectValue ?? JSONObject()
    }()

    func testWindowHashIsBitIdenticalToVisdomsForEveryRecordedWindow() throws {
        XCTAssertGreaterThan(visdomHashes.count, 150)
        let scenarios = repositoryRoot.appendingPathComponent("Tests/Fixtures/scenarios")
        var checked = 0
        for (key, md5) in visdomHashes.pairs {
            let parts = key.split(separator: "/", maxSplits: 2).map(String.init)
            let file = scenarios.appendingPathComponent("\(parts[0])/expected/\(parts[1]).windows.json")
            guard let windows = try? JSONReader.parse([UInt8](Data(contentsOf: file))) else { continue }
            XCTAssertEqual(WindowHash.hash(try XCTUnwrap(windows[parts[2]])), md5.stringValue, key)
            checked += 1
        }
        XCTAssertGreaterThan(checked, 150)
    }

    func testStoredWindowsHashLikeVisdomOnceTheRandomContentIDMatches() throws {
        let scenario = repositoryRoot.appendingPathComponent("Tests/Fixtures/scenarios/line_int_float_appends")
        let store = try temporaryStore(self)
        _ = try Importer(store: store).importFile(scenario.appendingPathComponent("log.jsonl").path)
        let expected = try JSONReader.parse(
            [UInt8](Data(contentsOf: scenario.appendingPathComponent("expected/main.windows.json"))))
        for (wid, window) in try XCTUnwrap(expected.objectValue).pairs {
            guard case .object(var ours) = try store.exportWindow(env: "main", window: wid) else { return XCTFail() }
            ours["contentID"] = window["contentID"]
            XCTAssertEqual(
                WindowHash.hash(.object(ours)), visdomHashes["line_int_float_appends/main/\(wid)"]?.stringValue, wid)
        }
    }

    func testStableStringifyTurnsIntegralFloatsIntoIntsAndSortsKeys() {
        XCTAssertEqual(
            WindowHash.stringify(["b": 1.0, "a": [2.5, 1e20, -0.0, .double(.nan)], "é": "x"]),
            #"{"a":[2.5,100000000000000000000,0,NaN],"b":1,"\u00e9":"x"}"#)
        XCTAssertEqual(MD5.hexDigest(Array("".utf8)), "d41d8cd98f00b204e9800998ecf8427e")
        XCTAssertEqual(
            MD5.hexDigest(Array("The quick brown fox jumps over the lazy dog".utf8)), "9e107d9d372bb6826bd81d3542a419d6"
        )
    }

    func testWinExistsHashAndData() throws {
        let store = try temporaryStore(self)
        try store.apply(.events, #"{"data": [{"content": "hi", "type": "text"}], "win": "t", "eid": "main"}"#)
        XCTAssertTrue(try store.windowExists(env: "main", window: "t"))
        XCTAssertFalse(try store.windowExists(env: "main", window: "u"))
        XCTAssertFalse(try store.windowExists(env: "nope", window: "t"))
        XCTAssertNil(try store.windowHash(env: "main", window: "u"))
        XCTAssertEqual(try store.windowHash(env: "main", window: "t")?.count, 32)
        XCTAssertEqual(try store.windowData(env: "main").objectValue?.keys, ["t"])
    }

    /// `/win_exists` (one statement: the env, then the window in it) follows each way a window
    /// or an env stops or starts existing, and compares names byte for byte; the same look-up
    /// as of each past epoch (its other SQL) gives what the present one gave then.
    func testWinExistsFollowsClosesDeletesAndForks() throws {
        let store = try temporaryStore(self)
        func create(_ env: String, _ win: String) throws {
            try store.apply(
                .events, #"{"data": [{"content": "hi", "type": "text"}], "win": "\#(win)", "eid": "\#(env)"}"#)
        }
        var then: [(epoch: Int64, env: String, window: String, exists: Bool)] = []
        defer {
            for past in then {
                let exists = try? store.read(asOf: past.epoch) { db, bound in
                    try Catalog(db: db, asOf: bound).windowExists(past.window, envNamed: past.env)
                }
                XCTAssertEqual(exists, past.exists, "\(past)")
            }
            XCTAssertEqual(then.count, 11)
        }
        func exists(_ env: String, _ window: String) throws -> Bool {
            let answer = try store.windowExists(env: env, window: window)
            then.append((try store.lastEpoch, env, window, answer))
            return answer
        }
        try create("a", "t")
        try create("b", "u")
        XCTAssertTrue(try exists("a", "t"))
        XCTAssertFalse(try exists("a", "u"), "a window of another env")
        try store.apply(.close, #"{"win": "t", "eid": "a"}"#)
        XCTAssertFalse(try exists("a", "t"), "closed")
        try create("a", "t")
        XCTAssertTrue(try exists("a", "t"), "created again")
        try store.apply(.deleteEnv, #"{"eid": "a"}"#)
        XCTAssertFalse(try exists("a", "t"), "its env deleted")
        XCTAssertFalse(try store.envExists("a"))
        try create("a", "v")
        XCTAssertTrue(try store.envExists("a"))
        XCTAssertFalse(try exists("a", "t"), "the env is back, without the window")
        try store.apply(.forkEnv, #"{"prev_eid": "b", "eid": "a"}"#)
        XCTAssertTrue(try exists("a", "u"), "forked in")
        XCTAssertFalse(try exists("a", "v"), "replaced by the fork")
        try create(#"caf\u00e9"#, #"t\u00e9"#)
        XCTAssertTrue(try exists("caf\u{e9}", "t\u{e9}"))
        XCTAssertFalse(try exists("cafe\u{301}", "t\u{e9}"), "an NFD twin of the env")
        XCTAssertFalse(try exists("caf\u{e9}", "te\u{301}"), "an NFD twin of the window")
    }

    /// visdom's `state` dict: insertion order, a replaced env keeps its place, a re-created one
    /// goes to the end.
    func testEnvStateIsVisdomsDictOrder() throws {
        let store = try temporaryStore(self)
        XCTAssertEqual(try store.envState(), ["main"])
        let text = #"{"data": [{"content": "hi", "type": "text"}], "win": "t", "eid": "%@"}"#
        for env in ["zeta", "alpha", "mid"] {
            try store.apply(.events, text.replacingOccurrences(of: "%@", with: env))
        }
        XCTAssertEqual(try store.envState(), ["main", "zeta", "alpha", "mid"])
        XCTAssertEqual(try store.envNames(), ["alpha", "main", "mid", "zeta"])
        // A fork onto an existing env replaces its content in place.
        try store.apply(.forkEnv, #"{"prev_eid": "mid", "eid": "zeta"}"#)
        XCTAssertEqual(try store.envState(), ["main", "zeta", "alpha", "mid"])
        // delete_env then a new window: the env comes back at the end.
        try store.apply(.deleteEnv, #"{"eid": "zeta"}"#)
        XCTAssertEqual(try store.envState(), ["main", "alpha", "mid"])
        try store.apply(.events, text.replacingOccurrences(of: "%@", with: "zeta"))
        XCTAssertEqual(try store.envState(), ["main", "alpha", "mid", "zeta"])
        // An env file replacing an env keeps its place too.
        try store.importEnvFile(name: "alpha", document: json(#"{"jsons": {}, "reload": {}}"#), source: "test")
        XCTAssertEqual(try store.envState(), ["main", "alpha", "mid", "zeta"])
        XCTAssertEqual(try store.envState(asOf: 1), ["main", "zeta"])
        XCTAssertTrue(try store.envExists("mid"))
        XCTAssertFalse(try store.envExists("nope"))
    }

    /// `/env/<eid>` (`EnvHandler.post`): creates the env as named, without escaping, and only once.
    func testOpenEnvCreatesTheEnvOnce() throws {
        let store = try temporaryStore(self)
        XCTAssertEqual(try store.apply(.openEnv, #"{"eid": "run/1"}"#), .ok(""))
        XCTAssertEqual(try store.envState(), ["main", "run/1"])
        try store.apply(.events, #"{"data": [{"content": "hi", "type": "text"}], "win": "t", "eid": "x"}"#)
        XCTAssertEqual(try store.apply(.openEnv, #"{"eid": "run/1"}"#), .ok(""))
        XCTAssertEqual(try store.apply(.openEnv, #"{"sid": "abc"}"#), .ok(""))
        XCTAssertEqual(try store.envState(), ["main", "run/1", "x"])
        // visdom answers 200 (empty) to an eid that is not a string, keying its state by it;
        // the store answers the same and keeps no env.
        XCTAssertEqual(try store.apply(.openEnv, #"{"eid": null}"#), .refused(""))
        XCTAssertEqual(try store.apply(.openEnv, #"{"eid": 5}"#), .refused(""))
        XCTAssertEqual(try store.envState(), ["main", "run/1", "x"])
        XCTAssertEqual(try store.windowData(env: "run/1"), try json("{}"))
    }

    /// Env names are bytes: an NFD name and its NFC twin are two envs, and deleting one leaves
    /// the other listed (a `String`-keyed dictionary merged them and listed neither).
    func testEnvStateKeepsCanonicallyEquivalentNamesApart() throws {
        let store = try temporaryStore(self)
        let nfd = "h_cafe\u{301}"
        let nfc = "h_caf\u{E9}"
        try store.apply(.events, #"{"data": [{"content": "a", "type": "text"}], "win": "w", "eid": "h_cafe\u0301"}"#)
        try store.apply(.events, #"{"data": [{"content": "b", "type": "text"}], "win": "w", "eid": "h_caf\u00e9"}"#)
        XCTAssertEqual(
            try store.envState().map { Array($0.utf8) }, [Array("main".utf8), Array(nfd.utf8), Array(nfc.utf8)])
        try store.apply(.deleteEnv, #"{"eid": "h_caf\u00e9"}"#)
        XCTAssertEqual(try store.envState().map { Array($0.utf8) }, [Array("main".utf8), Array(nfd.utf8)])
    }
}
