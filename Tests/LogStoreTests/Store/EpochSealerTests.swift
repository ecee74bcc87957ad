import Foundation
import XCTest

@testable import LogStore

/// Sealing epoch rows into runs (`EpochSealer`, run by `compact`): every reader of epochs sees
/// a sealed store as the unsealed one; runs are bounded, continued by the next seal, never
/// hold the newest epoch or a refused one; `compact --before` on sealed epochs counts them and
/// makes them forget dropped windows as it does rows.
final class EpochSealerTests: XCTestCase {
    func parsed(_ lines: [String]) throws -> [LogStore.Message] {
        try lines.enumerated().map { i, line in
            try LogLine.parse(ArraySlice(Array(line.utf8)), place: "/runs/train.jsonl:\(i + 1)")
        }
    }

    /// Every epoch, every field, with the window its row names, newest first.
    func records(_ store: LogStore, _ filter: EpochFilter = EpochFilter()) throws -> [String] {
        try store.read(asOf: nil) { db, _ in
            var out: [String] = []
            try EpochTable.forEachRecord(filter, db) { r, window in out.append("\(r) window \(window ?? -1)") }
            return out
        }
    }

    func runs(_ store: LogStore) throws -> [(first: Int64, last: Int64)] {
        try store.read(asOf: nil) { db, _ in
            try db.all("SELECT first_epoch, last_epoch FROM epoch_run ORDER BY first_epoch", []) { st in
                var row = st.columns
                return (row.int64(), row.int64())
            }
        }
    }

    func rows(_ store: LogStore) throws -> Int64 {
        try store.read(asOf: nil) { db, _ in try db.int("SELECT count(*) FROM epoch", []) ?? -1 }
    }

    /// The reads of epochs `log`, `check` and `compact --older-than` make, as text.
    func epochReads(_ store: LogStore) throws -> [String] {
        var out = try records(store)
        let last = try store.lastEpoch
        for filter in [
            EpochFilter(env: "main", limit: 7), EpochFilter(after: 10, through: 60), EpochFilter(limit: 1),
            EpochFilter(after: 95, limit: 3), EpochFilter(env: "other"), EpochFilter(limit: 0),
        ] {
            out += try records(store, filter).map { "\(filter): \($0)" }
            out.append("\(filter): \(try store.epochFieldLengths(filter))")
        }
        let times = try store.epochs().map(\.timeMS)
        for t in Set(times + [times.min()! - 1, times.max()! + 1]).sorted() {
            out.append("since \(t): \(String(describing: try store.firstEpoch(writtenSince: t)))")
            let window = EpochFilter(fromTimeMS: t, toTimeMS: t + 2)
            out += try records(store, window).map { "\(window): \($0)" }
        }
        out.append("last \(last)")
        return out
    }

    func trainingStore(steps: Int) throws -> LogStore {
        let store = try temporaryStore(self)
        _ = try store.apply(try parsed(SealerTests.trainingLog(steps: steps)))
        return store
    }

    func testSealedThenAppendedThenSealedAgainEveryEpochReadsTheSame() throws {
        let lines = SealerTests.trainingLog(steps: 400)
        let all = try parsed(lines + [#"["events", {"data": 5, "win": "bad", "eid": "main"}]"#] + lines.suffix(60))
        let store = try temporaryStore(self)
        _ = try store.apply(Array(all[..<300]))
        let first = try epochReads(store)
        let r = try store.seal()
        XCTAssertEqual(r.epochsSealed, 300, "every epoch (0 … 300) but the newest")
        XCTAssertEqual(r.epochRunsWritten, 1)
        XCTAssertEqual(try rows(store), 1)
        XCTAssertEqual(try epochReads(store), first)
        XCTAssertEqual(try store.check(), [])

        // Appended to, then sealed again: the run is continued, the failed epoch stays a row
        // and ends it, the newest stays a row.
        _ = try store.apply(Array(all[300...]))
        let second = try epochReads(store)
        let again = try store.seal()
        XCTAssertEqual(try epochReads(store), second)
        XCTAssertEqual(try store.check(), [])
        let failed = try XCTUnwrap(try store.epochs().first { $0.status == "failed" }?.epoch)
        let last = try store.lastEpoch
        XCTAssertEqual(try runs(store).map { [$0.first, $0.last] }, [[0, failed - 1], [failed + 1, last - 1]])
        XCTAssertEqual(try rows(store), 2)
        XCTAssertEqual(again.epochsSealed, Int(last - 300 - 1), "300 … last - 1 but the failed one")
    }

    func testRunsHoldAtMostTheirCapacityAndShortOnesWait() throws {
        let store = try trainingStore(steps: 30)
        let last = try store.lastEpoch
        let before = try epochReads(store)
        let report = try store.write(alone: true) { ctx in
            try ctx.db.transaction(.immediate) { try EpochSealer(db: ctx.db, capacity: 8, minimum: 5).sealAll() }
        }
        XCTAssertEqual(try epochReads(store), before)
        let runs = try runs(store)
        XCTAssertTrue(runs.allSatisfy { $0.last - $0.first + 1 <= 8 }, "\(runs)")
        // 0 … last-1 in runs of 8; a last run shorter than 5 stays rows.
        let sealed = (last / 8) * 8 + ((last % 8) >= 5 ? last % 8 : 0)
        XCTAssertEqual(Int64(report.epochsSealed), sealed)
        XCTAssertEqual(try rows(store), last + 1 - sealed)
        XCTAssertEqual(try store.check(), [])
    }

    /// `compact --before N` / `--keep-last` on sealed epochs: the epochs it compacts are
    /// counted, sealed or not, and a sealed epoch that changed a window dropped by the
    /// compaction forgets it as an epoch row does.
    func testCompactBeforeOnSealedEpochsCountsThemAndForgetsDroppedWindows() throws {
        let store = try temporaryStore(self)
        var lines = SealerTests.trainingLog(steps: 100)
        lines.append(#"["close", {"win": "acc", "eid": "main"}]"#)
        lines += SealerTests.trainingLog(steps: 100).dropFirst(2).filter { $0.contains(#""win": "loss""#) }.map {
            $0.replacingOccurrences(of: #""x": ["#, with: #""x": [1"#)
        }
        _ = try store.apply(try parsed(lines))
        _ = try store.seal()
        XCTAssertGreaterThan(try runs(store).count, 0)
        let accWindow = try store.read(asOf: nil) { db, _ in
            try db.int("SELECT window_id FROM window WHERE wid = 'acc'", [])
        }
        let before = try records(store)
        let closed = try XCTUnwrap(try store.epochs().first { $0.endpoint == "close" }?.epoch)
        let r = try store.compact(before: closed + 5)
        XCTAssertEqual(r.epochsCompacted, Int(closed + 5))
        // The same epochs, but those that changed the dropped window `acc` name no window now.
        let expected = before.map { $0.replacingOccurrences(of: "window \(accWindow!)", with: "window -1") }
        XCTAssertNotEqual(expected, before)
        XCTAssertEqual(try records(store), expected)
        XCTAssertEqual(try store.check(), [])
        // --keep-last 1: all but the newest epoch compacted, counted once.
        let last = try store.lastEpoch
        let again = try store.compact(before: last)
        XCTAssertEqual(Int64(again.epochsCompacted), last - (closed + 5))
        XCTAssertEqual(try store.compact(before: last).epochsCompacted, 0)
        XCTAssertEqual(try records(store), expected)
        XCTAssertEqual(try store.check(), [])
    }

    /// Many kinds in no order (40 windows, appended to at random): each kind is stored once,
    /// and every epoch reads back as it was.
    func testManyKindsInNoOrderAreEachStoredOnce() throws {
        var rng = SplitMix64(seed: 3)
        var lines = (0..<40).map {
            #"["events", {"data": [{"x": [0], "y": [0], "name": "a", "type": "scatter"}], "win": "w\#($0)", "eid": "main", "layout": {}, "opts": {}}]"#
        }
        for i in 1...400 {
            lines.append(
                #"["update", {"data": [{"x": [\#(i)], "y": [\#(i)]}], "win": "w\#(rng.next() % 40)", "eid": "main", "append": true}]"#
            )
        }
        let store = try temporaryStore(self)
        _ = try store.apply(try parsed(lines))
        XCTAssertEqual(Set(try store.epochs().map(\.status)), ["ok"])
        let before = try records(store)
        XCTAssertEqual(try store.seal().epochRunsWritten, 1)
        XCTAssertEqual(try records(store), before)
        let kinds = try store.read(asOf: nil) { db, _ in
            try db.one("SELECT \(EpochRun.columns) FROM epoch_run", []) { try EpochRun($0) }?.kinds.count
        }
        XCTAssertEqual(kinds, 1 + 40 + 40, "epoch 0's, and an events and an update kind per window")
        XCTAssertEqual(try store.check(), [])
    }
}
