import XCTest

@testable import LogStore

/// A sealed run's record (`EpochRun`): what it is built from decodes back exactly, `FILE:LINE`
/// sources are split only where joining them again gives the same bytes, kinds compare bytes,
/// and a corrupt record is an error, not a wrong answer.
final class EpochRunTests: XCTestCase {
    typealias Kind = EpochRun.Kind

    static func kind(
        _ source: String, numbered: Bool = false, endpoint: String = "update", env: String? = "main",
        win: String? = "loss", detail: String = "loss", window: Int64? = 1
    ) -> Kind {
        Kind(
            source: Array(source.utf8), numbered: numbered, endpoint: Array(endpoint.utf8),
            env: env.map { Array($0.utf8) },
            win: win.map { Array($0.utf8) }, status: Array("ok".utf8), detail: Array(detail.utf8), windowID: window)
    }

    func testARunDecodesToTheEpochsItWasBuiltFrom() throws {
        let kinds = [
            Self.kind("train.jsonl:", numbered: true), Self.kind("api", env: nil, win: nil, detail: "", window: nil),
            Self.kind("a:", numbered: true, window: -5),
        ]
        // Times that go back (a clock set back), lines that jump and go back, every kind.
        let epochs: [EpochRun.Epoch] = [
            .init(epoch: 40, timeMS: 1_765_000_000_000, kind: 0, line: 7),
            .init(epoch: 41, timeMS: 1_765_000_000_005, kind: 0, line: 8),
            .init(epoch: 42, timeMS: 1_764_999_999_000, kind: 1, line: nil),
            .init(epoch: 43, timeMS: 1_765_000_000_005, kind: 2, line: 3),
            .init(epoch: 44, timeMS: .max, kind: 0, line: Int64(999_999_999_999_999_999)),
            .init(epoch: 45, timeMS: .min, kind: 2, line: 0),
        ]
        let run = EpochRun(kinds: kinds, epochs: epochs)
        XCTAssertEqual([run.firstEpoch, run.lastEpoch, run.minTimeMS, run.maxTimeMS], [40, 45, .min, .max])
        XCTAssertEqual(try run.epochs(), epochs)
        let decoded = try EpochRun.encodeKinds(kinds).withUnsafeBytes { try EpochRun.decodeKinds($0) }
        XCTAssertEqual(decoded, kinds)
        let records = try run.epochs().map { run.record($0) }
        XCTAssertEqual(records[0].0.source, "train.jsonl:7")
        XCTAssertEqual(records[2].0.source, "api")
        XCTAssertNil(records[2].0.env)
        XCTAssertNil(records[2].window)
        XCTAssertEqual(records[3].window, -5)
        XCTAssertEqual(records[4].0.source, "train.jsonl:999999999999999999")
    }

    func testOnlyLineNumbersWrittenAsStringWritesThemAreSplit() {
        func split(_ s: String) -> String? {
            EpochRun.splitLine(Array(s.utf8)).map { String(decoding: $0.prefix, as: UTF8.self) + "|\($0.line)" }
        }
        XCTAssertEqual(split("log.jsonl:12"), "log.jsonl:|12")
        XCTAssertEqual(split("a:1:2"), "a:1:|2")
        XCTAssertEqual(split(":0"), ":|0")
        for kept in ["api", "serve", "a:", "a:012", "a:-1", "a:+1", "a:1x", "a:1234567890123456789", "a:１"] {
            XCTAssertNil(split(kept), kept)
        }
    }

    /// NFC and NFD spellings of one name are two kinds (Swift's `String ==` would merge them).
    func testKindsCompareBytesNotCanonicalEquivalence() throws {
        let nfc = Self.kind("api", env: "caf\u{E9}")
        let nfd = Self.kind("api", env: "cafe\u{301}")
        XCTAssertNotEqual(nfc, nfd)
        let run = EpochRun(
            kinds: [nfc, nfd], epochs: [.init(epoch: 1, timeMS: 0, kind: 0), .init(epoch: 2, timeMS: 0, kind: 1)])
        let records = try run.epochs().map { Array(run.record($0).0.env!.utf8) }
        XCTAssertEqual(records, [Array("caf\u{E9}".utf8), Array("cafe\u{301}".utf8)])
    }

    func testACorruptRecordIsAnError() throws {
        let kinds = [Self.kind("api")]
        let good = EpochRun(kinds: kinds, epochs: (0..<4).map { .init(epoch: $0, timeMS: 10, kind: 0) })
        func run(lastEpoch: Int64 = 3, data: [UInt8]) throws -> EpochRun {
            let path = try temporaryDirectory(self).appendingPathComponent("r.db").path
            let db = try Connection(path: path, mode: .readWriteCreate)
            defer { try? db.close() }
            try db.execute(Schema.epochRunTable)
            try db.run(
                "INSERT INTO epoch_run VALUES (0, ?, 10, 10, ?, ?)",
                [.integer(lastEpoch), .blob(EpochRun.encodeKinds(kinds)), .blob(data)])
            return try XCTUnwrap(try db.one("SELECT \(EpochRun.columns) FROM epoch_run", []) { try EpochRun($0) })
        }
        XCTAssertEqual(try run(data: good.data).epochs().count, 4)
        XCTAssertThrowsError(try run(lastEpoch: 4, data: good.data).epochs())  // one epoch short
        XCTAssertThrowsError(try run(lastEpoch: 2, data: good.data).epochs())  // one too many
        XCTAssertEqual(good.data, [4, 4, 4, 4])
        XCTAssertThrowsError(try run(data: [8, 8, 8, 8]).epochs())  // kind 1 of 1
        XCTAssertThrowsError(try run(data: [2, 2, 2, 2]).epochs())  // codes 1 … 3 mean nothing
        XCTAssertThrowsError(try run(data: [6, 2, 6, 2, 6, 2, 6, 2]).epochs())  // a line delta, but "api"
        XCTAssertThrowsError(try run(data: [4, 0, 2, 3]).epochs())  // a copy from before the first epoch
        XCTAssertEqual(try run(data: [4, 0, 1, 3]).epochs().count, 4)  // 1 epoch, then 3 copies of it
        XCTAssertThrowsError(try run(data: [0, 0x80]).epochs())  // truncated varint
        XCTAssertThrowsError(try [2, 0].withUnsafeBytes { try EpochRun.decodeKinds($0) })
    }

    /// A training loop's epochs (three windows in turn, one log line each) cost one or two bytes
    /// each (kind and flags, time step) where they do not repeat, next to nothing where they
    /// repeat with the loop's period (a copy), and read back exactly either way.
    func testATrainingLoopsEpochsCostACopyWhereTheyRepeat() throws {
        let kinds = (1...3).map { Self.kind("/runs/train.jsonl:", numbered: true, win: "w\($0)", window: Int64($0)) }
        var rng = SplitMix64(seed: 11)
        for (step, jitter) in [(7, false), (0, false), (7, true)] as [(Int64, Bool)] {
            var time: Int64 = 1_765_000_000_000
            let epochs = (0..<4096).map { i -> EpochRun.Epoch in
                time += step + (jitter ? Int64(rng.next() % 3) : 0)
                return EpochRun.Epoch(epoch: Int64(i), timeMS: time, kind: i % 3, line: Int64(i + 1))
            }
            let run = EpochRun(kinds: kinds, epochs: epochs)
            XCTAssertEqual(try run.epochs(), epochs)
            if jitter {
                XCTAssertLessThan(run.data.count, 2 * 4096)
                XCTAssertGreaterThan(run.data.count, 4096 / 2)
            } else {
                XCTAssertLessThan(run.data.count, 12, "\(run.data)")
            }
        }
    }

    /// docs/FORMAT.md, "Sealed epoch runs", worked example: the bytes it shows.
    func testTheWorkedExampleOfTheFormatDocument() throws {
        let t: Int64 = 1_765_000_000_000
        let kinds = [
            Self.kind("init", endpoint: "create", win: nil, detail: "", window: nil),
            Self.kind("f:", numbered: true, endpoint: "events"), Self.kind("f:", numbered: true),
        ]
        let run = EpochRun(
            kinds: kinds,
            epochs: [
                .init(epoch: 0, timeMS: t, kind: 0), .init(epoch: 1, timeMS: t + 250, kind: 1, line: 1),
                .init(epoch: 2, timeMS: t + 253, kind: 2, line: 2), .init(epoch: 3, timeMS: t + 260, kind: 2, line: 3),
            ])
        XCTAssertEqual(run.data, [0x04, 0x09, 0xf4, 0x03, 0x0d, 0x06, 0x0d, 0x0e])
        func text(_ s: String) -> [UInt8] { [UInt8(s.utf8.count)] + Array(s.utf8) }
        let common = text("main") + text("loss") + text("ok") + text("loss") + [0x02]
        XCTAssertEqual(
            EpochRun.encodeKinds(kinds),
            [0x03] + [0x02] + text("init") + text("create") + text("main") + text("ok") + text("")
                + [0x0f] + text("f:") + text("events") + common + [0x0f] + text("f:") + text("update") + common)
        XCTAssertEqual(try run.epochs().map { run.record($0).0.source }, ["init", "f:1", "f:2", "f:3"])
    }
}
