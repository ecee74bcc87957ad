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
            XCTAssertThrowsError(try prefix.withUnsafeBytes { try ValueCodec.decodeValues($0, into: &out) }, "cut at \(cut)")
        }
    }
}
