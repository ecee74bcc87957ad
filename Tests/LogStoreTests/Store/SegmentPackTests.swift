import Foundation
import XCTest

@testable import LogStore

/// Pack rows (format 8): a save's appends to several series of one window are one segment row,
/// and every read sees its parts exactly as the segment rows of their own that version 7 wrote.
final class SegmentPackTests: XCTestCase {
    func testPartsReadBackAsWrittenAndACorruptPackIsAnError() throws {
        var pack: [UInt8] = []
        SegmentPack.append(series: 3, seq: 7, total: 8, values: [.int(1)], to: &pack)
        SegmentPack.append(series: 300, seq: 0, total: 2, values: [.double(.nan), .null], to: &pack)
        try pack.withUnsafeBytes { bytes in
            let parts = try SegmentPack.parts(bytes)
            XCTAssertEqual(parts.map(\.seriesID), [3, 300])
            XCTAssertEqual(parts.map(\.seq), [7, 0])
            XCTAssertEqual(parts.map(\.total), [8, 2])
            XCTAssertEqual(parts.map(\.count), [1, 2])
            XCTAssertEqual(parts.map(\.stored.count).reduce(0, +), bytes.count)
            let y = try XCTUnwrap(try SegmentPack.part(of: 300, in: bytes))
            var values: [JSONValue] = []
            try ValueCodec.decodeValues(UnsafeRawBufferPointer(rebasing: bytes[y.values]), into: &values)
            XCTAssertEqual(values.count, 2)
            guard case .double(let nan) = values[0], nan.isNaN else { return XCTFail("\(values[0])") }
            XCTAssertEqual(values[1], .null)
            XCTAssertNil(try SegmentPack.part(of: 4, in: bytes))
            let rest = try XCTUnwrap(try SegmentPack.removing([3], from: bytes))
            try rest.withUnsafeBytes { XCTAssertEqual(try SegmentPack.parts($0).map(\.seriesID), [300]) }
            XCTAssertNil(try SegmentPack.removing([3, 300], from: bytes))
            XCTAssertThrowsError(try SegmentPack.parts(UnsafeRawBufferPointer(rebasing: bytes[..<(bytes.count - 1)])))
        }
    }

    /// A part is its five varints and then its values as `ValueCodec.encodeValues` writes
    /// them, also when the values take 128 bytes or more (a two-byte length) and when they
    /// are not all scalars.
    func testAPartIsItsFieldsAndItsValuesEncodingAtEveryLength() throws {
        let kinds: [[PaneValue]] = [
            [.double(0.5)], [.int(-3), .null, .bool(true)], Array(repeating: .double(-0.0), count: 14),
            Array(repeating: .double(1), count: 15),
            [.string(String(repeating: "é", count: 70)), .bigInt("1" + String(repeating: "0", count: 30))],
            [.array([.int(1), .object(PyDict([("a", .null)]))])],
        ]
        for values in kinds {
            var pack: [UInt8] = []
            SegmentPack.append(series: 300, seq: 129, total: 20_000, values: values, to: &pack)
            let bytes = ValueCodec.encodeValues(values)
            var expected: [UInt8] = []
            for field in [300, 129, 20_000, Int64(values.count), Int64(bytes.count)] {
                ValueCodec.putVarint(UInt64(field), &expected)
            }
            expected += bytes
            XCTAssertEqual(pack, expected, "\(bytes.count) bytes of values")
        }
    }

    /// docs/FORMAT.md, "Pack rows": the pack of `x = [3]`, `y = [0.5]` appended to series 7
    /// and 8 as their fourth segments, byte for byte.
    func testTheWorkedExampleOfTheFormatDocument() throws {
        var pack: [UInt8] = []
        SegmentPack.append(series: 7, seq: 3, total: 4, values: [.int(3)], to: &pack)
        let x = pack.count
        SegmentPack.append(series: 8, seq: 3, total: 4, values: [.double(0.5)], to: &pack)
        func hex(_ bytes: ArraySlice<UInt8>) -> String {
            bytes.map { String(format: "%02x", $0) }.joined(separator: " ")
        }
        let doc = try String(contentsOf: repositoryRoot.appendingPathComponent("docs/FORMAT.md"), encoding: .utf8)
        let lines = doc.split(separator: "\n").map(String.init)
        XCTAssertTrue(lines.contains { $0.hasPrefix(hex(pack[..<x]) + "      series 7,") }, hex(pack[..<x]))
        XCTAssertTrue(lines.contains(hex(pack[x...])), hex(pack[x...]))
    }

    func messages(_ lines: [String]) throws -> [LogStore.Message] {
        try lines.enumerated().map { i, line in try LogLine.parse(ArraySlice(Array(line.utf8)), place: "t:\(i + 1)") }
    }

    func count(_ store: LogStore, _ sql: String) throws -> Int64 {
        try store.read(asOf: nil) { db, _ in try db.int(sql, []) ?? 0 }
    }

    /// A training loop (one step per message, two windows, every kind of value, the writer's
    /// seals in between): each step is one pack row, and every read as of every epoch (exports,
    /// listings, changes, the epoch log) is what the same store reads once its packs are
    /// unpacked into the segment rows version 7 wrote; `check` passes on both.
    func testALineAppendIsOneRowAndReadsAsItsSegmentRowsDid() throws {
        let lines = SealerTests.trainingLog(steps: 300)
        let store = try temporaryStore(self)
        _ = try store.apply(try messages(lines))
        let appends = Int64(lines.count - 2)
        let packs = try count(store, "SELECT count(*) FROM segment WHERE series_id = 0")
        let ownRows = try count(store, "SELECT count(*) FROM segment WHERE series_id <> 0")
        XCTAssertGreaterThan(packs, 0)
        XCTAssertEqual(ownRows, 2, "acc's first x and y (the writer sealed loss's with its packs)")
        XCTAssertLessThan(packs, appends, "the writer's seals took the oldest packs whole")
        XCTAssertEqual(try store.check(), [])
        let packed = try SealerTests.snapshot(store)
        try store.write { ctx in try SegmentPack.unpackAll(ctx.db) }
        XCTAssertEqual(try count(store, "SELECT count(*) FROM segment WHERE series_id = 0"), 0)
        XCTAssertEqual(try count(store, "SELECT count(*) FROM segment WHERE series_id <> 0"), ownRows + 2 * packs)
        XCTAssertEqual(try store.check(), [])
        let unpacked = try SealerTests.snapshot(store)
        XCTAssertEqual(packed.count, unpacked.count)
        for (p, u) in zip(packed, unpacked) where p != u {
            XCTFail("packed\n  \(p)\nunpacked\n  \(u)")
            break
        }
    }

    /// Two traces appended together in one message: one pack of four parts; a fork copies each
    /// series' parts as segment rows of the new series.
    func testAMessageAppendingToTwoTracesIsOnePackAndAForkCopiesItsParts() throws {
        let store = try temporaryStore(self)
        try store.apply(
            .events,
            #"{"data": [{"x": [0], "y": [0], "name": "a", "type": "scatter"}, {"x": [0], "y": [5], "name": "b", "type": "scatter"}], "win": "w", "layout": {}}"#
        )
        for i in 1...3 {
            try store.apply(
                .update,
                #"{"data": [{"x": [\#(i)], "y": [\#(i)]}, {"x": [\#(i)], "y": [\#(i + 5)]}], "win": "w", "append": true}"#
            )
        }
        XCTAssertEqual(try count(store, "SELECT count(*) FROM segment WHERE series_id = 0"), 3)
        let parts = try store.read(asOf: nil) { db, _ in
            try db.one("SELECT data FROM segment WHERE series_id = 0 LIMIT 1", []) { st in
                var row = st.columns
                return try row.withBlob { try SegmentPack.parts($0).count }
            }
        }
        XCTAssertEqual(parts, 4)
        try store.apply(.forkEnv, #"{"prev_eid": "main", "eid": "copy"}"#)
        XCTAssertEqual(
            JSONWriter.string(try store.exportWindow(env: "copy", window: "w")["content"] ?? .null),
            JSONWriter.string(try store.exportWindow(env: "main", window: "w")["content"] ?? .null))
        XCTAssertEqual(try count(store, "SELECT count(*) FROM segment WHERE series_id = 0"), 3, "a fork writes rows")
        XCTAssertEqual(try store.check(), [])
    }
}
