import XCTest

@testable import LogStore

final class PythonFloatTests: XCTestCase {
    /// `(bits, Python's repr)` for every line of the fixture.
    private func fixture() throws -> [(UInt64, String)] {
        let text = String(decoding: try PythonFixtures.bytes("python-float-repr.txt"), as: UTF8.self)
        return text.split(separator: "\n").map { line in
            let parts = line.split(separator: " ")
            return (UInt64(parts[0], radix: 16)!, String(parts[1]))
        }
    }

    func testFixtureHoldsAboutTwentyThousandDoubles() throws {
        XCTAssertGreaterThan(try fixture().count, 19_000)
    }

    func testReprEqualsPythonReprForEveryFixtureDouble() throws {
        var mismatches: [String] = []
        for (bits, expected) in try fixture() {
            let actual = PythonFloat.repr(Double(bitPattern: bits))
            if actual != expected { mismatches.append("\(String(bits, radix: 16)): \(actual) != \(expected)") }
        }
        XCTAssertEqual(mismatches.count, 0, mismatches.prefix(20).joined(separator: "\n"))
    }

    func testPythonReprParsesBackToTheSameBits() throws {
        for (bits, repr) in try fixture() {
            guard case .double(let d) = try JSONReader.parse(repr) else { return XCTFail("\(repr) is not a float") }
            XCTAssertEqual(d.bitPattern, bits, repr)
        }
    }

    func testFixedNotationFromTenToTheMinusFourBelowTenToTheSixteen() {
        XCTAssertEqual(PythonFloat.repr(1e-4), "0.0001")
        XCTAssertEqual(PythonFloat.repr(1e-5), "1e-05")
        XCTAssertEqual(PythonFloat.repr(1.5e-5), "1.5e-05")
        XCTAssertEqual(PythonFloat.repr(0.00012), "0.00012")
        XCTAssertEqual(PythonFloat.repr(1e15), "1000000000000000.0")
        XCTAssertEqual(PythonFloat.repr(9007199254740994), "9007199254740994.0")
        XCTAssertEqual(PythonFloat.repr(9999999999999998), "9999999999999998.0")
        XCTAssertEqual(PythonFloat.repr(1e16), "1e+16")
        XCTAssertEqual(PythonFloat.repr(1.5e16), "1.5e+16")
    }

    func testIntegralValuesGetPointZero() {
        XCTAssertEqual(PythonFloat.repr(1), "1.0")
        XCTAssertEqual(PythonFloat.repr(-100), "-100.0")
        XCTAssertEqual(PythonFloat.repr(123456789), "123456789.0")
    }

    func testExponentHasAtLeastTwoDigits() {
        XCTAssertEqual(PythonFloat.repr(1e-100), "1e-100")
        XCTAssertEqual(PythonFloat.repr(1.2345e300), "1.2345e+300")
        XCTAssertEqual(PythonFloat.repr(.leastNonzeroMagnitude), "5e-324")
        XCTAssertEqual(PythonFloat.repr(1e22), "1e+22")
        XCTAssertEqual(PythonFloat.repr(.greatestFiniteMagnitude), "1.7976931348623157e+308")
    }

    func testShortestDigits() {
        XCTAssertEqual(PythonFloat.repr(0.1), "0.1")
        XCTAssertEqual(PythonFloat.repr(0.1 + 0.2), "0.30000000000000004")
        XCTAssertEqual(PythonFloat.repr(1.0 / 3), "0.3333333333333333")
        XCTAssertEqual(PythonFloat.repr(123.456), "123.456")
    }

    func testSignedZeroAndNonFinite() {
        XCTAssertEqual(PythonFloat.repr(0.0), "0.0")
        XCTAssertEqual(PythonFloat.repr(-0.0), "-0.0")
        XCTAssertEqual(PythonFloat.repr(.nan), "nan")
        XCTAssertEqual(PythonFloat.repr(-.nan), "nan")
        XCTAssertEqual(PythonFloat.repr(.infinity), "inf")
        XCTAssertEqual(PythonFloat.repr(-.infinity), "-inf")
    }

    func testAppendAddsToExistingBytes() {
        var out = Array("x=".utf8)
        PythonFloat.append(2.5, to: &out)
        XCTAssertEqual(String(decoding: out, as: UTF8.self), "x=2.5")
    }
}
