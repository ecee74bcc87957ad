import XCTest

@testable import LogStore

/// The reader builds a `PaneValue` directly; it must be the `JSONValue` it builds, case for
/// case, and fail where and how that fails.
final class JSONTreeTests: XCTestCase {
    private func paneParse(_ bytes: [UInt8], maxDepth: Int = 512) throws(JSONSyntaxError) -> PaneValue {
        let result = bytes.withUnsafeBytes { raw in
            Result { () throws(JSONSyntaxError) in try JSONReader.parse(raw, maxDepth: maxDepth, as: PaneValue.self) }
        }
        return try result.get()
    }

    private func assertSameTree(_ text: String, file: StaticString = #filePath, line: UInt = #line) {
        assertSameTree(Array(text.utf8), file: file, line: line)
    }

    private func assertSameTree(_ bytes: [UInt8], file: StaticString = #filePath, line: UInt = #line) {
        let text = String(decoding: bytes, as: UTF8.self)
        switch (
            Result { () throws(JSONSyntaxError) in try JSONReader.parse(bytes) },
            Result { () throws(JSONSyntaxError) in try paneParse(bytes) }
        ) {
        case (.success(let json), .success(let pane)):
            XCTAssertEqual(pane.plainJSON, json, text, file: file, line: line)
        case (.failure(let a), .failure(let b)):
            XCTAssertEqual(a.reason, b.reason, text, file: file, line: line)
            XCTAssertEqual(a.offset, b.offset, text, file: file, line: line)
        default:
            XCTFail("one reader accepted, the other refused: \(text)", file: file, line: line)
        }
    }

    func testEveryPythonFixtureParsesToTheSameTreeOrTheSameError() throws {
        let cases = try PythonFixtures.dumpsCases()
        XCTAssertGreaterThan(cases.count, 80)
        for c in cases { assertSameTree(c.sections["input"]!) }
    }

    func testValuesOfEveryKind() {
        for text in [
            #"[null, true, false, 0, -0, 1.0, -0.0, 1e400, NaN, Infinity, -Infinity, 123456789012345678901234567890]"#,
            #"{"a": {"b": [1, {"c": "\u00e9\ud83d"}]}, "a": 2, "é": "e\u0301"}"#,
            #"{"k0": 0, "k1": 1, "k2": 2, "k3": 3, "k4": 4, "k5": 5, "k6": 6, "k7": 7, "k8": 8, "k9": 9, "k10": 10, "k11": 11, "k12": 12, "k13": 13, "k14": 14, "k15": 15, "k16": 16, "k3": 33}"#,
            "[]", "{}", "\"\"", "[[[]]]", "[1,]", "{\"a\" 1}", "[1 2]", "tru", "\u{FEFF}[]",
        ] {
            assertSameTree(text)
        }
    }

    func testDepthLimitIsTheSame() {
        assertSameTree(String(repeating: "[", count: 600) + String(repeating: "]", count: 600))
        XCTAssertThrowsError(try paneParse(Array("[[[]]]".utf8), maxDepth: 2))
        XCTAssertNoThrow(try paneParse(Array("[[]]".utf8), maxDepth: 2))
    }
}
