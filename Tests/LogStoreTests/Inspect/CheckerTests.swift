import Foundation
import XCTest

@testable import LogStore

/// `LogStore.check()`: healthy stores (every recorded scenario) pass; each invariant, broken by
/// hand on a copy of a store, is reported.
final class CheckerTests: XCTestCase {
    let line1 =
        #"["events", {"data": [{"x": [0, 1], "y": [1, 2], "name": "a", "type": "scatter"}], "win": "w", "eid": "main", "layout": {}, "opts": {}}]"#
    func append(_ i: Int) -> String {
        #"["update", {"data": [{"x": [\#(i)], "y": [\#(i)]}], "win": "w", "eid": "main", "append": true}]"#
    }

    /// A store with window `w` in `main` (series 1 = x, 2 = y, 3 segment rows each: its two
    /// appends' pack rows unpacked), closed.
    func makeStore() throws -> String {
        let dir = try temporaryDirectory(self)
        let log = dir.appendingPathComponent("l.jsonl")
        try ([line1, append(2), append(3)].joined(separator: "\n") + "\n").write(
            to: log, atomically: true, encoding: .utf8)
        let path = dir.appendingPathComponent("s.db").path
        let store = try LogStore(path: path)
        _ = try Importer(store: store).importFile(log.path)
        try store.write { ctx in try SegmentPack.unpackAll(ctx.db) }
        return path
    }

    func problems(_ path: String, after sql: String) throws -> [String] {
        let c = try Connection(path: path, mode: .readWrite)
        try c.execute(sql)
        try c.close()
        return try LogStore(path: path, options: .init(readOnly: true)).check()
    }

    func testEveryRecordedScenarioGivesAHealthyStore() throws {
        let dir = repositoryRoot.appendingPathComponent("Tests/Fixtures/scenarios")
        let names = try FileManager.default.contentsOfDirectory(atPath: dir.path).sorted()
        XCTAssertFalse(names.isEmpty)
        for name in names {
            let log = dir.appendingPathComponent(name).appendingPathComponent("log.jsonl")
            guard FileManager.default.fileExists(atPath: log.path) else { continue }
            let store = try temporaryStore(self)
            _ = try Importer(store: store).importFile(log.path)
            XCTAssertEqual(try store.check(), [], name)
        }
    }

    /// A pack row's parts are checked as segments of their series: a part out of sequence is
    /// reported, and so is a pack that does not decode; its series_id 0 is not a missing series.
    func testPackRowsAreCheckedAsTheirSegments() throws {
        let path = try makeStore()
        let c = try Connection(path: path, mode: .readWrite)
        // Pack the y segments of epochs 2 and 3 (series 2, seqs 1 and 2) back as one save wrote them.
        try c.forEach("SELECT epoch, seq, total, count, data FROM segment WHERE series_id = 2 AND seq > 0", []) { st in
            var row = st.columns
            let (epoch, seq, total, count) = (row.int64(), row.int64(), row.int64(), row.int64())
            var pack: [UInt8] = []
            SegmentPack.append(
                series: 2, seq: epoch == 3 ? seq + 5 : seq, total: total, count: count, bytes: row.blob()[...],
                to: &pack)
            try SegmentRow(windowID: 1, seriesID: 0, seq: 0, epoch: epoch, op: 0, count: count, total: 0, data: pack)
                .insert(c)
        }
        try c.execute("DELETE FROM segment WHERE series_id = 2 AND seq > 0")
        try c.close()
        XCTAssertEqual(
            try LogStore(path: path, options: .init(readOnly: true)).check(),
            ["series 2: segment 7 found where segment 2 was expected (seq must run 0…n-1)"])
        let corrupt = try problems(path, after: "UPDATE segment SET data = x'01ff' WHERE series_id = 0 AND epoch = 3")
        XCTAssertTrue(corrupt.contains { $0.contains("corrupt segment pack") }, "\(corrupt)")
    }

    func testAHealthyStoreHasNoProblems() throws {
        XCTAssertEqual(try LogStore(path: try makeStore()).check(), [])
    }

    func testADeletedSegmentBreaksTheSequenceAndTheTotals() throws {
        XCTAssertEqual(
            try problems(try makeStore(), after: "DELETE FROM segment WHERE series_id = 2 AND seq = 1"),
            [
                "series 2: segment 2 found where segment 1 was expected (seq must run 0…n-1)",
                "series 2 segment 2: total is 4, but the counts up to it add up to 3",
            ])
    }

    func testACountThatDisagreesWithTheDataIsReported() throws {
        XCTAssertEqual(
            try problems(
                try makeStore(), after: "UPDATE segment SET count = 2, total = 3 WHERE series_id = 1 AND seq = 1"),
            [
                "series 1 segment 1: total is 3, but the counts up to it add up to 4",
                "series 1 segment 1: count is 2, but its data holds 1 values",
            ])
    }

    func testSegmentEpochsMustNotGoBackwards() throws {
        XCTAssertEqual(
            try problems(try makeStore(), after: "UPDATE segment SET epoch = 1 WHERE series_id = 1 AND seq = 2"),
            [
                "series 1 segment 2: epoch 1 is before the previous segment's epoch 2"
            ])
    }

    /// Segments are found by their window (format version 3): one filed under another window
    /// is lost to every read of its series.
    func testASegmentFiledUnderAnotherWindowIsReported() throws {
        let found = try problems(
            try makeStore(), after: "UPDATE segment SET window_id = 7 WHERE series_id = 1 AND seq = 2")
        XCTAssertTrue(
            found.contains("series 1 segment 2: its window_id is 7, but the series belongs to window 1"), "\(found)")
    }

    func testMissingEpochsAreReportedAsRanges() throws {
        let found = try problems(try makeStore(), after: "DELETE FROM epoch WHERE epoch IN (1, 2)")
        XCTAssertTrue(found.contains("epochs 1…2 are missing (epochs must run 0…3 without gaps)"), "\(found)")
        XCTAssertTrue(found.contains("window 1 'w': epoch 1 is not in the epoch table (newest: 3)"), "\(found)")
    }

    func testTwoLiveIncarnationsOfAWindowAreReported() throws {
        let found = try problems(
            try makeStore(),
            after: """
                INSERT INTO window(window_id, env_id, wid, slot, epoch) VALUES (2, 1, 'w', 0, 2);
                INSERT INTO head(window_id, epoch, doc) SELECT 2, 2, doc FROM head WHERE window_id = 1;
                """)
        XCTAssertTrue(found.contains("window 'w' of env 1: incarnations 1 and 2 are both alive at epoch 2"), "\(found)")
        XCTAssertTrue(
            found.contains("head of window 2 at epoch 2 refers to series 1, which belongs to window 1"), "\(found)")
    }

    func testTwoLiveIncarnationsOfAnEnvAndAnEarlyTombstoneAreReported() throws {
        let found = try problems(
            try makeStore(),
            after: """
                INSERT INTO env(env_id, name, epoch) VALUES (2, 'main', 3);
                INSERT INTO env(env_id, name, epoch) VALUES (3, 'gone', 3);
                INSERT INTO env_end(env_id, epoch) VALUES (3, 2);
                """)
        XCTAssertEqual(
            found,
            [
                "env 'main': incarnations 1 and 2 are both alive at epoch 3",
                "env 3 'gone': tombstone at epoch 2 is before its birth at epoch 3",
            ])
    }

    func testAWindowWithoutAHeadAtItsBirthIsReported() throws {
        XCTAssertEqual(
            try problems(try makeStore(), after: "UPDATE window SET epoch = 0"),
            ["window 1 'w' has no head at its birth epoch 0 (the first is at epoch 1)"])
        XCTAssertEqual(
            try problems(try makeStore(), after: "DELETE FROM head"),
            [
                "window 1 'w' has no head",
                "env 'main' window 'w' does not materialize: window w has no head",
            ])
    }

    func testGarbageInAHeadIsReported() throws {
        XCTAssertEqual(
            try problems(try makeStore(), after: "UPDATE head SET doc = x'0700ff'"),
            [
                "head of window 1 at epoch 1 does not decode: corrupt value encoding at byte 2"
            ])
        // A head that decodes to a non-object is no problem: visdom's win_data stores any JSON
        // value as a window (scenario diff_win_data_non_object_windows).
        XCTAssertEqual(try problems(try makeStore(), after: "UPDATE head SET doc = x'0500'"), [])
    }

    func testAReferenceToAMissingSeriesIsReported() throws {
        let found = try problems(
            try makeStore(), after: "DELETE FROM segment WHERE series_id = 2; DELETE FROM series WHERE series_id = 2")
        XCTAssertEqual(found, ["head of window 1 at epoch 1 refers to series 2, which does not exist"])
    }

    func testManyProblemsOfOneKindAreCut() throws {
        var sql = ""
        for i in 1...60 { sql += "INSERT INTO env(name, epoch) VALUES ('e\(i)', 99);" }
        let found = try problems(try makeStore(), after: sql)
        // + the "more" line (references to epochs are checked by LogStore, not foreign_key_check:
        // a sealed epoch has no epoch row)
        XCTAssertEqual(found.count, Checker.limit + 1)
        XCTAssertEqual(found.last, "… and 10 more like the line above")
    }

    /// A store whose epochs 0 … 21 are sealed into one run (23 epochs; the newest stays a row).
    func makeSealedStore() throws -> String {
        let dir = try temporaryDirectory(self)
        let log = dir.appendingPathComponent("l.jsonl")
        try (([line1] + (2..<23).map(append)).joined(separator: "\n") + "\n").write(
            to: log, atomically: true, encoding: .utf8)
        let path = dir.appendingPathComponent("s.db").path
        let store = try LogStore(path: path)
        _ = try Importer(store: store).importFile(log.path)
        let r = try store.compact()
        XCTAssertEqual(r.epochRunsWritten, 1)
        store.close()
        return path
    }

    func testASealedStoreIsHealthyAndABrokenRunIsReported() throws {
        XCTAssertEqual(try LogStore(path: try makeSealedStore(), options: .init(readOnly: true)).check(), [])
        XCTAssertEqual(
            try problems(
                try makeSealedStore(),
                after: """
                    INSERT INTO epoch(epoch, time_ms, source, endpoint, status) SELECT 5, 0, 'x', 'update', 'ok'
                    """),
            ["sealed run of epochs from 0: 1 of its epochs are also epoch rows"])
        XCTAssertEqual(
            try problems(try makeSealedStore(), after: "UPDATE epoch_run SET last_epoch = 19"),
            [
                "epochs 20…21 are missing (epochs must run 0…22 without gaps)",
                "sealed run of epochs from 0: corrupt epoch run: more epochs than 20",
            ])
        XCTAssertEqual(
            try problems(try makeSealedStore(), after: "UPDATE epoch_run SET last_epoch = 22"),
            [
                "sealed run of epochs from 0: 1 of its epochs are also epoch rows",
                "sealed run of epochs from 0: corrupt epoch run: 22 epochs, not 23",
                "sealed run of epochs from 0: holds the newest epoch, which must be an epoch row",
            ])
        let times = try problems(try makeSealedStore(), after: "UPDATE epoch_run SET max_time_ms = max_time_ms + 1")
        XCTAssertEqual(times.count, 1)
        XCTAssertTrue(
            times.first?.hasPrefix("sealed run of epochs from 0: its times are not min_time_ms ") ?? false, "\(times)")
    }
}
