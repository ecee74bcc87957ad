import XCTest

@testable import LogStore

final class JSONWriterTests: XCTestCase {
    private func dumps(_ v: JSONValue, _ options: JSONWriter.Options = .init()) -> String {
        JSONWriter.string(v, options: options)
    }

    func testMatchesPythonDumpsByteForByteInEveryMode() throws {
        let modes: [(String, JSONWriter.Options)] = [
            ("dumps", .init()),
            ("indent2", .init(pretty: true)),
            ("unicode", .init(ensureASCII: false)),
            ("compact", .init(compact: true)),
        ]
        var checked = 0
        for c in try PythonFixtures.dumpsCases() where c.sections["rejected"] == nil {
            let value = try JSONReader.parse(c.sections["input"]!)
            for (section, options) in modes {
                let expected = c.sections[section]!
                let actual = JSONWriter.bytes(value, options: options)
                XCTAssertEqual(
                    String(decoding: actual, as: UTF8.self), String(decoding: expected, as: UTF8.self),
                    "\(c.name) \(section)")
                XCTAssertEqual(actual, expected, "\(c.name) \(section)")
                checked += 1
            }
        }
        XCTAssertGreaterThan(checked, 150)
    }

    func testDefaultSeparatorsHaveSpaces() {
        XCTAssertEqual(dumps(["a": [1, 2], "b": [:]]), #"{"a": [1, 2], "b": {}}"#)
    }

    func testCompactSeparatorsForVisdomHash() {
        XCTAssertEqual(dumps(["a": [1, 2], "b": "c"], .init(compact: true)), #"{"a":[1,2],"b":"c"}"#)
    }

    func testPrettyIsIndentTwoWithEmptyContainersInline() {
        XCTAssertEqual(
            dumps(["a": [1, [], [:]], "b": [:]], .init(pretty: true)),
            "{\n  \"a\": [\n    1,\n    [],\n    {}\n  ],\n  \"b\": {}\n}")
        XCTAssertEqual(dumps([], .init(pretty: true)), "[]")
    }

    func testPrettyCompactDropsOnlyTheSpaceAfterColon() {
        XCTAssertEqual(dumps(["a": [1, 2]], .init(pretty: true, compact: true)), "{\n  \"a\":[\n    1,\n    2\n  ]\n}")
    }

    func testScalars() {
        XCTAssertEqual(dumps(nil), "null")
        XCTAssertEqual(dumps(true), "true")
        XCTAssertEqual(dumps(false), "false")
        XCTAssertEqual(dumps(.int(0)), "0")
        XCTAssertEqual(dumps(.int(.min)), "-9223372036854775808")
        XCTAssertEqual(dumps(.int(.max)), "9223372036854775807")
        XCTAssertEqual(dumps(.bigInt("-123456789012345678901234567890")), "-123456789012345678901234567890")
    }

    func testFloatsUsePythonReprAndNonFiniteTokens() {
        XCTAssertEqual(dumps([1.0, -0.0, 1e16, 1.5e-5, 0.1]), "[1.0, -0.0, 1e+16, 1.5e-05, 0.1]")
        XCTAssertEqual(dumps([.double(.nan), .double(.infinity), .double(-.infinity)]), "[NaN, Infinity, -Infinity]")
    }

    func testStringEscapesLikePython() {
        XCTAssertEqual(dumps("\" \\ / \u{8} \u{C} \n \r \t \u{0} \u{1F}"), #""\" \\ / \b \f \n \r \t \u0000 \u001f""#)
    }

    func testEnsureASCIIEscapesNonASCIIAndDELInLowercaseHex() {
        // Python's encode_basestring_ascii escapes everything outside ' '...'~', so DEL too.
        XCTAssertEqual(dumps("é\u{7F}\u{ABCD}"), #""\u00e9\u007f\uabcd""#)
    }

    func testEnsureASCIIWritesNonBMPAsSurrogatePair() {
        XCTAssertEqual(dumps("😀\u{10FFFF}"), #""\ud83d\ude00\udbff\udfff""#)
    }

    func testWithoutEnsureASCIIWritesRawUTF8AndDEL() {
        XCTAssertEqual(dumps("é😀\u{7F}\n", .init(ensureASCII: false)), "\"é😀\u{7F}\\n\"")
    }

    func testKeysAreEscapedAndKeepDictOrder() {
        var o = JSONObject()
        o["z"] = 1
        o["é\n"] = 2
        o["a"] = 3
        XCTAssertEqual(dumps(.object(o)), #"{"z": 1, "\u00e9\n": 2, "a": 3}"#)
    }

    func testWriteAppendsToTheGivenBuffer() {
        var out = Array("prefix:".utf8)
        JSONWriter.write([1, "a"], to: &out)
        XCTAssertEqual(String(decoding: out, as: UTF8.self), #"prefix:[1, "a"]"#)
    }

    /// NaN payloads and the NaN sign do not survive: every NaN is written as the token `NaN`
    /// and read back as the standard quiet NaN, as in Python.
    func testRandomDoublesRoundTripBitIdentical() throws {
        let count = 1_000_000
        var rng = SplitMix64(seed: 0x5EED)
        var values: [JSONValue] = []
        values.reserveCapacity(count)
        for _ in 0..<count { values.append(.double(Double(bitPattern: rng.next()))) }
        let text = JSONWriter.bytes(.array(values))
        guard case .array(let back) = try JSONReader.parse(text) else { return XCTFail("not an array") }
        XCTAssertEqual(back.count, count)
        var mismatches = 0
        for (a, b) in zip(values, back) {
            guard case .double(let x) = a, case .double(let y) = b else {
                mismatches += 1
                continue
            }
            if x.isNaN ? y.bitPattern != Double.nan.bitPattern : x.bitPattern != y.bitPattern { mismatches += 1 }
        }
        XCTAssertEqual(mismatches, 0)
    }
}
