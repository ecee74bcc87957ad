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
        let expected = try JSONReader.parse([UInt8](Data(contentsOf: scenario.appendingPathComponent("expected/main.windows.json"))))
        for (wid, window) in try XCTUnwrap(expected.objectValue).pairs {
            guard case .object(var ours) = try store.exportWindow(env: "main", window: wid) else { return XCTFail() }
            ours["contentID"] = window["contentID"]
            XCTAssertEqual(WindowHash.hash(.object(ours)), visdomHashes["line_int_float_appends/main/\(wid)"]?.stringValue, wid)
        }
    }

    func testStableStringifyTurnsIntegralFloatsIntoIntsAndSortsKeys() {
        XCTAssertEqual(WindowHash.stringify(["b": 1.0, "a": [2.5, 1e20, -0.0, .double(.nan)], "é": "x"]),
                       #"{"a":[2.5,100000000000000000000,0,NaN],"b":1,"\u00e9":"x"}"#)
        XCTAssertEqual(MD5.hexDigest(Array("".utf8)), "d41d8cd98f00b204e9800998ecf8427e")
        XCTAssertEqual(MD5.hexDigest(Array("The quick brown fox jumps over the lazy dog".utf8)), "9e107d9d372bb6826bd81d3542a419d6")
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
}
