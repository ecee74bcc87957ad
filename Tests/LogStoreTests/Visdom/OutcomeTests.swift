import XCTest

@testable import LogStore

/// visdom's answer as HTTP (`Visdom/Outcome.swift`).
final class OutcomeTests: XCTestCase {
    func testAnswersAreTheirTextWith200AndARaiseIsAnEmpty500() {
        XCTAssertEqual(Outcome.ok("w").httpStatus, 200)
        XCTAssertEqual(Outcome.ok("wé").httpBody, Array("wé".utf8))
        XCTAssertEqual(Outcome.refused("win does not exist").httpStatus, 200)
        XCTAssertEqual(Outcome.refused("win does not exist").httpBody, Array("win does not exist".utf8))
        XCTAssertEqual(Outcome.failed(.keyError(.string("x"))).httpStatus, 500)
        XCTAssertEqual(Outcome.failed(.keyError(.string("x"))).httpBody, [])
    }

    /// tornado cannot encode a lone surrogate (kept as U+10D800…U+10DFFF) as UTF-8: a 500.
    func testABodyHoldingALoneSurrogateIsAnEmpty500() {
        for scalar: UInt32 in [0x10_D800, 0x10_DA00, 0x10_DFFF] {
            let text = "a" + String(Unicode.Scalar(scalar)!) + "b"
            XCTAssertEqual(Outcome.ok(text).httpStatus, 500, String(scalar, radix: 16))
            XCTAssertEqual(Outcome.ok(text).httpBody, [])
        }
        for scalar: UInt32 in [0x10_D7FF, 0x10_E000, 0x10_FFFF, 0x1F600] {
            XCTAssertEqual(Outcome.ok(String(Unicode.Scalar(scalar)!)).httpStatus, 200, String(scalar, radix: 16))
        }
        XCTAssertEqual(Outcome.refused("\u{10D800}").httpStatus, 500)
    }
}
