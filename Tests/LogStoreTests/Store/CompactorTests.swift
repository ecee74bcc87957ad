import Foundation
import XCTest

@testable import LogStore

final class CompactorTests: XCTestCase {
    func importAll(_ store: LogStore, _ scenarios: [String]) throws {
        for s in scenarios {
            _ = try Importer(store: store).importFile(
                repositoryRoot.appendingPathComponent("Tests/Fixtures/scenarios/\(s)/log.jsonl").path)
        }
    }

    func exports(_ store: LogStore, asOf: Int64? = nil) throws -> [String: [UInt8]] {
        var out: [String: [UInt8]] = [:]
        for env in try store.envNames(asOf: asOf) { out[env] = JSONWriter.bytes(try store.exportEnv(env, asOf: asOf)) }
        return out
    }

    func testCompactionKeepsEveryCurrentExportByteIdenticalAndReclaimsSpace() throws {
        let store = try temporaryStore(self)
        try importAll(
            store,
            [
                "close_and_recreate", "fork_and_delete_env", "heatmap_named_updates", "line_nan_inf_appends",
                "image_history_updates",
            ])
        // Ten points per append: the writer seals runs of small appends only (Sealer.writerRun).
        let ten = { (i: Int) in "[" + Array(repeating: String(i), count: 10).joined(separator: ", ") + "]" }
        let lines = (0..<2000).map {
            #"{"data": [{"x": \#(ten($0)), "y": \#(ten($0))}], "win": "w", "eid": "main", "append": true}"#
        }
        try store.apply(
            .events,
            #"{"data": [{"x": [], "y": [], "name": "a", "type": "scatter"}], "win": "w", "eid": "main", "layout": {}}"#)
        _ = try store.apply(try lines.map { LogStore.Message(.update, try json($0)) })
        try store.apply(.close, #"{"win": "w", "eid": "main"}"#)
        let mid = try store.lastEpoch
        try store.apply(
            .events,
            #"{"data": [{"x": [1], "y": [2], "name": "a", "type": "scatter"}], "win": "after", "eid": "main", "layout": {}}"#
        )
        let before = try exports(store)
        let atMid = try exports(store, asOf: mid)
        let pagesBefore = try pageCount(store.path)
        let report = try store.compact(before: mid)
        XCTAssertGreaterThan(report.rowsDeleted, 2000)
        XCTAssertGreaterThan(report.bytesReclaimed, 0, "\(report)")
        XCTAssertLessThan(try pageCount(store.path), pagesBefore, "the database itself must shrink, not only its WAL")
        XCTAssertEqual(try exports(store), before)
        XCTAssertEqual(try exports(store, asOf: mid), atMid)
        XCTAssertThrowsError(try store.exportEnv("main", asOf: mid - 1)) {
            XCTAssertEqual($0 as? LogStoreError, .compacted(before: mid))
        }
        // the store goes on working
        try store.apply(.update, #"{"data": [{"x": [3], "y": [4]}], "win": "after", "eid": "main", "append": true}"#)
        XCTAssertEqual(
            try store.exportWindow(env: "main", window: "after")["content"]?["data"]?.arrayValue?[0]["x"], [1, 3])
    }

    /// Pages of the database as its readers see it (the WAL's pages included).
    func pageCount(_ path: String) throws -> Int64 {
        let db = try Connection(path: path, mode: .readOnly)
        defer { try? db.close() }
        return try db.int("PRAGMA page_count", []) ?? 0
    }

    /// Stores created before `Schema.create` set auto_vacuum ahead of WAL mode kept every freed
    /// page: their first compaction rewrites them in incremental mode.
    func testTheFirstCompactionOfAStoreWithoutAutoVacuumGivesItsPagesBack() throws {
        let path = try temporaryDirectory(self).appendingPathComponent("old.db").path
        do {
            let db = try Connection(path: path, mode: .readWriteCreate)
            try db.execute("PRAGMA journal_mode=WAL")  // first, as stores were made: auto_vacuum then has no effect
            try Schema.create(on: db, time: 0)
            XCTAssertEqual(try db.int("PRAGMA auto_vacuum", []), 0)
            try db.close()
        }
        let store = try LogStore(path: path)
        try store.apply(
            .events,
            #"{"data": [{"x": [], "y": [], "name": "a", "type": "scatter"}], "win": "w", "eid": "main", "layout": {}}"#)
        // Ten points per append: the writer seals runs of small appends only (Sealer.writerRun).
        let ten = { (i: Int) in "[" + Array(repeating: String(i), count: 10).joined(separator: ", ") + "]" }
        let lines = (0..<2000).map {
            #"{"data": [{"x": \#(ten($0)), "y": \#(ten($0))}], "win": "w", "eid": "main", "append": true}"#
        }
        _ = try store.apply(try lines.map { LogStore.Message(.update, try json($0)) })
        try store.apply(.close, #"{"win": "w", "eid": "main"}"#)
        try store.apply(
            .events,
            #"{"data": [{"x": [1], "y": [2], "name": "a", "type": "scatter"}], "win": "kept", "eid": "main", "layout": {}}"#
        )
        let before = try exports(store)
        let pagesBefore = try pageCount(path)
        _ = try store.compact()
        XCTAssertLessThan(try pageCount(path), pagesBefore)
        XCTAssertEqual(try exports(store), before)
        let db = try Connection(path: path, mode: .readOnly)
        defer { try? db.close() }
        XCTAssertEqual(try db.int("PRAGMA auto_vacuum", []), 2)
        XCTAssertEqual(try db.userVersion, Int32(Schema.version))
        XCTAssertEqual(try store.check(), [])
    }

    /// The report counts only the rows the compaction deleted (a CREATE does not reset
    /// sqlite3_changes(), which still held the last epoch's INSERT).
    func testACompactionThatDropsNothingReportsNoRows() throws {
        let store = try temporaryStore(self)
        try store.apply(
            .events, #"{"data": [{"x": [1], "y": [2], "type": "scatter"}], "win": "w", "eid": "main", "layout": {}}"#)
        XCTAssertEqual(try store.compact(before: 0).rowsDeleted, 0)
    }

    func testForkAsOfCopiesTheEnvAsItWas() throws {
        let store = try temporaryStore(self)
        try store.apply(
            .events,
            #"{"data": [{"x": [0], "y": [0], "name": "a", "type": "scatter"}], "win": "w", "eid": "run", "layout": {}}"#
        )
        let mark = try store.lastEpoch
        try store.apply(.update, #"{"data": [{"x": [1], "y": [1]}], "win": "w", "eid": "run", "append": true}"#)
        try store.forkEnv("run", to: "run_then", asOf: mark)
        XCTAssertEqual(
            try store.exportWindow(env: "run_then", window: "w")["content"]?["data"]?.arrayValue?[0]["x"], [0])
        try store.forkEnv("run", to: "run_now")
        XCTAssertEqual(
            try store.exportWindow(env: "run_now", window: "w")["content"]?["data"]?.arrayValue?[0]["x"], [0, 1])
        XCTAssertThrowsError(try store.forkEnv("nope", to: "x")) {
            XCTAssertEqual($0 as? LogStoreError, .noSuchEnv("nope"))
        }
    }

    /// A refused or failed request keeps at most about 1 KiB of each of its env, window and
    /// detail; compact bounds what older stores kept, and keeps the rest of the row.
    func testRefusedEpochsKeepBoundedTextsAndCompactBoundsOlderOnes() throws {
        let store = try temporaryStore(self)
        let big = String(repeating: "n", count: 1 << 20)
        guard case .failed = try store.apply(.events, #"{"data": 5, "win": "\#(big)", "eid": "\#(big)"}"#) else {
            return XCTFail("the request should fail")
        }
        let failed = try XCTUnwrap(try store.epochs(limit: 1).first)
        XCTAssertEqual(failed.status, "failed")
        for text in [failed.env ?? "", failed.window ?? "", failed.detail] {
            XCTAssertLessThanOrEqual(text.utf8.count, EpochWriter.EpochRow.refusedTextLimit)
        }
        XCTAssertTrue(failed.env?.hasSuffix("… (1048576 bytes)") ?? false, failed.env ?? "nil")
        // as a store written before the bound holds it
        let db = try Connection(path: store.path, mode: .readWrite)
        try db.run(
            "UPDATE epoch SET env = ?, detail = ? WHERE epoch = ?", [.text(big), .text(big), .integer(failed.epoch)])
        try db.close()
        _ = try store.compact()
        let after = try XCTUnwrap(try store.epochs(limit: 1).first { $0.epoch == failed.epoch })
        XCTAssertLessThanOrEqual(after.env?.utf8.count ?? 0, 1100)
        XCTAssertLessThanOrEqual(after.detail.utf8.count, 1100)
        XCTAssertEqual(after.status, "failed")
        XCTAssertEqual(try store.check(), [])
    }

    /// `close()` checkpoints: the main file alone then holds every epoch.
    func testCloseLeavesTheWholeStoreInTheMainFile() throws {
        let store = try temporaryStore(self)
        let path = store.path
        for k in 0..<20 {
            try store.apply(.events, #"{"data": [{"content": "\#(k)", "type": "text"}], "win": "w\#(k)", "eid": "e"}"#)
        }
        store.close()
        let copy = path + ".copy"
        try FileManager.default.copyItem(atPath: path, toPath: copy)
        let alone = try LogStore(path: copy)
        XCTAssertEqual(try alone.lastEpoch, 20)
        XCTAssertTrue(try alone.windowExists(env: "e", window: "w19"))
    }
}
