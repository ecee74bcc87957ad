import Foundation
import XCTest

@testable import LogStore

final class CompactorTests: XCTestCase {
    func importAll(_ store: LogStore, _ scenarios: [String]) throws {
        for s in scenarios {
            _ = try Importer(store: store).importFile(repositoryRoot.appendingPathComponent("Tests/Fixtures/scenarios/\(s)/log.jsonl").path)
        }
    }

    func exports(_ store: LogStore, asOf: Int64? = nil) throws -> [String: [UInt8]] {
        var out: [String: [UInt8]] = [:]
        for env in try store.envNames(asOf: asOf) { out[env] = JSONWriter.bytes(try store.exportEnv(env, asOf: asOf)) }
        return out
    }

    func testCompactionKeepsEveryCurrentExportByteIdenticalAndReclaimsSpace() throws {
        let store = try temporaryStore(self)
        try importAll(store, ["close_and_recreate", "fork_and_delete_env", "heatmap_named_updates", "line_nan_inf_appends", "image_history_updates"])
        let lines = (0..<2000).map { #"{"data": [{"x": [\#($0)], "y": [\#($0)]}], "win": "w", "eid": "main", "append": true}"# }
        try store.apply(.events, #"{"data": [{"x": [], "y": [], "name": "a", "type": "scatter"}], "win": "w", "eid": "main", "layout": {}}"#)
        _ = try store.apply(try lines.map { LogStore.Message(.update, try json($0)) })
        try store.apply(.close, #"{"win": "w", "eid": "main"}"#)
        let mid = store.lastEpoch
        try store.apply(.events, #"{"data": [{"x": [1], "y": [2], "name": "a", "type": "scatter"}], "win": "after", "eid": "main", "layout": {}}"#)
        let before = try exports(store)
        let atMid = try exports(store, asOf: mid)
        let report = try store.compact(before: mid)
        XCTAssertGreaterThan(report.rowsDeleted, 2000)
        XCTAssertGreaterThan(report.bytesReclaimed, 0, "\(report)")
        XCTAssertEqual(try exports(store), before)
        XCTAssertEqual(try exports(store, asOf: mid), atMid)
        XCTAssertThrowsError(try store.exportEnv("main", asOf: mid - 1)) {
            XCTAssertEqual($0 as? LogStoreError, .compacted(before: mid))
        }
        // the store goes on working
        try store.apply(.update, #"{"data": [{"x": [3], "y": [4]}], "win": "after", "eid": "main", "append": true}"#)
        XCTAssertEqual(try store.exportWindow(env: "main", window: "after")["content"]?["data"]?.arrayValue?[0]["x"], [1, 3])
    }

    func testForkAsOfCopiesTheEnvAsItWas() throws {
        let store = try temporaryStore(self)
        try store.apply(.events, #"{"data": [{"x": [0], "y": [0], "name": "a", "type": "scatter"}], "win": "w", "eid": "run", "layout": {}}"#)
        let mark = store.lastEpoch
        try store.apply(.update, #"{"data": [{"x": [1], "y": [1]}], "win": "w", "eid": "run", "append": true}"#)
        try store.forkEnv("run", to: "run_then", asOf: mark)
        XCTAssertEqual(try store.exportWindow(env: "run_then", window: "w")["content"]?["data"]?.arrayValue?[0]["x"], [0])
        try store.forkEnv("run", to: "run_now")
        XCTAssertEqual(try store.exportWindow(env: "run_now", window: "w")["content"]?["data"]?.arrayValue?[0]["x"], [0, 1])
        XCTAssertThrowsError(try store.forkEnv("nope", to: "x")) { XCTAssertEqual($0 as? LogStoreError, .noSuchEnv("nope")) }
    }
}
