import Foundation
import XCTest

@testable import LogStore

/// `DecimalToDouble` against the C library's `strtod`, which rounds correctly.
final class DecimalToDoubleTests: XCTestCase {
    private func strtodBits(_ literal: String) -> UInt64 {
        literal.withCString { strtod($0, nil) }.bitPattern
    }

    private func assertAgrees(_ w: UInt64, _ e: Int, file: StaticString = #filePath, line: UInt = #line) {
        let literal = "\(w)e\(e)"
        guard let d = DecimalToDouble.convert(significand: w, exponent: e) else {
            // Only a significand past 2^53 with a power of ten past 10^19 is left to strtod.
            XCTAssertTrue(w > 1 << 53 && abs(e) > 19, "\(literal) not converted", file: file, line: line)
            return
        }
        XCTAssertEqual(d.bitPattern, strtodBits(literal), literal, file: file, line: line)
    }

    func testRandomSignificandsAndExponentsRoundLikeStrtod() {
        var rng = SplitMix64(seed: 0x5eed)
        for _ in 0..<200_000 {
            let digits = Int(rng.next() % 19) + 1
            var w: UInt64 = 0
            for _ in 0..<digits { w = w * 10 + rng.next() % 10 }
            let e = Int(rng.next() % 45) - 22
            assertAgrees(w, e)
        }
    }

    func testSeventeenDigitReprsOfRandomDoublesRoundTrip() throws {
        var rng = SplitMix64(seed: 42)
        for _ in 0..<100_000 {
            // A double in [1e-6, 1e6) with a full 53-bit significand, printed as Python does.
            let x = Double(bitPattern: 0x3EB0_0000_0000_0000 + rng.next() % 0x0540_0000_0000_0000)
            let text = PythonFloat.repr(x)
            XCTAssertEqual(try JSONReader.parse(text), .double(x), text)
            XCTAssertEqual(try JSONReader.parse("-" + text), .double(-x), text)
        }
    }

    func testFractionsBelowOneWithLeadingZerosRoundLikeStrtod() throws {
        var rng = SplitMix64(seed: 0x0dec)
        for _ in 0..<50_000 {
            let zeros = Int(rng.next() % 20)
            let digits = Int(rng.next() % 24) + 1
            var text = "0." + String(repeating: "0", count: zeros)
            for _ in 0..<digits { text += String(rng.next() % 10) }
            if rng.next() % 4 == 0 { text += "e" + String(Int(rng.next() % 21) - 10) }
            guard case .double(let d) = try JSONReader.parse(text) else { return XCTFail(text) }
            XCTAssertEqual(d.bitPattern, strtodBits(text), text)
        }
    }

    func testHalfwayCasesRoundToEven() {
        // In [2^52, 2^53) the spacing is 1: n.5 lies halfway between n and n + 1.
        assertAgrees(45_035_996_273_704_965, -1)  // 4503599627370496.5 → ...496 (even)
        assertAgrees(45_035_996_273_704_975, -1)  // 4503599627370497.5 → ...498 (even)
        XCTAssertEqual(
            DecimalToDouble.convert(significand: 45_035_996_273_704_965, exponent: -1), 4_503_599_627_370_496)
        XCTAssertEqual(
            DecimalToDouble.convert(significand: 45_035_996_273_704_975, exponent: -1), 4_503_599_627_370_498)
        // In [2^53, 2^54) the spacing is 2: odd integers lie halfway.
        XCTAssertEqual(DecimalToDouble.convert(significand: 9_007_199_254_740_993, exponent: 0), 9_007_199_254_740_992)
        XCTAssertEqual(DecimalToDouble.convert(significand: 9_007_199_254_740_995, exponent: 0), 9_007_199_254_740_996)
        // Just above halfway rounds up.
        assertAgrees(450_359_962_737_049_651, -2)
        XCTAssertEqual(
            DecimalToDouble.convert(significand: 450_359_962_737_049_651, exponent: -2), 4_503_599_627_370_497)
    }

    func testBoundariesOfTheIntegerArithmetic() {
        for w: UInt64 in [1, 9, 1 << 53, (1 << 53) + 1, (1 << 63) - 1, 1 << 63, 9_999_999_999_999_999_999] {
            for e in -22...22 { assertAgrees(w, e) }
        }
    }

    func testOutOfRangeIsLeftToStrtod() {
        XCTAssertNil(DecimalToDouble.convert(significand: 10_000_000_000_000_000_000, exponent: 0))
        XCTAssertNil(DecimalToDouble.convert(significand: 1, exponent: 23))
        XCTAssertNil(DecimalToDouble.convert(significand: 1, exponent: -23))
        // Past 2^53 the product or quotient needs more than 64-bit operands.
        XCTAssertNil(DecimalToDouble.convert(significand: 1 << 60, exponent: 20))
        XCTAssertNil(DecimalToDouble.convert(significand: 1 << 60, exponent: -20))
        XCTAssertEqual(DecimalToDouble.convert(significand: 0, exponent: 22), 0)
    }

    func testParserAgreesWithStrtodAroundTheDigitLimit() throws {
        // Leading zeros do not count as digits; trailing ones do, up to the limit of 19.
        let literals = [
            "0.00012345678901234567", "0.0001234567890123456789", "1234567890123456789.0",
            "12345678901234567890.0", "1.0000000000000000000", "1.00000000000000000000",
            "0.30000000000000004", "123456.78901234567e-3", "9.999999999999999999e22",
            "0.000000000000000000001", "1e-22", "1e22", "1e23", "4503599627370496.5",
            "-0.0", "0.0e5", "2.2250738585072014e-308", "1.7976931348623157e308",
            // Digits are read eight at a time: runs that end inside, at and past a word.
            "1.2345678e5", "1.23456789e-5", "11111111.11111111", "0.1234567", "9.99999999",
            "1.99999999999999999999", "98765432109876543.0", "1.0000000e1",
            // Below 1: leading zeros are stepped over, then words of eight digits are read.
            "0.12345678901234567", "0.012345678901234567", "0.00000000123456789012345678",
            "0.0000000000000000012345678901234567890", "0.100000000000000000001", "0.000000001",
            "0.0000000010000000", "0.00000000000000000000", "0.1234567890123456789", "0.12345678901234567891",
        ]
        for text in literals {
            guard case .double(let d) = try JSONReader.parse(text) else { return XCTFail(text) }
            XCTAssertEqual(d.bitPattern, strtodBits(text), text)
        }
    }
}
