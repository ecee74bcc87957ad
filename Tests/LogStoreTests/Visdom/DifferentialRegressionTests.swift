import XCTest

@testable import LogStore

/// Cases found by differential fuzzing against visdom 0.2.4's own handler code
/// (scripts/differential). Each has a recorded scenario under Tests/Fixtures/scenarios/diff_*
/// as well; these pin the Python semantics underneath.
final class DifferentialRegressionTests: XCTestCase {
    struct NoSeries: SeriesSource {
        func count(of id: Int64) throws -> Int { 0 }
        func first(of id: Int64) throws -> JSONValue? { nil }
        func elements(of id: Int64) throws -> [JSONValue] { [] }
    }

    func testBigIntsEqualFloatsExactlyAsInPython() throws {
        let src = NoSeries()
        XCTAssertTrue(try pyEquals(.bigInt("18446744073709551616"), .double(0x1p64), src))  // 2**64 == 2.0**64
        XCTAssertTrue(try pyEquals(.double(-0x1p70), .bigInt("-1180591620717411303424"), src))
        XCTAssertFalse(try pyEquals(.bigInt("18446744073709551617"), .double(0x1p64), src))
        XCTAssertFalse(try pyEquals(.bigInt("18446744073709551616"), .double(.infinity), src))
        XCTAssertEqual(exactIntegerText(1e22), "10000000000000000000000")
        XCTAssertEqual(exactIntegerText(1e23), "99999999999999991611392")
    }

    func testBigIntPlusFloatIsAFloat() throws {
        let src = NoSeries()
        guard case .double(let d) = try pyAdd(.bigInt("18446744073709551616"), .double(0.5), src) else {
            return XCTFail()
        }
        XCTAssertEqual(d, 0x1p64)
        XCTAssertThrowsError(try pyAdd(.double(1), .bigInt("1" + String(repeating: "0", count: 400)), src)) {
            XCTAssertEqual(($0 as? PyError)?.type, "OverflowError")
        }
    }

    func testReprEscapesWhatPythonCannotPrint() {
        XCTAssertEqual(
            pyStr(.array([.string("\u{a0}"), .string("\u{200b}"), .string("é"), .string("\u{1F600}")])),
            #"['\xa0', '\u200b', 'é', '😀']"#)
        XCTAssertEqual(pyStr(.array([.string("\u{10D800}")])), #"['\ud800']"#)  // a lone surrogate (LoneSurrogate)
        XCTAssertEqual(pyStr(.array([.string("'\u{301}")])), "[\"'\u{301}\"]")
        XCTAssertEqual(pyStr(.array([.string("\u{E000}"), .string("\u{378}")])), #"['\ue000', '\u0378']"#)
    }

    func testNaNEqualsNaNInsideContainersAndForInButNotBare() throws {
        let src = NoSeries()
        XCTAssertFalse(try pyEquals(.double(.nan), .double(.nan), src))
        XCTAssertTrue(try pyEquals(.array([.double(.nan)]), .array([.double(.nan)]), src))
        XCTAssertTrue(
            try pyEquals(
                .object(PyDict([("a", PaneValue.double(.nan))])), .object(PyDict([("a", PaneValue.double(.nan))])), src)
        )
        XCTAssertTrue(try pyContains(.array([.string("a"), .double(.nan)]), .double(.nan), src))
        XCTAssertFalse(try pyContains(.array([.string("a")]), .double(.nan), src))
    }
}
