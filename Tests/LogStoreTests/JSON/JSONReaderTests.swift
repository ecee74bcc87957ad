import XCTest

@testable import LogStore

final class JSONReaderTests: XCTestCase {
    private func parse(_ text: String, maxDepth: Int = 512) throws -> JSONValue {
        try JSONReader.parse(text, maxDepth: maxDepth)
    }

    /// Asserts that `bytes` is rejected with exactly this reason at exactly this offset.
    private func assertRejects(
        _ bytes: [UInt8], _ reason: String, at offset: Int, maxDepth: Int = 512,
        file: StaticString = #filePath, line: UInt = #line
    ) {
        do {
            let v = try JSONReader.parse(bytes, maxDepth: maxDepth)
            XCTFail("accepted as \(v)", file: file, line: line)
        } catch {
            XCTAssertEqual(error.reason, reason, file: file, line: line)
            XCTAssertEqual(error.offset, offset, file: file, line: line)
        }
    }

    private func assertRejects(
        _ text: String, _ reason: String, at offset: Int, maxDepth: Int = 512,
        file: StaticString = #filePath, line: UInt = #line
    ) {
        assertRejects(Array(text.utf8), reason, at: offset, maxDepth: maxDepth, file: file, line: line)
    }

    // MARK: Agreement with Python

    func testAcceptsAndRejectsExactlyWhatThePythonFixtureDoes() throws {
        let cases = try PythonFixtures.dumpsCases()
        XCTAssertGreaterThan(cases.count, 80)
        for c in cases {
            let input = c.sections["input"]!
            if c.sections["rejected"] != nil {
                XCTAssertThrowsError(try JSONReader.parse(input), c.name)
            } else {
                XCTAssertNoThrow(try JSONReader.parse(input), c.name)
            }
        }
    }

    // MARK: Values

    func testScalars() throws {
        XCTAssertEqual(try parse("null"), .null)
        XCTAssertEqual(try parse("true"), .bool(true))
        XCTAssertEqual(try parse(" false "), .bool(false))
        XCTAssertEqual(try parse("\"x\""), .string("x"))
        XCTAssertEqual(try parse("42"), .int(42))
        XCTAssertEqual(try parse("4.5"), .double(4.5))
    }

    func testIntegerWithoutFractionOrExponentStaysInteger() throws {
        XCTAssertEqual(try parse("[1, 1.0, 1e0, 10E-1]"), [.int(1), .double(1), .double(1), .double(1)])
    }

    func testMinusZeroIntegerIsIntZero() throws {
        XCTAssertEqual(try parse("-0"), .int(0))
    }

    func testMinusZeroFloatKeepsSignBit() throws {
        XCTAssertEqual(try parse("-0.0"), .double(-0.0))
        XCTAssertEqual(try parse("-0e5"), .double(-0.0))
        XCTAssertNotEqual(try parse("-0.0"), .double(0.0))
    }

    func testInt64ExtremesAreInts() throws {
        XCTAssertEqual(try parse("9223372036854775807"), .int(.max))
        XCTAssertEqual(try parse("-9223372036854775808"), .int(.min))
    }

    func testIntegersPastInt64AreBigIntDigits() throws {
        XCTAssertEqual(try parse("9223372036854775808"), .bigInt("9223372036854775808"))
        XCTAssertEqual(try parse("-9223372036854775809"), .bigInt("-9223372036854775809"))
        XCTAssertEqual(try parse("99999999999999999999"), .bigInt("99999999999999999999"))
    }

    func testBigIntRoundTripsVerbatim() throws {
        let text = "[123456789012345678901234567890123456789, -" + String(repeating: "9", count: 4300) + "]"
        let v = try parse(text)
        XCTAssertEqual(v.arrayValue?[1], .bigInt("-" + String(repeating: "9", count: 4300)))
        XCTAssertEqual(JSONWriter.string(v), text)
    }

    func testHugeExponentOverflowsToInfinityLikePythonFloat() throws {
        XCTAssertEqual(try parse("1e400"), .double(.infinity))
        XCTAssertEqual(try parse("-1e400"), .double(-.infinity))
        XCTAssertEqual(try parse("1.8e308"), .double(.infinity))
        XCTAssertEqual(try parse("1e99999999999999999999"), .double(.infinity))
    }

    func testTinyLiteralUnderflowsToSignedZero() throws {
        XCTAssertEqual(try parse("1e-400"), .double(0.0))
        XCTAssertEqual(try parse("-1e-400"), .double(-0.0))
    }

    func testFloatsAreCorrectlyRounded() throws {
        // Halfway between 1 and its successor rounds to even (1); just above it rounds up.
        XCTAssertEqual(try parse("1.00000000000000011102230246251565404236316680908203125"), .double(1))
        XCTAssertEqual(
            try parse("1.00000000000000011102230246251565404236316680908203126"), .double(1.0000000000000002))
        XCTAssertEqual(try parse("0.1"), .double(0.1))
        XCTAssertEqual(try parse("2.2250738585072011e-308"), .double(Double(bitPattern: 0x000F_FFFF_FFFF_FFFF)))
        XCTAssertEqual(try parse("123456789012345678901234567890.5"), .double(1.2345678901234568e29))
    }

    func testNonFiniteTokens() throws {
        guard case .double(let nan) = try parse("NaN") else { return XCTFail() }
        XCTAssertEqual(nan.bitPattern, Double.nan.bitPattern, "the standard quiet NaN")
        XCTAssertEqual(try parse("Infinity"), .double(.infinity))
        XCTAssertEqual(try parse("-Infinity"), .double(-.infinity))
    }

    func testStringEscapes() throws {
        XCTAssertEqual(
            try parse(#""\" \\ \/ \b \f \n \r \t \u00e9 \u00E9""#), .string("\" \\ / \u{8} \u{C} \n \r \t é é"))
    }

    func testSurrogatePairEscapeDecodesToOneScalar() throws {
        XCTAssertEqual(try parse(#""\ud83d\ude00""#), .string("😀"))
        XCTAssertEqual(try parse(#""\uDBFF\uDFFF""#), .string("\u{10FFFF}"))
    }

    func testNULSurvivesInValuesAndKeys() throws {
        let v = try parse(#"{"a\u0000b": "\u0000"}"#)
        XCTAssertEqual(v.objectValue?.keys, ["a\u{0}b"])
        XCTAssertEqual(v["a\u{0}b"], .string("\u{0}"))
    }

    func testRawUTF8AndDELArePassedThrough() throws {
        XCTAssertEqual(try parse("\"é日😀\u{7F}\""), .string("é日😀\u{7F}"))
    }

    func testDuplicateKeyKeepsFirstPositionAndLastValue() throws {
        let v = try parse(#"{"a": 1, "b": 2, "a": 3}"#)
        XCTAssertEqual(v.objectValue?.keys, ["a", "b"])
        XCTAssertEqual(v["a"], .int(3))
        XCTAssertEqual(v["b"], .int(2))
    }

    func testKeysAreNotUnicodeNormalized() throws {
        let v = try parse(#"{"\u00e9": 1, "e\u0301": 2}"#)
        XCTAssertEqual(v.objectValue?.count, 2)
    }

    func testOnlyTheFourJSONWhitespaceBytesAreSkipped() throws {
        XCTAssertEqual(try parse(" \t\n\r[ 1 ,\t2 ]\r\n "), [1, 2])
        assertRejects("\u{0C}1", "expected value", at: 0)
        assertRejects("\u{A0}1", "expected value", at: 0)
    }

    func testAllOverloadsAgree() throws {
        let text = #"{"k": [1, 2.5, "é"]}"#
        let fromString = try JSONReader.parse(text)
        let fromArray = try JSONReader.parse(Array(text.utf8))
        let fromRaw = try Array(text.utf8).withUnsafeBytes { try JSONReader.parse($0) }
        XCTAssertEqual(fromString, fromArray)
        XCTAssertEqual(fromString, fromRaw)
    }

    func testNestingUpToMaxDepthIsAccepted() throws {
        XCTAssertEqual(try parse("[[1]]", maxDepth: 2), [[1]])
        let deep = String(repeating: "[", count: 512) + String(repeating: "]", count: 512)
        XCTAssertNoThrow(try parse(deep))
        let deeper = String(repeating: "[", count: 10_000) + String(repeating: "]", count: 10_000)
        XCTAssertNoThrow(try parse(deeper, maxDepth: 10_000))
    }

    // MARK: Errors: reason and offset

    func testErrorDescriptionNamesOffsetAndReason() {
        XCTAssertEqual(
            JSONSyntaxError(offset: 17, reason: "expected ',' or ']'").description,
            "invalid JSON at byte 17: expected ',' or ']'")
    }

    func testTruncatedDocuments() {
        assertRejects("", "expected value", at: 0)
        assertRejects("  ", "expected value", at: 2)
        assertRejects("[", "expected value", at: 1)
        assertRejects("[1, 2", "expected ',' or ']'", at: 5)
        assertRejects("[1,", "expected value", at: 3)
        assertRejects("{", "expected property name in double quotes", at: 1)
        assertRejects(#"{"a"#, "unterminated string", at: 1)
        assertRejects(#"{"a""#, "expected ':'", at: 4)
        assertRejects(#"{"a":"#, "expected value", at: 5)
        assertRejects(#"{"a": 1"#, "expected ',' or '}'", at: 7)
        assertRejects(#""abc"#, "unterminated string", at: 0)
        assertRejects(#""abc\"#, "unterminated string", at: 0)
        assertRejects(#""a\u00"#, "invalid \\uXXXX escape", at: 2)
        assertRejects("tru", "expected value", at: 0)
        assertRejects("-", "expected value", at: 0)
        assertRejects("-Infinit", "expected value", at: 0)
    }

    func testExtraDataAfterTheValue() {
        assertRejects("1 2", "extra data", at: 2)
        assertRejects("[1]]", "extra data", at: 3)
        assertRejects("nullx", "extra data", at: 4)
        assertRejects("[1] // comment", "extra data", at: 4)
    }

    func testNumberGrammarRejections() {
        assertRejects("01", "extra data", at: 1)
        assertRejects("[01]", "expected ',' or ']'", at: 2)
        assertRejects("-01", "extra data", at: 2)
        assertRejects("+1", "expected value", at: 0)
        assertRejects(".5", "expected value", at: 0)
        assertRejects("1.", "extra data", at: 1)
        assertRejects("1.e5", "extra data", at: 1)
        assertRejects("1e", "extra data", at: 1)
        assertRejects("1e+", "extra data", at: 1)
        assertRejects("--1", "expected value", at: 0)
        assertRejects("0x10", "extra data", at: 1)
    }

    func testNonFiniteTokensAreCaseSensitive() {
        assertRejects("nan", "expected value", at: 0)
        assertRejects("inf", "expected value", at: 0)
        assertRejects("-NaN", "expected value", at: 0)
        assertRejects("[infinity]", "expected value", at: 1)
        assertRejects("Infinityx", "extra data", at: 8)
    }

    func testIntegerLiteralAbovePythonDigitLimit() {
        assertRejects(
            String(repeating: "1", count: 4301), "integer literal has 4301 digits, more than Python's limit of 4300",
            at: 0)
        assertRejects(
            "[-" + String(repeating: "1", count: 4301) + "]",
            "integer literal has 4301 digits, more than Python's limit of 4300", at: 1)
        XCTAssertNoThrow(try parse(String(repeating: "1", count: 4300)))
        XCTAssertNoThrow(try parse(String(repeating: "1", count: 5000) + ".5"), "floats have no digit limit")
    }

    func testRawControlCharacterInStringIsRejected() {
        assertRejects("\"a\tb\"", "invalid control character 0x09 in string", at: 2)
        assertRejects("[\"\n\"]", "invalid control character 0x0A in string", at: 2)
        assertRejects("\"\\n\u{0}\"", "invalid control character 0x00 in string", at: 3)
    }

    func testInvalidEscapes() {
        assertRejects(#""\x41""#, "invalid escape '\\x'", at: 1)
        assertRejects(#""ab\'""#, "invalid escape '\\''", at: 3)
        assertRejects(#""\u12G4""#, "invalid \\uXXXX escape", at: 1)
        assertRejects(#""\ud800\uzzzz""#, "invalid \\uXXXX escape", at: 7)
    }

    func testLoneSurrogateEscapesRoundTripAsPythonKeepsThem() throws {
        for text in [
            #""\ud800""#, #""ab\udbff x""#, #""\ud800A""#, #""\udc00""#, #""\udc00\ud800""#, #""\ud800\ud800""#,
        ] {
            let value = try parse(text)
            XCTAssertEqual(JSONWriter.string(value), text)
            XCTAssertEqual(JSONWriter.string(value, options: .init(ensureASCII: false)), text)
        }
        XCTAssertEqual(try parse(#""\ud800""#).stringValue?.unicodeScalars.count, 1, "one code point, as in Python")
        XCTAssertEqual(try parse(#""\ud83d\ude00""#), .string("😀"), "a proper pair is one scalar")
    }

    func testInvalidUTF8IsRejectedAtTheSequenceStart() {
        let q = UInt8(ascii: "\"")
        assertRejects([q, 0x61, 0xFF, q], "invalid UTF-8 sequence starting with byte 0xFF", at: 2)
        assertRejects([q, 0xC3, q], "invalid UTF-8 sequence starting with byte 0xC3", at: 1)
        assertRejects([q, 0xC3], "invalid UTF-8 sequence starting with byte 0xC3", at: 1)
        assertRejects([q, 0xC0, 0x80, q], "invalid UTF-8 sequence starting with byte 0xC0", at: 1)
        assertRejects([q, 0xE0, 0x80, 0x80, q], "invalid UTF-8 sequence starting with byte 0xE0", at: 1)
        assertRejects([q, 0xED, 0xA0, 0x80, q], "invalid UTF-8 sequence starting with byte 0xED", at: 1)
        assertRejects([q, 0xF4, 0x90, 0x80, 0x80, q], "invalid UTF-8 sequence starting with byte 0xF4", at: 1)
        assertRejects([q, 0x5C, 0x6E, 0x80, q], "invalid UTF-8 sequence starting with byte 0x80", at: 3)
        assertRejects([0xFF], "expected value", at: 0)
    }

    func testByteOrderMarkIsRejectedLikePythonStrInput() {
        assertRejects([0xEF, 0xBB, 0xBF, 0x31], "unexpected UTF-8 BOM", at: 0)
    }

    func testStructuralErrors() {
        assertRejects("[1 2]", "expected ',' or ']'", at: 3)
        assertRejects("[1,]", "expected value", at: 3)
        assertRejects(#"{"a": 1,}"#, "expected property name in double quotes", at: 8)
        assertRejects("{a: 1}", "expected property name in double quotes", at: 1)
        assertRejects(#"{"a" 1}"#, "expected ':'", at: 5)
        assertRejects(#"{"a": 1]"#, "expected ',' or '}'", at: 7)
        assertRejects("'a'", "expected value", at: 0)
    }

    func testNestingDeeperThanMaxDepthIsAnError() {
        let tooDeep = String(repeating: "[", count: 513) + String(repeating: "]", count: 513)
        assertRejects(tooDeep, "nesting deeper than 512 levels", at: 512)
        assertRejects(#"{"a": [{"b": 1}]}"#, "nesting deeper than 2 levels", at: 7, maxDepth: 2)
    }

    func testHundredThousandOpenBracketsFailWithoutStackOverflow() {
        let brackets = [UInt8](repeating: UInt8(ascii: "["), count: 100_000)
        assertRejects(brackets, "nesting deeper than 512 levels", at: 512)
        // Even with the limit lifted the parser's own stack is on the heap.
        assertRejects(brackets, "expected value", at: 100_000, maxDepth: 1_000_000)
    }
}
