import Foundation
import XCTest

@testable import LogStore

/// Sealing (`LogStore.seal`, `Sealer`) rewrites segments as blocks and changes no read, as of
/// any epoch: exports (contentID included), listings, changes and the epoch log (every field
/// of every epoch, sealed into runs by `EpochSealer` too) print the same before and after,
/// and `check` passes.
final class SealerTests: XCTestCase {
    /// `store`, which applied `all`, read as of each epoch n equals a new store that applied
    /// the first n messages: the sealed history answers as-of reads as the rows did.
    func assertEveryEpochReadsAsItsPrefix(_ store: LogStore, _ all: [LogStore.Message]) throws {
        try Self.assertEveryEpochReadsAsItsPrefix(store, all, in: self)
    }

    static func assertEveryEpochReadsAsItsPrefix(_ store: LogStore, _ all: [LogStore.Message], in test: XCTestCase)
        throws
    {
        let prefix = try temporaryStore(test)
        for (n, m) in all.enumerated() {
            try prefix.apply(m)
            XCTAssertEqual(
                JSONWriter.string(try store.exportEnv("main", asOf: Int64(n + 1))),
                JSONWriter.string(try prefix.exportEnv("main")),
                "after epoch \(n + 1)")
        }
    }

    /// Everything a read as of each epoch returns, as text (store bytes aside: sealing is meant
    /// to change them).
    static func snapshot(_ store: LogStore) throws -> [String] {
        let last = try store.lastEpoch
        var out: [String] = []
        for n in 0...last {
            for env in try store.envNames(asOf: n) {
                out.append("\(n) \(env) " + JSONWriter.string(try store.exportEnv(env, asOf: n)))
                for w in try store.listWindows(env: env, asOf: n) { out.append("\(n) \(env) \(w)") }
                out.append("\(n) \(env) changes " + JSONWriter.string(try store.changes(env: env, since: n).json))
            }
            for e in try store.listEnvs(asOf: n) {
                out.append("\(n) \(e.name) \(e.windows) \(e.points) \(e.lastEpoch)")
            }
            out.append(
                "\(n) added \(try store.pointsAdded(sinceEpoch: n)) kept \(try store.pointsKept(writtenIn: [0...n]))")
        }
        var changes: [String] = []
        try store.forEachEpoch(EpochFilter(), changes: true) { record, list in
            changes.append(String(describing: record) + " " + String(describing: list))
        }
        return out + changes
    }

    func messages(_ scenario: String) throws -> [LogStore.Message] {
        let log = repositoryRoot.appendingPathComponent("Tests/Fixtures/scenarios/\(scenario)/log.jsonl")
        let text = try String(contentsOf: log, encoding: .utf8)
        return try text.split(separator: "\n").enumerated().map { i, line in
            try LogLine.parse(ArraySlice(Array(line.utf8)), place: "\(scenario):\(i + 1)")
        }
    }

    /// A training loop: two windows appended one step at a time, interleaved, with ints, floats
    /// from float32, NaN, ±Infinity, -0.0, null and a string among the values.
    static func trainingLog(steps: Int, seed: UInt64 = 7) -> [String] {
        var rng = SplitMix64(seed: seed)
        var lines = [
            #"["events", {"data": [{"x": [0], "y": [1.5], "name": "loss", "type": "scatter", "mode": "lines"}], "win": "loss", "eid": "main", "layout": {}, "opts": {}}]"#,
            #"["events", {"data": [{"x": [0.0], "y": [0.25], "name": "acc", "type": "scatter", "mode": "lines"}], "win": "acc", "eid": "main", "layout": {}, "opts": {}}]"#,
        ]
        var loss: Float = 1.5
        for step in 1..<steps {
            loss *= 0.99 + Float(rng.next() % 100) / 10_000
            let y: String
            switch step % 97 {
            case 13: y = "NaN"
            case 29: y = "Infinity"
            case 31: y = "-Infinity"
            case 43: y = "-0.0"
            case 57: y = "null"
            case 71: y = "\"x\""
            default: y = PythonFloat.repr(Double(loss))
            }
            lines.append(
                #"["update", {"data": [{"x": [\#(step)], "y": [\#(y)]}], "win": "loss", "eid": "main", "append": true, "opts": {}, "layout": {}}]"#
            )
            if step % 3 == 0 {
                let acc = PythonFloat.repr(Double(Float(step) / Float(steps)))
                lines.append(
                    #"["update", {"data": [{"x": [\#(Double(step))], "y": [\#(acc)]}], "win": "acc", "eid": "main", "append": true, "opts": {}, "layout": {}}]"#
                )
            }
        }
        return lines
    }

    func parsed(_ lines: [String]) throws -> [LogStore.Message] {
        try lines.enumerated().map { i, line in try LogLine.parse(ArraySlice(Array(line.utf8)), place: "t:\(i + 1)") }
    }

    func blocks(_ store: LogStore) throws -> Int {
        try store.read(asOf: nil) { db, _ in Int(try db.int("SELECT count(*) FROM block", []) ?? 0) }
    }

    func assertSealingKeepsEveryRead(_ all: [LogStore.Message], _ label: String, capacity: Int64? = nil) throws {
        let store = try temporaryStore(self)
        let half = all.count / 2
        _ = try store.apply(Array(all[..<half]))
        let sealedOnce = try store.seal()
        XCTAssertEqual(try store.check(), [], label)
        _ = try store.apply(Array(all[half...]))
        let before = try Self.snapshot(store)
        let report = try store.seal()
        XCTAssertEqual(try store.check(), [], label)
        let after = try Self.snapshot(store)
        XCTAssertEqual(before.count, after.count, label)
        for (b, a) in zip(before, after) where b != a {
            XCTFail("\(label): sealing changed\n  \(b)\nto\n  \(a)")
            break
        }
        _ = (sealedOnce, report)
    }

    func testSealingATrainingLogKeepsEveryEpochsReadsAndCompresses() throws {
        let all = try parsed(Self.trainingLog(steps: 300))
        try assertSealingKeepsEveryRead(all, "training")
        let store = try temporaryStore(self)
        _ = try store.apply(all)
        let r = try store.seal()
        XCTAssertGreaterThan(r.segmentsSealed, 250)
        XCTAssertEqual(r.blocksWritten, 4)  // x and y of two windows
        XCTAssertEqual(try blocks(store), 4)
        // Appends after sealing continue the series (seq and total from the blocks).
        try store.apply(.update, #"{"data": [{"x": [300], "y": [0.5]}], "win": "loss", "eid": "main", "append": true}"#)
        let x = try store.exportWindow(env: "main", window: "loss")
        let xs = x.objectValue?["content"]?.objectValue?["data"]?.arrayValue?.first?.objectValue?["x"]?.arrayValue
        XCTAssertEqual(xs?.count, 301)
        XCTAssertEqual(xs?.last, .int(300))
        XCTAssertEqual(try store.check(), [])
    }

    func testSealingEveryScenarioKeepsEveryEpochsReads() throws {
        let dir = repositoryRoot.appendingPathComponent("Tests/Fixtures/scenarios")
        let names = try FileManager.default.contentsOfDirectory(atPath: dir.path).sorted()
            .filter { !$0.hasPrefix("diff_seed") || $0.hasSuffix("0") }
        XCTAssertGreaterThan(names.count, 40)
        for name in names
        where FileManager.default.fileExists(atPath: dir.appendingPathComponent("\(name)/log.jsonl").path) {
            try assertSealingKeepsEveryRead(try messages(name), name)
        }
    }

    /// The writer seals a series of one-point appends every `Sealer.writerRun` segments; reads
    /// as of every epoch stay what a store that received only the messages up to it holds.
    func testTheWriterSealsLongRunsOfSmallAppendsAndEveryEpochStaysReadable() throws {
        let all = try parsed(Self.trainingLog(steps: 2 * Int(Sealer.writerRun) + 20))
        let full = try temporaryStore(self)
        _ = try full.apply(all)
        XCTAssertEqual(try blocks(full), 4, "x and y of loss, sealed twice")  // acc gets a point every 3 steps
        XCTAssertEqual(try full.check(), [])
        try assertEveryEpochReadsAsItsPrefix(full, all)
        let before = try Self.snapshot(full)
        _ = try full.seal()
        XCTAssertEqual(try blocks(full), 4, "compact merges the writer's blocks: one per series")
        XCTAssertEqual(try Self.snapshot(full), before)
    }

    /// Series appended to in turn (here 32 windows, as a script's plots) reach their seals in
    /// different messages (`Sealer.writerSeals`): no epoch seals two windows, so no group
    /// commit holds many seals; a trace's x and y, appended in one pack row each step, are
    /// sealed together, in one epoch; every series is sealed within a run and a bit of appends,
    /// and `compact` after changes no read.
    func testSeriesAppendedInTurnAreSealedInDifferentMessages() throws {
        let windows = 32
        let rounds = Int(Sealer.writerRun) + 2
        var lines: [String] = []
        for w in 0..<windows {
            lines.append(
                #"["events", {"data": [{"x": [0], "y": [0.5], "name": "t", "type": "scatter", "mode": "lines"}], "win": "w\#(w)", "eid": "main", "layout": {}, "opts": {}}]"#
            )
        }
        for step in 1...rounds {
            for w in 0..<windows {
                lines.append(
                    #"["update", {"data": [{"x": [\#(step)], "y": [\#(Double(step) / 8)]}], "win": "w\#(w)", "eid": "main", "append": true}]"#
                )
            }
        }
        let store = try temporaryStore(self)
        _ = try store.apply(try parsed(lines))
        func count(_ what: String) throws -> Int64 {
            try store.read(asOf: nil) { db, _ in try db.int("SELECT count(\(what)) FROM block", []) ?? 0 }
        }
        let (blockCount, sealingEpochs, sealedSeries) = (
            try count("*"), try count("DISTINCT last_epoch"), try count("DISTINCT series_id")
        )
        XCTAssertEqual(sealedSeries, Int64(2 * windows), "every x and y series sealed")
        XCTAssertGreaterThanOrEqual(blockCount, Int64(2 * windows))
        XCTAssertEqual(sealingEpochs * 2, blockCount, "each window's x and y in an epoch of its own")
        XCTAssertEqual(try store.check(), [])
        let before = try store.exportEnv("main")
        _ = try store.seal()
        XCTAssertEqual(JSONWriter.string(try store.exportEnv("main")), JSONWriter.string(before))
    }

    /// The writer seals a pack's series together, so their pack rows leave whole; a series
    /// sealed apart from its pack's others (`sealRecent` of x alone) leaves packs holding the
    /// others' parts; either way every epoch reads as its prefix did and `check` passes.
    func testSealingTakesSealedPartsOutOfPackRows() throws {
        let all = try parsed(Self.trainingLog(steps: 40))
        let store = try temporaryStore(self)
        _ = try store.apply(all)
        func packParts() throws -> [Int] {
            try store.read(asOf: nil) { db, _ in
                try db.all("SELECT data FROM segment WHERE series_id = 0 ORDER BY rowid", []) { st in
                    var row = st.columns
                    return try row.withBlob { try SegmentPack.parts($0).count }
                }
            }
        }
        let before = try packParts()
        XCTAssertEqual(Set(before), [2], "x and y of one trace per pack")
        try store.write { ctx in
            let x = try XCTUnwrap(try ctx.db.int("SELECT min(series_id) FROM series", []))
            let w = try XCTUnwrap(try ctx.db.int("SELECT window_id FROM series WHERE series_id = ?", [.integer(x)]))
            try Sealer(db: ctx.db).sealRecent(x, window: w)
        }
        let after = try packParts()
        XCTAssertEqual(after.count, before.count, "each pack keeps its y")
        XCTAssertTrue(after.contains(1), "the first window's packs lost their x")
        XCTAssertEqual(try store.check(), [])
        try assertEveryEpochReadsAsItsPrefix(store, all)
        _ = try store.apply(
            Array(try parsed(Self.trainingLog(steps: 3 * Int(Sealer.writerRun))).suffix(from: all.count)))
        XCTAssertEqual(try store.check(), [])
        let snapshot = try Self.snapshot(store)
        _ = try store.seal()
        XCTAssertEqual(try packParts(), [], "compact unpacks and seals every pack")
        XCTAssertEqual(try Self.snapshot(store), snapshot)
    }

    /// The writer seals only small segments: after a bulk import (segments of many values) its
    /// seals leave the bulk-written rows as they are (same rowids and bytes), seal the small
    /// segments before a big one, and every epoch reads as before; `compact` seals the rest.
    func testTheWriterNeverRewritesBulkWrittenSegments() throws {
        func points(_ from: Int, _ n: Int) -> String {
            let xs = (from..<from + n).map(String.init).joined(separator: ",")
            let ys = (from..<from + n).map { PythonFloat.repr(Double($0) / 7) }.joined(separator: ",")
            return #"{"x": [\#(xs)], "y": [\#(ys)]}"#
        }
        func update(_ win: String, _ from: Int, _ n: Int) -> String {
            #"["update", {"data": [\#(points(from, n))], "win": "\#(win)", "eid": "main", "append": true}]"#
        }
        func trace(_ name: String, _ n: Int) -> String {
            String(points(0, n).dropLast()) + #", "name": "\#(name)", "type": "scatter", "mode": "lines"}"#
        }
        let run = Int(Sealer.writerRun)
        // "bulk": 100 points, then 64 (big segments), then one-point appends past a seal.
        // "mixed": one-point appends (sealed by the writer), one big append, one-point appends.
        var lines = [
            #"["events", {"data": [\#(trace("bulk", 100))], "win": "bulk", "eid": "main", "layout": {}, "opts": {}}]"#,
            update("bulk", 100, 64),
            #"["events", {"data": [\#(trace("mixed", 1))], "win": "mixed", "eid": "main", "layout": {}, "opts": {}}]"#,
        ]
        for i in 0..<(run + 60) { lines.append(update("mixed", 1 + i, 1)) }
        lines.append(update("mixed", 1000, 50))
        for i in 0..<(run + 10) {
            lines.append(update("bulk", 164 + i, 1))
            lines.append(update("mixed", 1050 + i, 1))
        }
        let all = try parsed(lines)
        let store = try temporaryStore(self)
        func bigRows() throws -> [String] {
            try store.read(asOf: nil) { db, _ in
                var out: [String] = []
                try db.forEach(
                    "SELECT rowid, series_id, seq, count, hex(data) FROM segment WHERE count > 8 ORDER BY rowid", []
                ) { st in
                    var row = st.columns
                    out.append("\(row.int64()) \(row.int64()) \(row.int64()) \(row.int64()) \(row.text())")
                }
                return out
            }
        }
        XCTAssertEqual(try store.apply(Array(all[..<3])).map { $0.outcome.isOK }, [true, true, true])
        let bulkRows = try bigRows()
        XCTAssertEqual(bulkRows.count, 4, "x and y of bulk: 100 and 64 values; mixed's first point is small")
        _ = try store.apply(Array(all[3...]))
        let after = try bigRows()
        XCTAssertEqual(Array(after.prefix(bulkRows.count)), bulkRows, "the bulk-written rows are untouched")
        XCTAssertEqual(after.count, bulkRows.count + 2, "mixed's 50-point append (x and y) stays a segment too")
        let (bulkBlocks, mixedBlocks) = try store.read(asOf: nil) { db, _ in
            func blocks(_ win: String) throws -> [String] {
                var out: [String] = []
                try db.forEach(
                    """
                    SELECT b.series_id, b.first_seq, b.last_seq FROM block b JOIN window w ON w.window_id = b.window_id
                    WHERE w.wid = ? ORDER BY b.series_id, b.first_seq
                    """, [.text(win)]
                ) { st in
                    var row = st.columns
                    out.append("\(row.int64()): \(row.int64())-\(row.int64())")
                }
                return out
            }
            return (try blocks("bulk"), try blocks("mixed"))
        }
        XCTAssertEqual(bulkBlocks, [], "a series that starts with a bulk segment is left to compact")
        // mixed, whose x series s starts its count at s % run (`Sealer.writerSeals`): seqs
        // 0...(run - s % run - 1) sealed then, the rest up to the big segment one run later;
        // the big segment (seq 1 + run + 60) and what follows it stay segments.
        let big = 1 + run + 60
        let mixedSeries = try store.read(asOf: nil) { db, _ in
            var ids: [Int64] = []
            try db.forEach(
                "SELECT s.series_id FROM series s JOIN window w ON w.window_id = s.window_id WHERE w.wid = 'mixed' ORDER BY 1",
                []
            ) { st in ids.append(st.int64(0)) }
            return ids
        }
        XCTAssertEqual(mixedSeries.count, 2)
        XCTAssertNotEqual(mixedSeries[0] % Int64(run), 0, "the first block ends early (else this test shows less)")
        // x's seal points seal x and y together (their appends are pack rows).
        let first = run - Int(mixedSeries[0] % Int64(run))
        XCTAssertEqual(
            mixedBlocks, mixedSeries.flatMap { s in ["\(s): 0-\(first - 1)", "\(s): \(first)-\(big - 1)"] })
        XCTAssertEqual(try store.check(), [])
        try assertEveryEpochReadsAsItsPrefix(store, all)
        let before = try Self.snapshot(store)
        _ = try store.seal()
        XCTAssertEqual(try store.read(asOf: nil) { db, _ in try db.int("SELECT count(*) FROM segment", []) }, 0)
        XCTAssertEqual(try Self.snapshot(store), before)
        XCTAssertEqual(try store.check(), [])
    }

    func testBlocksHoldAtMostTheirCapacityAndRefillTheLastOne() throws {
        let store = try temporaryStore(self)
        _ = try store.apply(try parsed(Self.trainingLog(steps: 50)))
        try store.write(alone: true) { ctx in
            try ctx.db.transaction(.immediate) { _ = try Sealer(db: ctx.db, capacity: 8).sealAll() }
        }
        let sizes = try store.read(asOf: nil) { db, _ in
            var out: [Int64] = []
            try db.forEach("SELECT count FROM block ORDER BY series_id, first_seq", []) { out.append($0.int64(0)) }
            return out
        }
        XCTAssertTrue(sizes.allSatisfy { $0 <= 8 }, "\(sizes)")
        XCTAssertEqual(try store.check(), [])
        let before = try Self.snapshot(store)
        _ = try store.seal()  // refills each series' last block up to 64 Ki values
        XCTAssertEqual(try Self.snapshot(store), before)
        XCTAssertEqual(try store.check(), [])
    }

    func testForkAsOfAnEpochInsideABlockCopiesWhatThatEpochHeld() throws {
        let store = try temporaryStore(self)
        _ = try store.apply(try parsed(Self.trainingLog(steps: 40)))
        let expected = try store.exportWindow(env: "main", window: "loss", asOf: 20).objectValue?["content"]
        _ = try store.seal()
        XCTAssertGreaterThan(try blocks(store), 0)
        try store.forkEnv("main", to: "early", asOf: 20)
        let copy = try store.exportWindow(env: "early", window: "loss").objectValue?["content"]
        XCTAssertEqual(JSONWriter.string(copy ?? .null), JSONWriter.string(expected ?? .null))
        XCTAssertEqual(try store.check(), [])
    }

    func testCompactingHistoryAwayAfterSealingKeepsLaterReads() throws {
        let store = try temporaryStore(self)
        let all = try parsed(Self.trainingLog(steps: 200))
        _ = try store.apply(Array(all[..<150]))
        _ = try store.seal()
        _ = try store.apply(Array(all[150...]))
        let last = try store.lastEpoch
        let mid = Int64(100)  // inside the blocks
        var before: [String] = []
        for n in mid...last { before.append(JSONWriter.string(try store.exportEnv("main", asOf: n))) }
        let r = try store.compact(before: mid)
        XCTAssertGreaterThan(r.segmentsSealed, 0)
        var after: [String] = []
        for n in mid...last { after.append(JSONWriter.string(try store.exportEnv("main", asOf: n))) }
        XCTAssertEqual(before, after)
        XCTAssertEqual(try store.check(), [])
    }

    func testCheckReportsABlockWhoseEpochsOrDataDoNotAddUp() throws {
        let store = try temporaryStore(self)
        _ = try store.apply(try parsed(Self.trainingLog(steps: 20)))
        _ = try store.seal()
        let path = store.path
        store.close()
        let db = try Connection(path: path, mode: .readWrite)
        try db.run("UPDATE block SET count = count + 1 WHERE rowid = (SELECT min(rowid) FROM block)", [])
        try db.run("UPDATE block SET data = x'04' WHERE rowid = (SELECT max(rowid) FROM block)", [])
        try db.close()
        let reopened = try LogStore(path: path)
        try reopened.apply(
            .update, #"{"data": [{"x": [20], "y": [0.5]}], "win": "loss", "eid": "main", "append": true}"#)
        try reopened.write { ctx in  // a block after that new segment breaks "blocks first"
            try SegmentPack.unpackAll(ctx.db)  // the append's pack row: its y is the last row
            try ctx.db.run(
                """
                INSERT INTO block(window_id, series_id, first_seq, last_seq, first_epoch, last_epoch, count, total, epochs, data)
                SELECT window_id, series_id, seq + 1, seq + 1, epoch, epoch, 1, total + 1, x'010001', x'010000'
                FROM segment WHERE rowid = (SELECT max(rowid) FROM segment)
                """, [])
        }
        let problems = try reopened.check()
        XCTAssertTrue(problems.contains { $0.hasSuffix("comes after a segment of its series") }, "\(problems)")
        XCTAssertTrue(problems.contains { $0.contains("block") && $0.contains("but its epochs hold") }, "\(problems)")
        XCTAssertTrue(problems.contains { $0.contains("block") && $0.contains("does not decode") }, "\(problems)")
    }
}
