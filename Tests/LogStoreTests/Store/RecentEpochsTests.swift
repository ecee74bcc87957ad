import Foundation
import XCTest

@testable import LogStore

/// The writer's memory of the epoch rows it wrote (`RecentEpochs`), which its seal reads instead
/// of the rows: bounded and consecutive; used only when it covers the whole range sealed;
/// emptied whenever rows may have changed behind it (a job or transaction rolled back, a job
/// alone, another connection's commit); and the runs and rows sealed from it are byte for byte
/// those sealed from the rows.
final class RecentEpochsTests: XCTestCase {
    func testItHoldsTheLastConsecutiveEpochsUpToItsCapacity() {
        let recent = RecentEpochs(capacity: 4)
        for e in Int64(1)...6 { recent.note(.init(epoch: e, timeMS: e, ok: true)) }
        XCTAssertEqual(recent.count, 4)
        XCTAssertEqual([recent.first, recent.last], [3, 6])
        var seen: [Int64] = []
        recent.forEach(from: 1) { seen.append($0.pointee.epoch) }
        XCTAssertEqual(seen, [4, 5, 6])
        XCTAssertEqual(recent.covering(from: 4, below: 7), 1)
        XCTAssertNil(recent.covering(from: 2, below: 7), "epoch 2 is forgotten")
        XCTAssertNil(recent.covering(from: 4, below: 8), "epoch 7 is not remembered")
        // A number used again (given back by a rollback) drops everything before it.
        recent.note(.init(epoch: 5, timeMS: 0, ok: false))
        XCTAssertEqual(recent.count, 1)
        XCTAssertEqual([recent.first, recent.last], [5, 5])
        recent.note(.init(epoch: 9, timeMS: 0, ok: true))
        XCTAssertEqual([recent.first, recent.last], [9, 9])
        XCTAssertEqual(RecentEpochs(capacity: 0).count, 0)
    }

    /// The seal takes the epochs from memory only when it holds every one it seals: rows that
    /// say "row" and a memory that says "memory" show which it read.
    func testTheSealReadsMemoryOnlyWhenItCoversTheWholeRange() throws {
        // Sealing at epoch 20 every 8: epochs 4 ..< 20.
        for (remembered, expected) in [(Int64(1)...19, "memory"), (5...19, "row"), (1...18, "row")] {
            let db = try epochTables(self, "\(remembered).db")
            let recent = RecentEpochs(capacity: 32)
            for e in Int64(1)...20 {
                try db.run(
                    "INSERT INTO epoch VALUES (?, ?, 'train.py:7', 'update', 'main', 'w', 'ok', 'row', NULL)",
                    [.integer(e), .integer(e)])
                if remembered.contains(e) {
                    recent.note(
                        .init(
                            epoch: e, timeMS: e, ok: true, source: "train.py:7", endpoint: "update", env: "main",
                            win: "w", detail: "memory"))
                }
            }
            let report = try EpochSealer(db: db).sealRecent(newest: 20, every: 8, recent: recent)
            XCTAssertEqual(report.epochsSealed, 16)
            let kinds = try XCTUnwrap(db.one("SELECT kinds FROM epoch_run", []) { $0.blob(0) })
            let details = try kinds.withUnsafeBytes { try EpochRun.decodeKinds($0) }.map {
                String(decoding: $0.detail, as: UTF8.self)
            }
            XCTAssertEqual(details, [expected], "\(remembered)")
        }
    }

    /// Epoch rows of every shape, written by the writer with the same times: the store whose
    /// seal reads its memory holds exactly the `epoch` and `epoch_run` rows of the store whose
    /// seal reads the rows back, through single jobs, batches with a job that fails just before
    /// a sealing epoch, a job that fails after it, a reopened store (no memory), and epochs
    /// committed in between by another handle on the same file.
    func testSealingFromMemoryWritesTheRunsAndRowsOfSealingFromRows() throws {
        func open(_ path: String, remembering: Bool) throws -> LogStore {
            var options = LogStore.Options()
            options.writerEpochRun = 16
            options.writerRemembersEpochs = remembering
            return try LogStore(path: path, options: options)
        }
        let dir = try temporaryDirectory(self)
        var dumps: [[String]] = []
        for remembering in [true, false] {
            let path = dir.appendingPathComponent("\(remembering).db").path
            var store = try open(path, remembering: remembering)
            var n = 0
            /// The next epoch's row: numbered and plain sources, NULL and empty env and win,
            /// NFC and NFD twins, long texts, windows, refusals, times that repeat and go back.
            func row(_ i: Int) -> EpochWriter.EpochRow {
                let names = ["w", "loss", "caf\u{E9}", "cafe\u{301}", "", String(repeating: "x", count: 40)]
                var r = EpochWriter.EpochRow(
                    time: 1_000 + Int64(i / 3) * 7 - (i % 11 == 0 ? 50 : 0),
                    source: i % 5 == 0 ? "api" : "/runs/train.jsonl:\(i + (i % 7 == 0 ? 3 : 1))",
                    endpoint: i % 9 == 0 ? "events" : "update", env: i % 13 == 0 ? nil : "main",
                    win: i % 17 == 0 ? nil : names[i % names.count])
                if i % 23 == 0 { (r.status, r.detail) = ("refused", "no window") }
                if i % 29 == 0 { r.detail = "\u{1F600} done" }
                return r
            }
            func job(count: Int, failing: Bool = false) -> (Writer.Context) throws -> Void {
                let first = n
                n += failing ? 0 : count
                return { ctx in
                    for i in first..<(first + count) {
                        let w = EpochWriter(ctx, epoch: ctx.nextEpoch())
                        if i % 4 == 0 {  // a window_id, or NULL
                            let m = try LogLine.parse(
                                ArraySlice(
                                    Array(
                                        #"["events", {"data": [{"x": [0], "y": [0], "type": "scatter"}], "win": "w\#(i % 3)", "eid": "main", "layout": {}}]"#
                                            .utf8)),
                                place: "t")
                            _ = try Handlers.handle(m.endpoint, m.pane, in: w)
                        }
                        try w.insertEpochRow(row(i))
                    }
                    if failing { throw CancellationError() }
                }
            }
            for _ in 0..<40 { try store.write(job(count: 1)) }
            // A batch: a job that fails right before a sealing epoch, one that fails after it.
            let writer = try XCTUnwrap(store.writer)
            let gate = DispatchSemaphore(value: 0)
            let done = DispatchGroup()
            done.enter()
            writer.submit({ _ in gate.wait() }, complete: { _ in done.leave() })
            for (count, failing) in [(6, false), (5, true), (1, false), (3, false), (7, true), (20, false)] {
                done.enter()
                writer.submit(job(count: count, failing: failing), complete: { _ in done.leave() })
            }
            gate.signal()
            done.wait()
            XCTAssertEqual(try store.lastEpoch, Int64(n))
            for _ in 0..<3 { try store.write(job(count: 7)) }
            // Another handle commits epochs in between.
            let other = try open(path, remembering: remembering)
            try other.write(job(count: 9))
            for _ in 0..<4 { try store.write(job(count: 5)) }
            try other.write(job(count: 2))
            // A fresh process remembers nothing.
            store = try open(path, remembering: remembering)
            for _ in 0..<60 { try store.write(job(count: 1)) }
            XCTAssertEqual(try store.lastEpoch, Int64(n))
            XCTAssertEqual(try store.check(), [])
            dumps.append(
                try store.read(asOf: nil) { db, _ in
                    try db.all(
                        "SELECT first_epoch, last_epoch, min_time_ms, max_time_ms, hex(kinds), hex(data) FROM epoch_run ORDER BY 1",
                        []
                    ) { st in "runs " + (0..<6).map { st.text(Int32($0)) }.joined(separator: "|") }
                        + db.all(
                            "SELECT epoch, time_ms, hex(source), endpoint, hex(env), hex(win), status, hex(detail), window_id FROM epoch WHERE epoch > 0 ORDER BY 1",
                            []
                        ) { st in
                            (0..<9).map { st.isNull(Int32($0)) ? "NULL" : st.text(Int32($0)) }.joined(separator: "|")
                        }
                })
        }
        XCTAssertGreaterThan(dumps[0].filter { $0.hasPrefix("runs ") }.count, 5)
        XCTAssertTrue(dumps[0].contains { $0.contains("|refused|") }, "refused epochs stay rows")
        XCTAssertEqual(dumps[0], dumps[1])
    }

    /// Whenever rows may have changed behind it, the writer empties its memory, as it empties
    /// its other caches of rows: a job rolled back alone or in a batch, a job alone
    /// (compaction), another connection's commit.
    func testTheWriterForgetsTheEpochsWhenRowsMayHaveChangedBehindIt() throws {
        let path = try temporaryDirectory(self).appendingPathComponent("s.db").path
        let store = try LogStore(path: path)
        let writer = try XCTUnwrap(store.writer)
        func append(_ i: Int) throws {
            try store.apply(
                .update, #"{"data": [{"x": [\#(i)], "y": [\#(i)]}], "win": "w", "name": "t", "append": true}"#)
        }
        try store.apply(
            .events, #"{"data": [{"x": [0], "y": [0], "name": "t", "type": "scatter"}], "win": "w", "layout": {}}"#)
        for i in 1...3 { try append(i) }
        XCTAssertEqual(writer.recent.count, 4)

        struct Boom: Error {}
        XCTAssertThrowsError(
            try store.write { ctx in
                let w = EpochWriter(ctx, epoch: ctx.nextEpoch())
                try w.insertEpochRow(.init(time: 0, source: "api", endpoint: "update"))
                throw Boom()
            })
        XCTAssertEqual(writer.recent.count, 0, "a job rolled back alone")

        for i in 4...6 { try append(i) }
        XCTAssertEqual(writer.recent.count, 3)
        let gate = DispatchSemaphore(value: 0)
        let done = DispatchGroup()
        done.enter()
        writer.submit({ _ in gate.wait() }, complete: { _ in done.leave() })
        done.enter()
        writer.submit(
            { ctx in
                let w = EpochWriter(ctx, epoch: ctx.nextEpoch())
                try w.insertEpochRow(.init(time: 0, source: "api", endpoint: "update"))
                throw Boom()
            }, complete: { _ in done.leave() })
        done.enter()
        writer.submit({ _ in }, complete: { _ in done.leave() })
        gate.signal()
        done.wait()
        XCTAssertEqual(writer.recent.count, 0, "a job rolled back in a batch")

        try append(7)
        XCTAssertEqual(writer.recent.count, 1)
        _ = try store.seal()
        XCTAssertEqual(writer.recent.count, 0, "a job alone")

        try append(8)
        XCTAssertEqual(writer.recent.count, 1)
        let other = try LogStore(path: path)
        try other.apply(.update, #"{"data": [{"x": [9], "y": [9]}], "win": "w", "name": "t", "append": true}"#)
        try store.write { _ in }  // a transaction that writes nothing, after the other's commit
        XCTAssertEqual(writer.recent.count, 0, "another connection's commit")
    }
}
