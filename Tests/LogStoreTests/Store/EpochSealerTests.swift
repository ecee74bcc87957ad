import Foundation
import XCTest

@testable import LogStore

/// Sealing epoch rows into runs (`EpochSealer`, run by `compact` and by the writer as it goes):
/// every reader of epochs sees a sealed store as the unsealed one; runs are bounded, continued
/// by the next seal, never hold the newest epoch or a refused one; the writer's seals commit
/// and roll back with the epoch that made them, whatever its siblings in a batch do;
/// `compact --before` on sealed epochs counts them and makes them forget dropped windows as it
/// does rows.
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

    /// A store whose writer seals epoch rows every `every` epochs (0: never).
    func store(sealingEvery every: Int64) throws -> LogStore {
        var options = LogStore.Options()
        options.writerEpochRun = every
        return try temporaryStore(self, options: options)
    }

    /// `records`, their times left out: two stores that applied the same messages differ only there.
    func timeless(_ records: [String]) -> [String] {
        records.map {
            $0.replacingOccurrences(of: #"timeMS: -?[0-9]+"#, with: "timeMS: T", options: .regularExpression)
        }
    }

    /// A training log with a failed and a refused message every few dozen lines.
    func trainingWithFailures(steps: Int) throws -> [LogStore.Message] {
        var lines: [String] = []
        for (i, line) in SealerTests.trainingLog(steps: steps).enumerated() {
            lines.append(line)
            if i % 37 == 20 { lines.append(#"["events", {"data": 5, "win": "bad", "eid": "main"}]"#) }
            if i % 53 == 7 { lines.append(#"["update", {"win": "missing", "eid": "main", "data": []}]"#) }
        }
        return try parsed(lines)
    }

    func trainingStore(steps: Int) throws -> LogStore {
        let store = try temporaryStore(self)
        _ = try store.apply(try parsed(SealerTests.trainingLog(steps: steps)))
        return store
    }

    func testSealedThenAppendedThenSealedAgainEveryEpochReadsTheSame() throws {
        let lines = SealerTests.trainingLog(steps: 400)
        let all = try parsed(lines + [#"["events", {"data": 5, "win": "bad", "eid": "main"}]"#] + lines.suffix(60))
        let store = try store(sealingEvery: 0)  // `compact`'s seal alone
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

    /// The writer seals as it goes: every epoch, sealed or not, reads back exactly as the row it
    /// was while it was the newest (always a row), time included; reads of epochs and as-of
    /// reads equal those of a store whose writer seals nothing; failed and refused epochs and
    /// the newest stay rows; `check` passes.
    func testTheWriterSealsEpochsAsItGoesAndEachReadsAsTheRowItWas() throws {
        let all = try trainingWithFailures(steps: 240)
        let store = try store(sealingEvery: 16)
        var asRows = try records(store)
        for m in all {
            try store.apply(m)
            asRows.insert(try records(store, EpochFilter(limit: 1))[0], at: 0)
        }
        XCTAssertEqual(try records(store), asRows)
        let sealed = try runs(store)
        XCTAssertGreaterThan(sealed.count, 5)
        XCTAssertTrue(sealed.allSatisfy { $0.last - $0.first + 1 <= 32 }, "at most twice the writer's run: \(sealed)")
        let statuses = try store.epochs().map(\.status)
        let notOK = statuses.filter { $0 != "ok" }.count
        XCTAssertGreaterThan(notOK, 10)
        // Rows: the failed and refused epochs, the last few, and runs shorter than 16 that
        // start a seal's span and end at a failed epoch.
        XCTAssertLessThan(try rows(store), Int64(statuses.count / 2))
        XCTAssertEqual(try store.check(), [])

        let unsealed = try self.store(sealingEvery: 0)
        _ = try unsealed.apply(all)
        XCTAssertEqual(try runs(unsealed).count, 0)
        XCTAssertEqual(timeless(try SealerTests.snapshot(store)), timeless(try SealerTests.snapshot(unsealed)))
        try SealerTests.assertEveryEpochReadsAsItsPrefix(store, all, in: self)

        // `compact` after the writer: the same reads, the rows after the last run sealed.
        let before = try epochReads(store)
        let rowsBefore = try rows(store)
        XCTAssertGreaterThan(try store.seal().epochsSealed, 0)
        XCTAssertEqual(try epochReads(store), before)
        XCTAssertLessThan(try rows(store), rowsBefore)
        XCTAssertEqual(try store.check(), [])
        let merged = try runs(store)
        for (a, b) in zip(merged, merged.dropFirst()) {
            XCTAssertNotEqual(b.first, a.last + 1, "compact merged the writer's runs next to each other: \(merged)")
        }
    }

    /// `compact` merges the writer's runs (up to 512 epochs each, never rewritten by the writer)
    /// into full ones, reopening from the first that is not full and followed by another run.
    func testCompactMergesTheWritersRunsIntoFullOnes() throws {
        let store = try store(sealingEvery: 16)
        _ = try store.apply(try parsed(SealerTests.trainingLog(steps: 300)))
        let last = try store.lastEpoch
        XCTAssertGreaterThan(try runs(store).count, 20)
        let before = try epochReads(store)
        let report = try store.write(alone: true) { ctx in
            try ctx.db.transaction(.immediate) { try EpochSealer(db: ctx.db, capacity: 256).sealAll() }
        }
        XCTAssertEqual(report.runsWritten, 2)
        XCTAssertEqual(try runs(store).map { [$0.first, $0.last] }, [[0, 255], [256, last - 1]])
        XCTAssertEqual(try rows(store), 1)
        XCTAssertEqual(try epochReads(store), before)
        XCTAssertEqual(try store.check(), [])
    }

    /// The server applies many jobs in one transaction, each in a savepoint. A seal made by a
    /// job stays when a sibling after it fails (its savepoint alone is rolled back); a job that
    /// fails after its epoch sealed takes its seal with it, and the job that gets its number
    /// seals instead: the runs are those of the same good jobs applied one by one.
    func testAWritersSealInABatchStaysWhenASiblingFailsAndGoesWithItsOwnJob() throws {
        let all = try trainingWithFailures(steps: 150)
        let every: Int64 = 16
        let oneByOne = try store(sealingEvery: every)
        for m in all { try oneByOne.apply(m) }

        let batched = try store(sealingEvery: every)
        let writer = try XCTUnwrap(batched.writer)
        let gate = DispatchSemaphore(value: 0)
        let done = DispatchGroup()
        done.enter()
        writer.submit({ _ in gate.wait() }, complete: { _ in done.leave() })  // the others queue behind it
        struct Boom: Error {}
        nonisolated(unsafe) var failures = 0
        nonisolated(unsafe) var successes = 0
        let lock = NSLock()
        func submit(_ m: LogStore.Message, failing: Bool) {
            done.enter()
            writer.submit(
                { ctx in
                    _ = try LogStore.applyAll([m], progress: [], ctx)
                    if failing { throw Boom() }
                },
                complete: { result in
                    lock.lock()
                    switch result {
                    case .success: successes += 1
                    case .failure(let e): if e is Boom { failures += 1 }
                    }
                    lock.unlock()
                    done.leave()
                })
        }
        var failing = 0
        for (i, m) in all.enumerated() {
            let epoch = Int64(i + 1)
            // Before a sealing epoch, a job that gets its number, seals and fails; after it, a
            // sibling that fails after the seal.
            if epoch % every == 0 {
                submit(m, failing: true)
                failing += 1
            }
            submit(m, failing: false)
            if epoch % every == 0 {
                submit(all[0], failing: true)
                failing += 1
            }
        }
        gate.signal()
        done.wait()
        XCTAssertEqual(failures, failing)
        XCTAssertEqual(successes, all.count)
        XCTAssertEqual(try batched.lastEpoch, Int64(all.count))
        let expected = try runs(oneByOne).map { [$0.first, $0.last] }
        XCTAssertGreaterThan(expected.count, 3)
        XCTAssertEqual(try runs(batched).map { [$0.first, $0.last] }, expected)
        XCTAssertEqual(timeless(try records(batched)), timeless(try records(oneByOne)))
        XCTAssertEqual(try batched.check(), [])
        XCTAssertEqual(try oneByOne.check(), [])
    }

    /// A row is sealed as the kind it is, not the one expected after the epoch before it (the
    /// seal compares a row with that kind field by field): rows differing from their neighbours'
    /// kind in one field only — NULL against empty env or win, NULL, 0 or -1 against window 1,
    /// a source with or without a line number (`train.py:`, `train.py:010`), a detail, an
    /// endpoint — in orders that make every one of them the expected kind and then not, each
    /// read back from the run exactly as the row it was, each kind stored once.
    func testRowsOneFieldApartFromTheExpectedKindAreEachTheirOwnKind() throws {
        let db = try epochTables(self)
        // A `numbered` row's source is `source` followed by a line.
        typealias Row = (
            source: String, numbered: Bool, endpoint: String, env: String?, win: String?, detail: String, window: Int64?
        )
        let a: Row = ("train.py:", true, "update", "main", "w", "", 1)
        var twins = [Row](repeating: a, count: 12)
        twins[0].env = nil
        twins[1].env = ""
        twins[2].win = nil
        twins[3].win = ""
        twins[4].window = nil
        twins[5].window = 0
        twins[6].window = -1
        twins[7].detail = "x"
        twins[8].endpoint = "updatf"
        twins[9].source = "train.pz:"
        twins[10].numbered = false  // `train.py:`
        twins[11] = ("train.py:010", false, "update", "main", "w", "", 1)  // no line: a leading 0
        var rows: [(row: Row, line: Int64?)] = []
        for twin in twins {
            for r in [a, a, twin, a, twin, twin, a, twin] {
                rows.append((r, r.numbered ? Int64(rows.count + 10) : nil))
            }
        }
        rows.append((a, 1))  // the newest epoch, left a row
        for (i, (r, line)) in rows.enumerated() {
            try db.run(
                "INSERT INTO epoch VALUES (?, ?, ?, ?, ?, ?, 'ok', ?, ?)",
                [
                    .integer(Int64(i)), .integer(Int64(1000 + i % 7)), .text(r.source + (line.map(String.init) ?? "")),
                    .text(r.endpoint), r.env.map { .text($0) } ?? .null, r.win.map { .text($0) } ?? .null,
                    .text(r.detail), r.window.map { .integer($0) } ?? .null,
                ])
        }
        let report = try EpochSealer(db: db).sealAll()
        XCTAssertEqual(report.runsWritten, 1)
        XCTAssertEqual(report.epochsSealed, rows.count - 1)
        let run = try XCTUnwrap(try db.one("SELECT \(EpochRun.columns) FROM epoch_run", []) { try EpochRun($0) })
        XCTAssertEqual(run.kinds.count, 1 + twins.count)
        let epochs = try run.epochs()
        XCTAssertEqual(epochs.count, rows.count - 1)
        for (e, (r, line)) in zip(epochs, rows) {
            let (record, window) = run.record(e)
            let expected = EpochRecord(
                epoch: e.epoch, timeMS: 1000 + e.epoch % 7, source: r.source + (line.map(String.init) ?? ""),
                endpoint: r.endpoint, env: r.env, window: r.win, status: "ok", detail: r.detail)
            XCTAssertEqual(record, expected)
            XCTAssertEqual(window, r.window, "epoch \(e.epoch)")
        }
    }

    /// Only ok epochs are sealed, even when a run `compact` reopens holds a kind of another
    /// status (no seal writes one): refused rows of that very kind after it stay rows.
    func testRowsThatAreNotOkStayRowsWhateverTheKindExpected() throws {
        let db = try epochTables(self)
        var refused = EpochRunTests.kind("api")
        refused.status = Array("refused".utf8)
        try EpochRun(kinds: [refused], epochs: (0..<4).map { .init(epoch: $0, timeMS: 5, kind: 0) }).insert(db)
        for epoch: Int64 in 4...9 {
            try db.run(
                "INSERT INTO epoch VALUES (?, 5, 'api', 'update', 'main', 'loss', 'refused', 'loss', 1)",
                [.integer(epoch)])
        }
        let report = try EpochSealer(db: db, minimum: 2).sealAll()
        XCTAssertEqual(report.runsWritten, 1, "the reopened run, written again")
        XCTAssertEqual(report.epochsSealed, 0)
        XCTAssertEqual(try db.ints("SELECT epoch FROM epoch ORDER BY epoch", []), Array(4...9) as [Int64])
        XCTAssertEqual(try db.ints("SELECT last_epoch FROM epoch_run", []), [3])
    }
}
