import XCTest

@testable import LogStore

/// What an epoch guarantees: one per accepted message, numbered without gaps, written
/// append-only, and an append writes rows proportional to the message, not to the window.
final class EpochTests: XCTestCase {
    func testEpochsAreNumberedFromOneWithoutGaps() throws {
        let store = try temporaryStore(self)
        XCTAssertEqual(try store.lastEpoch, 0)
        let a = try store.apply(.init(.events, try json(#"{"data": [{"content": "x", "type": "text"}], "win": "t"}"#)))
        let b = try store.apply(.init(.update, try json(#"{"win": "missing", "eid": "main"}"#)))
        XCTAssertEqual([a.epoch, b.epoch], [1, 2])
        XCTAssertEqual(b.outcome, .refused("win does not exist"))  // refused messages are epochs too
        XCTAssertEqual(try store.lastEpoch, 2)
    }

    /// A job that fails after writing rows, alone in its transaction (no savepoint of its
    /// own), leaves no row behind and gives its epoch number back.
    func testAFailedJobLeavesNoRowsAndGivesItsEpochBack() throws {
        let path = try temporaryDirectory(self).appendingPathComponent("failed.db").path
        let store = try LogStore(path: path)
        try store.apply(
            .events, #"{"data": [{"x": [0], "y": [0], "name": "a", "type": "scatter"}], "win": "w", "layout": {}}"#)
        func counts() throws -> [Int64] {
            let db = try Connection(path: path, mode: .readOnly)
            return try ["epoch", "env", "window", "head", "series", "segment", "window_change"].map {
                try db.int("SELECT count(*) FROM \($0)", []) ?? -1
            }
        }
        let before = try counts()
        struct Boom: Error {}
        XCTAssertThrowsError(
            try store.write { ctx in
                let epoch = ctx.nextEpoch()
                let w = EpochWriter(ctx, epoch: epoch)
                _ = try Handlers.handle(
                    .events,
                    PaneValue(
                        try json(
                            #"{"data": [{"x": [1], "y": [1], "type": "scatter"}], "win": "v", "eid": "main", "layout": {}}"#
                        )), in: w)
                try ctx.db.run(
                    "INSERT INTO epoch(epoch, time_ms, source, endpoint, status, detail) VALUES (?, 0, 'test', 'events', 'ok', '')",
                    [.integer(epoch)])
                throw Boom()
            }
        ) { XCTAssertTrue($0 is LogStoreError) }
        XCTAssertEqual(try counts(), before)
        XCTAssertEqual(try store.lastEpoch, 1)
        XCTAssertEqual(try store.apply(.init(.update, try json(#"{"win": "missing", "eid": "main"}"#))).epoch, 2)
    }

    func testAnAppendWritesOnePackRowForItsTracesXAndYAndNoHead() throws {
        let dir = try temporaryDirectory(self)
        let path = dir.appendingPathComponent("s.db").path
        let store = try LogStore(path: path)
        try store.apply(
            .events,
            #"{"data": [{"x": [0], "y": [0], "name": "a", "type": "scatter"}, {"x": [0], "y": [0], "name": "b", "type": "scatter"}], "win": "w", "layout": {}}"#
        )
        let opts = #""opts": {"markers": false}, "layout": {}"#
        try store.apply(
            .update, #"{"data": [{"x": [1], "y": [1]}], "win": "w", "name": "a", "append": true, \#(opts)}"#)
        let db = try Connection(path: path, mode: .readOnly)
        let heads = try db.int("SELECT count(*) FROM head", [])
        let segments = try db.int("SELECT count(*) FROM segment", [])
        for i in 2...50 {
            try store.apply(
                .update, #"{"data": [{"x": [\#(i)], "y": [\#(i)]}], "win": "w", "name": "a", "append": true, \#(opts)}"#
            )
        }
        XCTAssertEqual(try db.int("SELECT count(*) FROM head", []), heads, "a plain append must not write a head")
        XCTAssertEqual(
            try db.int("SELECT count(*) FROM segment", []), segments! + 49, "one pack row for x and y")
        XCTAssertEqual(
            try store.exportWindow(env: "main", window: "w")["content"]?["data"]?.arrayValue?[0]["x"]?.arrayValue?
                .count, 51)
    }

    /// What an append costs on disk: the WAL frames (B-tree pages) its commit writes. Format
    /// version 3 finds segments by window, so the x and the y segment of a trace land in one
    /// index page: the epoch row's page, the segment table's last page and that index page.
    /// (Indexed by series, the two segments needed an index page each: 4 frames.) And since
    /// stores are created with 1 KiB pages (`Schema.pageSize`), those frames are at most 8 KiB
    /// of WAL in all (with SQLite's default 4 KiB pages, three frames were 12.1 KiB).
    func testAnAppendToATraceCommitsThreePagesOfAtMostEightKiB() throws {
        let path = try temporaryDirectory(self).appendingPathComponent("frames.db").path
        let store = try LogStore(path: path)
        try store.apply(
            .events,
            #"{"data": [{"x": [0], "y": [0], "name": "a", "type": "scatter"}, {"x": [0], "y": [0], "name": "b", "type": "scatter"}], "win": "w", "layout": {}}"#
        )
        // Enough segments that each series' index entries fill pages of their own.
        for i in 1...1500 {
            try store.apply(
                .update,
                #"{"data": [{"x": [\#(i)], "y": [\#(i)]}], "win": "w", "name": "\#(i % 2 == 0 ? "a" : "b")", "append": true}"#
            )
        }
        let checkpointer = try Connection(path: path, mode: .readWrite)
        defer { try? checkpointer.close() }
        let pageSize = try XCTUnwrap(try checkpointer.int("PRAGMA page_size", []))
        XCTAssertEqual(pageSize, Schema.pageSize)
        var frames: [Int64] = []
        var bytes: [Int64] = []
        for i in 1...5 {
            try checkpointer.execute("PRAGMA wal_checkpoint(TRUNCATE)")
            XCTAssertEqual(fileSize(atPath: path + "-wal"), 0)
            try store.apply(
                .update, #"{"data": [{"x": [\#(2000 + i)], "y": [\#(i)]}], "win": "w", "name": "a", "append": true}"#)
            let wal = fileSize(atPath: path + "-wal") ?? 0
            bytes.append(wal)
            frames.append((wal - 32) / (24 + pageSize))
        }
        // A page split adds frames now and then; the usual append writes the fewest.
        XCTAssertEqual(frames.min(), 3, "frames per append: \(frames)")
        XCTAssertLessThanOrEqual(bytes.min() ?? .max, 8 << 10, "WAL bytes per append: \(bytes)")
    }

    func testAnEpochLeavesEarlierRowsUntouched() throws {
        let dir = try temporaryDirectory(self)
        let path = dir.appendingPathComponent("s.db").path
        let store = try LogStore(path: path)
        try store.apply(
            .events, #"{"data": [{"x": [0], "y": [0], "name": "a", "type": "scatter"}], "win": "w", "layout": {}}"#)
        let db = try Connection(path: path, mode: .readOnly)
        var before: [String] = []
        try db.forEach("SELECT 'seg', series_id, seq, epoch, hex(data) FROM segment ORDER BY series_id, seq", []) {
            before.append($0.text(4))
        }
        try store.apply(.update, #"{"data": [{"x": [1], "y": [1]}], "win": "w", "append": false}"#)  // replace
        try store.apply(.close, #"{"win": "w"}"#)
        var after: [String] = []
        try db.forEach("SELECT 'seg', series_id, seq, epoch, hex(data) FROM segment ORDER BY series_id, seq", []) {
            after.append($0.text(4))
        }
        XCTAssertEqual(Array(after.prefix(before.count)), before)
        XCTAssertEqual(try db.int("SELECT count(*) FROM window_end", []), 1, "closing is a tombstone row")
    }

    // MARK: which windows an epoch changed (format version 2)

    /// The epoch rows' window_id, by epoch, and the window_change rows as "epoch:window".
    func changeRecords(_ path: String) throws -> (single: [Int64: Int64], multi: [String]) {
        let db = try Connection(path: path, mode: .readOnly)
        defer { try? db.close() }
        var single: [Int64: Int64] = [:]
        try db.forEach("SELECT epoch, window_id FROM epoch WHERE window_id IS NOT NULL", []) {
            single[$0.int64(0)] = $0.int64(1)
        }
        var multi: [String] = []
        try db.forEach("SELECT epoch, window_id FROM window_change ORDER BY 1, 2", []) {
            multi.append("\($0.int64(0)):\($0.int64(1))")
        }
        return (single, multi)
    }

    func testAnEpochThatChangesOneWindowNamesItInItsOwnRowAndWritesNoWindowChangeRow() throws {
        let path = try temporaryDirectory(self).appendingPathComponent("s.db").path
        let store = try LogStore(path: path)
        try store.apply(
            .events, #"{"data": [{"x": [0], "y": [0], "name": "a", "type": "scatter"}], "win": "w", "layout": {}}"#)
        try store.apply(.update, #"{"data": [{"x": [1], "y": [1]}], "win": "w", "name": "a", "append": true}"#)
        try store.apply(.events, #"{"data": [{"content": "hi", "type": "text"}], "win": "t"}"#)
        let records = try changeRecords(path)
        XCTAssertEqual(records.single, [1: 1, 2: 1, 3: 2])
        XCTAssertEqual(records.multi, [])
    }

    func testAnEpochThatChangesSeveralWindowsRecordsEachInWindowChange() throws {
        let path = try temporaryDirectory(self).appendingPathComponent("s.db").path
        let store = try LogStore(path: path)
        try store.apply(.events, #"{"data": [{"x": [0], "y": [0], "type": "scatter"}], "win": "w", "layout": {}}"#)
        try store.apply(.events, #"{"data": [{"content": "hi", "type": "text"}], "win": "t"}"#)
        let fork = try store.forkEnv("main", to: "copy")
        let records = try changeRecords(path)
        XCTAssertNil(records.single[fork])
        XCTAssertEqual(records.multi, ["\(fork):3", "\(fork):4"])
        XCTAssertEqual(try store.pointsAdded(sinceEpoch: fork - 1), 1, "the forked trace was stored again")
    }

    func testAForkOfManyWindowsRecordsEachOnce() throws {
        let path = try temporaryDirectory(self).appendingPathComponent("s.db").path
        let store = try LogStore(path: path)
        for i in 0..<40 {
            try store.apply(.events, #"{"data": [{"content": "t\#(i)", "type": "text"}], "win": "w\#(i)"}"#)
        }
        let fork = try store.forkEnv("main", to: "copy")
        XCTAssertEqual(try changeRecords(path).multi, (41...80).map { "\(fork):\($0)" })
    }

    func testAnEpochThatChangesNoContentRecordsNoWindow() throws {
        let path = try temporaryDirectory(self).appendingPathComponent("s.db").path
        let store = try LogStore(path: path)
        try store.apply(
            .events, #"{"data": [{"x": [0], "y": [0], "name": "a", "type": "scatter"}], "win": "w", "layout": {}}"#)
        let before = try store.exportWindow(env: "main", window: "w")
        XCTAssertEqual(
            try store.apply(.update, #"{"win": "nope", "eid": "main", "data": []}"#), .refused("win does not exist"))
        // An append of no points leaves the window's rows, so its content and contentID, as they were.
        try store.apply(.update, #"{"data": [{"x": [], "y": []}], "win": "w", "name": "a", "append": true}"#)
        XCTAssertEqual(try changeRecords(path).single, [1: 1])
        XCTAssertEqual(try store.exportWindow(env: "main", window: "w"), before)
    }

    /// A writer's context writes its epochs with one `EpochWriter`, which starts each epoch as
    /// a new one would: a head the epoch before loaded is not taken for this epoch's, so
    /// storing it again writes it, and the window counts as changed by this epoch only.
    func testAContextsEpochWriterStartsEachEpochAsANewOne() throws {
        let path = try temporaryDirectory(self).appendingPathComponent("s.db").path
        let store = try LogStore(path: path)
        try store.apply(.events, #"{"data": [{"content": "hi", "type": "text"}], "win": "t"}"#)
        try store.write { ctx in
            let first = ctx.epochWriter(ctx.nextEpoch())
            let pane = try XCTUnwrap(try first.pane("t", in: "main"))
            try first.insertEpochRow(.init(time: 0, source: "test", endpoint: "events", env: "main"))
            let second = ctx.epochWriter(ctx.nextEpoch())
            XCTAssertTrue(first === second)
            try second.storePane(pane, id: "t", in: "main", replacing: false)
            try second.insertEpochRow(.init(time: 0, source: "test", endpoint: "events", env: "main"))
        }
        XCTAssertEqual(try changeRecords(path).single, [1: 1, 3: 1])
        let db = try Connection(path: path, mode: .readOnly)
        XCTAssertEqual(try db.int("SELECT count(*) FROM head WHERE epoch = 3", []), 1)
    }

    /// contentID and the window cache follow the window's last change, which a plain append
    /// records only in its segment rows.
    func testAPlainAppendChangesTheContentIDAndIsNotHiddenByTheWindowCache() throws {
        let store = try temporaryStore(self)
        try store.apply(
            .events, #"{"data": [{"x": [0], "y": [0], "name": "a", "type": "scatter"}], "win": "w", "layout": {}}"#)
        let first = try store.windowJSON(env: "main", window: "w")
        XCTAssertEqual(try store.windowJSON(env: "main", window: "w"), first)
        try store.apply(.update, #"{"data": [{"x": [1], "y": [1]}], "win": "w", "name": "a", "append": true}"#)
        let second = try JSONReader.parse(try store.windowJSON(env: "main", window: "w"))
        XCTAssertEqual(second["content"]?["data"]?.arrayValue?[0]["x"], [0, 1])
        XCTAssertNotEqual(second["contentID"], try JSONReader.parse(first)["contentID"])
        XCTAssertEqual(second["contentID"], try store.exportWindow(env: "main", window: "w")["contentID"])
    }
}
