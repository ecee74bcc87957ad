import XCTest

@testable import LogStore

final class ValueCodecTests: XCTestCase {
    func roundTrip(_ values: [JSONValue]) throws -> [JSONValue] {
        var out: [JSONValue] = []
        try ValueCodec.encode(values).withUnsafeBytes { try ValueCodec.decodeValues($0, into: &out) }
        return out
    }

    func testEveryKindOfValueRoundTripsBitExactly() throws {
        let values: [JSONValue] = [
            .null, .bool(true), .bool(false), .int(0), .int(.min), .int(.max), .int(-1),
            .double(.nan), .double(.infinity), .double(-.infinity), .double(-0.0), .double(0.0),
            .double(.leastNonzeroMagnitude), .double(.greatestFiniteMagnitude), .double(0.1),
            .bigInt("-123456789012345678901234567890"), .string(""), .string("a\u{0}b 😀 é"),
            ["nested": [1, 2.0, nil, ["x": "y"]]], .array([]), .object(JSONObject()),
        ]
        XCTAssertEqual(try roundTrip(values), values)
    }

    func testNaNIsNotNull() throws {
        let back = try roundTrip([.double(.nan), .null])
        guard case .double(let d) = back[0], d.isNaN else { return XCTFail("NaN came back as \(back[0])") }
        XCTAssertEqual(back[1], .null)
    }

    func testRandomDoublesRoundTripBitExactly() throws {
        var rng = SystemRandomNumberGenerator()
        let values = (0..<100_000).map { _ in JSONValue.double(Double(bitPattern: rng.next())) }
        XCTAssertEqual(try roundTrip(values), values)
    }

    func testTruncatedBlobIsAnErrorNotACrash() throws {
        let bytes = ValueCodec.encode([.string("hello"), .double(1)])
        for cut in 0..<bytes.count {
            var out: [JSONValue] = []
            let prefix = Array(bytes[..<cut])
            if cut == 0 { continue }
            if cut == 7 { continue }  // the first value is complete
            XCTAssertThrowsError(
                try prefix.withUnsafeBytes { try ValueCodec.decodeValues($0, into: &out) }, "cut at \(cut)")
        }
    }

    func testASeriesIDBeyondInt64IsAnErrorNotACrash() throws {
        let max = ValueCodec.encodePane(.series(SeriesSlot(id: .max, kind: .list)))
        let decoded = try max.withUnsafeBytes { try ValueCodec.decodePane($0) }
        guard case .series(let slot) = decoded else { return XCTFail("\(decoded)") }
        XCTAssertEqual(slot.id, .max)
        let beyond: [UInt8] = [ValueCodec.Tag.series.rawValue] + Array(repeating: 0x80, count: 9) + [1, 0]  // 2^63
        XCTAssertThrowsError(try beyond.withUnsafeBytes { try ValueCodec.decodePane($0) })
    }
}

/// Segments and heads are encoded from `PaneValue`s; their bytes must be exactly those of the
/// same values as `JSONValue`.
final class PaneValueEncodingTests: XCTestCase {
    private func jsonBytes(_ values: [JSONValue]) -> [UInt8] { ValueCodec.encode(values) }

    func testNumberSegmentsEncodeLikeTheirJSON() {
        var rng = SystemRandomNumberGenerator()
        let ints: [Int64] = [0, 1, -1, 63, 64, -64, -65, 127, 128, 8191, 8192, .max, .min, .max - 1, .min + 1]
        for _ in 0..<200 {
            let values: [JSONValue] = (0..<Int.random(in: 0...300, using: &rng)).map { _ in
                switch Int.random(in: 0..<6, using: &rng) {
                case 0: return .double(Double(bitPattern: rng.next()))
                case 1: return .int(ints.randomElement(using: &rng)!)
                case 2: return .int(Int64(bitPattern: rng.next()) >> Int.random(in: 0..<64, using: &rng))
                case 3: return .null
                case 4: return .bool(Bool.random(using: &rng))
                default: return .double([.nan, .infinity, -.infinity, -0.0, 0.1][Int.random(in: 0..<5, using: &rng)])
                }
            }
            XCTAssertEqual(ValueCodec.encodeValues(values.map(PaneValue.init)), jsonBytes(values))
        }
    }

    func testSegmentsWithStringsAndContainersEncodeLikeTheirJSON() throws {
        let values: [JSONValue] = [
            1.5, "é😀", ["a": [1, nil, true]], .bigInt("123456789012345678901234567890"), [], -7,
        ]
        XCTAssertEqual(ValueCodec.encodeValues(values.map(PaneValue.init)), jsonBytes(values))
        XCTAssertEqual(ValueCodec.encodeValues([]), [])
        var out: [JSONValue] = []
        try ValueCodec.encodeValues(values.map(PaneValue.init)).withUnsafeBytes {
            try ValueCodec.decodeValues($0, into: &out)
        }
        XCTAssertEqual(out, values)
    }

    func testAPaneTreeEncodesLikeItsJSON() {
        var o = JSONObject()
        for i in 0..<40 {
            o["k\(i)"] = i % 2 == 0 ? .double(Double(i) / 3) : .array([.int(Int64(i)), .string("s\(i)")])
        }
        let tree: JSONValue = ["type": "plot", "content": ["data": [.object(o)]], "n": nil]
        var paneBytes: [UInt8] = []
        ValueCodec.encode(PaneValue(tree), into: &paneBytes)
        var jsonBytes: [UInt8] = []
        ValueCodec.encode(tree, into: &jsonBytes)
        XCTAssertEqual(paneBytes, jsonBytes)
    }
}
