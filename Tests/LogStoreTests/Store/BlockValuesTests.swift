import Foundation
import XCTest

@testable import LogStore

/// Sealed blocks' value codecs: every one gives back exactly the segment bytes it was made
/// from, and sealing keeps the smallest.
final class BlockValuesTests: XCTestCase {
    func roundTrip(_ values: [JSONValue], file: StaticString = #filePath, line: UInt = #line) throws
        -> BlockValues.Codec
    {
        let plain = ValueCodec.encode(values)
        let block = BlockValues.encode(plain, count: values.count)
        var back: [UInt8] = []
        try block.withUnsafeBytes { try BlockValues.decode($0, count: values.count, into: &back) }
        XCTAssertEqual(back, plain, file: file, line: line)
        for limit in [0, 1, values.count / 2] where limit <= values.count {
            var prefix: [UInt8] = []
            try block.withUnsafeBytes { try BlockValues.decode($0, count: values.count, limit: limit, into: &prefix) }
            XCTAssertEqual(prefix, ValueCodec.encode(Array(values[..<limit])), file: file, line: line)
        }
        XCTAssertLessThanOrEqual(block.count, plain.count + 1, file: file, line: line)
        return BlockValues.Codec(rawValue: block[0])!
    }

    func testArithmeticIntsAndFloatsAreTwoNumbers() throws {
        XCTAssertEqual(try roundTrip((0..<1000).map { .int(Int64($0) * 3 - 7) }), .intSteps)
        XCTAssertEqual(try roundTrip((0..<1000).map { .double(Double($0) * 0.5) }), .floatSteps)
        XCTAssertEqual(BlockValues.encode(ValueCodec.encode((0..<1000).map { .int(Int64($0)) }), count: 1000).count, 3)
    }

    func testIntsThatAreNotStepsAreDeltas() throws {
        var rng = SplitMix64(seed: 1)
        XCTAssertEqual(try roundTrip((0..<500).map { _ in .int(Int64(bitPattern: rng.next()) >> 40) }), .intDeltas)
        _ = try roundTrip([.int(.max), .int(.min), .int(0), .int(.max), .int(-1)])  // deltas wrap; plain is smaller
    }

    func testFloatsKeepEveryBitThroughXOR() throws {
        var rng = SplitMix64(seed: 2)
        var floats: [JSONValue] = []
        var loss: Float = 2
        for i in 0..<2000 {
            loss *= 0.999
            floats.append(.double(Double(loss)))
            // any pattern, NaN payloads included
            if i % 50 == 0 { floats.append(.double(Double(bitPattern: rng.next()))) }
        }
        floats += [
            .double(.nan), .double(-.nan), .double(.infinity), .double(-.infinity), .double(-0.0), .double(0.0),
            .double(.leastNonzeroMagnitude), .double(-.greatestFiniteMagnitude),
            .double(Double(bitPattern: 0x7FF0_0000_0000_0001)),
        ]
        XCTAssertEqual(try roundTrip(floats), .floatXOR)
        let plain = ValueCodec.encode(floats)
        // float32 curves: < 4.5 B
        XCTAssertLessThan(BlockValues.encode(plain, count: floats.count).count * 2, plain.count)
    }

    func testFloatStepsThatRoundAreNotSteps() throws {
        // 0.1 * i is not the running sum of 0.1: the codec must notice.
        var v = 0.0
        var values: [JSONValue] = []
        for _ in 0..<100 {
            values.append(.double(v))
            v += 0.1
        }
        XCTAssertNotEqual(try roundTrip(values), .floatSteps)
    }

    func testAnythingElseIsKeptPlain() throws {
        XCTAssertEqual(try roundTrip([.int(1), .double(1.0)]), .plain)  // an int and a float stay apart
        XCTAssertEqual(try roundTrip([.double(1), .null, .double(2)]), .plain)
        XCTAssertEqual(
            try roundTrip([
                .string("a\u{0}b"), .bool(true), .bigInt("123456789012345678901234567890"),
                .array([.double(.nan)]),
            ]), .plain)
        XCTAssertEqual(try roundTrip([.int(5)]), .intDeltas)
    }

    func testCorruptDataIsAnErrorNotACrash() {
        var out: [UInt8] = []
        XCTAssertThrowsError(try [UInt8]([9]).withUnsafeBytes { try BlockValues.decode($0, count: 1, into: &out) })
        XCTAssertThrowsError(
            try [UInt8]([4, 1, 2]).withUnsafeBytes { try BlockValues.decode($0, count: 3, into: &out) })
        XCTAssertThrowsError(
            try [UInt8]([1, 0x80]).withUnsafeBytes { try BlockValues.decode($0, count: 3, into: &out) })
    }
}
