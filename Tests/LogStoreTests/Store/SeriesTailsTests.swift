import Foundation
import XCTest

@testable import LogStore

/// The writer's cache of where series end (`SeriesTails`): whatever happens between two
/// appends on one handle, the rows written must be the rows a fresh lookup would write.
final class SeriesTailsTests: XCTestCase {
    let newWindow =
        #"{"data": [{"x": [0], "y": [0], "name": "a", "type": "scatter"}], "win": "w", "eid": "main", "layout": {}, "opts": {}}"#
    func append(_ i: Int, win: String = "w", eid: String = "main") -> String {
        #"{"data": [{"x": [\#(i)], "y": [\#(i)]}], "win": "\#(win)", "eid": "\#(eid)", "name": "a", "append": true, "layout": {}}"#
    }

    /// Every series' segments have seq 0, 1, 2, … and `total` is the running sum of `count`
    /// (the invariants the cache stands in for); returns the number of segments.
    @discardableResult
    func assertSegmentsConsistent(_ path: String, file: StaticString = #filePath, line: UInt = #line) throws -> Int {
        let db = try Connection(path: path, mode: .readOnly)
        var expected: [Int64: (seq: Int64, total: Int64)] = [:]
        var rows = 0
        // Each segment (a pack row's parts too) and sealed block: series, first seq, count,
        // total, last seq. A block stands for its segments first_seq … last_seq.
        var runs: [(id: Int64, seq: Int64, count: Int64, total: Int64, last: Int64)] = []
        try db.forEach("SELECT series_id, seq, count, total, data FROM segment", []) { st in
            var row = st.columns
            let (id, seq, count, total) = (row.int64(), row.int64(), row.int64(), row.int64())
            guard id == 0 else { return runs.append((id, seq, count, total, seq)) }
            try row.withBlob { pack in
                try SegmentPack.forEach(pack) { p in
                    runs.append((p.seriesID, p.seq, p.count, p.total, p.seq))
                    return true
                }
            }
        }
        try db.forEach("SELECT series_id, first_seq, count, total, last_seq FROM block", []) { st in
            runs.append((st.int64(0), st.int64(1), st.int64(2), st.int64(3), st.int64(4)))
        }
        for run in runs.sorted(by: { ($0.id, $0.seq) < ($1.id, $1.seq) }) {
            let last = expected[run.id] ?? (0, 0)
            XCTAssertEqual(run.seq, last.seq, "seq of series \(run.id)", file: file, line: line)
            XCTAssertEqual(run.total, last.total + run.count, "total of series \(run.id)", file: file, line: line)
            expected[run.id] = (run.last + 1, run.total)
            rows += 1
        }
        return rows
    }

    func xs(_ store: LogStore, win: String = "w", eid: String = "main") throws -> [JSONValue]? {
        try store.exportWindow(env: eid, window: win)["content"]?["data"]?.arrayValue?[0]["x"]?.arrayValue
    }

    func store(_ name: String, _ options: LogStore.Options = .init()) throws -> (LogStore, String) {
        let path = try temporaryDirectory(self).appendingPathComponent(name).path
        return (try LogStore(path: path, options: options), path)
    }

    /// A job that created a window (new series, new rowids) and appended, then failed: its rows
    /// are rolled back and the next window reuses the same series ids from scratch.
    func testAFailedJobLeavesNoTailBehind() throws {
        let (store, path) = try store("rollback.db")
        try store.apply(.events, newWindow)
        try store.apply(.update, append(1))
        struct Boom: Error {}
        XCTAssertThrowsError(
            try store.write { ctx in
                let epoch = ctx.nextEpoch()
                let w = EpochWriter(ctx, epoch: epoch)
                _ = try Handlers.handle(
                    .events, PaneValue(try json(self.newWindow.replacingOccurrences(of: #""w""#, with: #""v""#))), in: w
                )
                _ = try Handlers.handle(.update, PaneValue(try json(self.append(7, win: "v"))), in: w)
                _ = try Handlers.handle(.update, PaneValue(try json(self.append(2))), in: w)
                throw Boom()
            })
        try store.apply(.events, newWindow.replacingOccurrences(of: #""w""#, with: #""v""#))
        try store.apply(.update, append(8, win: "v"))
        try store.apply(.update, append(2))
        try assertSegmentsConsistent(path)
        XCTAssertEqual(try xs(store, win: "v"), [.int(0), .int(8)])
        XCTAssertEqual(try xs(store), [.int(0), .int(1), .int(2)])
    }

    /// A job that fails on a full quota is rolled back by SQLite; raising the quota on the same
    /// handle (same connection, same cache) and appending again writes the right rows.
    func testAFullQuotaLeavesNoTailBehind() throws {
        let (store, path) = try store("full.db", .init(maxPageCount: 60))
        try store.apply(.events, newWindow)
        var failed = false
        for i in 1...200 {
            let many = (0..<2000).map { String($0 + i * 2000) }.joined(separator: ", ")
            do {
                try store.apply(
                    .update,
                    #"{"data": [{"x": [\#(many)], "y": [\#(many)]}], "win": "w", "eid": "main", "name": "a", "append": true}"#
                )
            } catch {
                XCTAssertEqual(error as? LogStoreError, .full(path: path))
                failed = true
                break
            }
        }
        XCTAssertTrue(failed)
        let before = try xs(store)?.count ?? 0
        try store.write { ctx in try ctx.db.execute("PRAGMA max_page_count=100000") }
        try store.apply(.update, append(-1))
        try store.apply(.update, append(-2))
        try assertSegmentsConsistent(path)
        XCTAssertEqual(try xs(store)?.suffix(2), [.int(-1), .int(-2)])
        XCTAssertEqual(try xs(store)?.count, before + 2)
    }

    /// Compaction rewrites a series' segments (renumbered from 0); appends after it on the same
    /// handle continue from the rewritten rows.
    func testCompactionLeavesNoTailBehind() throws {
        let (store, path) = try store("compact.db")
        try store.apply(.events, newWindow)
        for i in 1...5 { try store.apply(.update, append(i)) }
        _ = try store.compact()
        XCTAssertLessThan(try assertSegmentsConsistent(path), 12, "compaction merged segments")
        try store.apply(.update, append(6))
        try store.apply(.update, append(7))
        try assertSegmentsConsistent(path)
        XCTAssertEqual(try xs(store), (0...7).map { .int(Int64($0)) })
    }

    /// Appends to a window and to its fork, interleaved on one handle.
    func testForkedSeriesKeepTheirOwnTails() throws {
        let (store, path) = try store("fork.db")
        try store.apply(.events, newWindow)
        try store.apply(.update, append(1))
        try store.forkEnv("main", to: "copy")
        for i in 2...4 {
            try store.apply(.update, append(i))
            try store.apply(.update, append(10 * i, eid: "copy"))
        }
        try assertSegmentsConsistent(path)
        XCTAssertEqual(try xs(store), (0...4).map { .int(Int64($0)) })
        XCTAssertEqual(try xs(store, eid: "copy"), [0, 1, 20, 30, 40].map { .int(Int64($0)) })
    }

    /// Closing a window and creating one with the same id gives new series; appends go to them.
    func testARecreatedWindowStartsNewSeries() throws {
        let (store, path) = try store("recreate.db")
        try store.apply(.events, newWindow)
        try store.apply(.update, append(1))
        try store.apply(.close, #"{"win": "w", "eid": "main"}"#)
        try store.apply(.events, newWindow)
        try store.apply(.update, append(5))
        try store.apply(.update, append(6))
        try assertSegmentsConsistent(path)
        XCTAssertEqual(try xs(store), [.int(0), .int(5), .int(6)])
    }

    /// Another handle on the same file compacts (rewriting the segments and renumbering them,
    /// without a new epoch) between two appends of this handle.
    func testAnotherHandlesCompactionIsSeen() throws {
        let (first, path) = try store("two.db")
        try first.apply(.events, newWindow)
        for i in 1...4 { try first.apply(.update, append(i)) }
        do {
            let second = try LogStore(path: path)
            _ = try second.compact()
        }
        XCTAssertLessThan(try assertSegmentsConsistent(path), 10, "compaction merged segments")
        try first.apply(.update, append(5))
        try first.apply(.update, append(6))
        try assertSegmentsConsistent(path)
        XCTAssertEqual(try xs(first), (0...6).map { .int(Int64($0)) })
    }

    /// A write whose second segment fails leaves its first one in place: the cache must not
    /// keep the position from before that write, whoever catches the error.
    func testAWriteThatFailsHalfwayForgetsItsTail() throws {
        let path = try temporaryDirectory(self).appendingPathComponent("half.db").path
        let db = try Connection(path: path, mode: .readWriteCreate)
        try Schema.create(on: db, time: 0)
        let tails = SeriesTails()
        let store = SeriesStore(db, tails: tails)
        let id = try store.create(window: 1, kind: .list, epoch: 1)
        try store.write([.init(prepend: false, values: [.int(1)])], to: id, window: 1, epoch: 1)
        XCTAssertEqual(tails[id], .init(nextSeq: 1, total: 1))
        try db.execute(
            "CREATE TEMP TRIGGER boom BEFORE INSERT ON segment WHEN NEW.seq = 2 BEGIN SELECT RAISE(ABORT, 'boom'); END")
        XCTAssertThrowsError(
            try store.write(
                [.init(prepend: false, values: [.int(2)]), .init(prepend: false, values: [.int(3)])], to: id, window: 1,
                epoch: 2))
        try db.execute("DROP TRIGGER boom")
        try store.write([.init(prepend: false, values: [.int(4)])], to: id, window: 1, epoch: 3)
        XCTAssertEqual(tails[id], .init(nextSeq: 3, total: 3))
        XCTAssertEqual(try SeriesStore(db).elements(of: id), [.int(1), .int(2), .int(4)])
        try db.close()
        try assertSegmentsConsistent(path)
    }

    func testRevalidateEmptiesTheCacheOnlyIfSomethingCommittedSinceTheWritersLastCommit() throws {
        let path = try temporaryDirectory(self).appendingPathComponent("version.db").path
        let db = try Connection(path: path, mode: .readWriteCreate)
        let other = try Connection(path: path, mode: .readWrite)
        try db.execute("CREATE TABLE t(x)")
        let tails = SeriesTails()
        // A writer's transaction: revalidate once it holds the write lock, committed() after COMMIT.
        func writerTransaction(_ body: () throws -> Void) throws -> Bool {
            try db.execute("BEGIN IMMEDIATE")
            let emptied = tails.revalidate(db)
            try body()
            try db.execute("COMMIT")
            tails.committed(db)
            return emptied
        }
        XCTAssertTrue(try writerTransaction { tails[1] = .init(nextSeq: 3, total: 9) })  // nothing known yet
        XCTAssertEqual(tails[1], .init(nextSeq: 3, total: 9))
        XCTAssertFalse(try writerTransaction { try db.execute("INSERT INTO t VALUES (1)") })
        XCTAssertFalse(try writerTransaction { try db.execute("INSERT INTO t VALUES (2)") })
        XCTAssertEqual(tails[1], .init(nextSeq: 3, total: 9))

        try other.execute("INSERT INTO t VALUES (3)")  // another connection's commit
        XCTAssertTrue(try writerTransaction { tails[1] = .init(nextSeq: 4, total: 10) })
        XCTAssertEqual(tails[1], .init(nextSeq: 4, total: 10))

        try db.execute("INSERT INTO t VALUES (4)")  // this connection's, outside a writer's transaction
        XCTAssertTrue(try writerTransaction {})
        XCTAssertNil(tails[1])
    }

    func testTheCacheStaysWithinItsCapacity() {
        let tails = SeriesTails(capacity: 3)
        for id in 0..<10 { tails[Int64(id)] = .init(nextSeq: 1, total: 1) }
        XCTAssertLessThanOrEqual(tails.count, 3)
        XCTAssertEqual(tails[9], .init(nextSeq: 1, total: 1))
    }

    /// `append(count:to:)` moves a known tail past one segment in place and leaves an unknown
    /// series unknown.
    func testAppendMovesAKnownTailAndLeavesAnUnknownOneAlone() {
        let tails = SeriesTails()
        tails[4] = .init(nextSeq: 2, total: 5)
        XCTAssertEqual(tails.append(count: 3, to: 4), .init(nextSeq: 3, total: 8))
        XCTAssertEqual(tails[4], .init(nextSeq: 3, total: 8))
        XCTAssertNil(tails.append(count: 1, to: 5))
        XCTAssertNil(tails[5])
        XCTAssertEqual(tails.count, 1)
    }

    /// Whatever mix of appends (the front slots), sets, reads and drops: every answer is a
    /// plain dictionary's.
    func testTheCacheAnswersAsAPlainDictionary() {
        let tails = SeriesTails(capacity: 4)
        var model: [Int64: SeriesTails.Tail] = [:]
        var rng = SystemRandomNumberGenerator()
        for step in 0..<20_000 {
            let id = Int64.random(in: 0..<6, using: &rng)
            switch Int.random(in: 0..<10, using: &rng) {
            case 0..<5:
                let count = Int64.random(in: 1...3, using: &rng)
                var expected = model[id]
                expected?.nextSeq += 1
                expected?.total += count
                if let expected { model[id] = expected }
                XCTAssertEqual(tails.append(count: count, to: id), expected, "step \(step)")
            case 5..<7:
                let tail = SeriesTails.Tail(nextSeq: Int64(step), total: Int64(2 * step))
                if model[id] == nil && model.count >= 4 { model.removeAll() }
                model[id] = tail
                tails[id] = tail
            case 7:
                model[id] = nil
                tails[id] = nil
            case 8:
                if Int.random(in: 0..<20, using: &rng) == 0 {
                    model.removeAll()
                    tails.removeAll()
                }
            default:
                break
            }
            for k in Int64(0)..<6 { XCTAssertEqual(tails[k], model[k], "step \(step), series \(k)") }
            XCTAssertEqual(tails.count, model.count, "step \(step)")
        }
    }
}
