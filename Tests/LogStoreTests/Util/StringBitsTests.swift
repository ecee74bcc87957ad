import XCTest

@testable import LogStore

/// What `StringBits` relies on, checked on the toolchain that builds the project, and that
/// `ExactKey.equal` (which starts with it) answers as comparing the bytes does.
final class StringBitsTests: XCTestCase {
    /// A string of the same bytes kept in storage of its own, not inline.
    func stored(_ s: String) -> String {
        var t = String()
        t.reserveCapacity(64)
        t.append(s)
        return t
    }

    func testInlineStringsOfTheSameBytesHaveTheSameWords() {
        // Built different ways: a literal, a slice, decoded bytes, concatenation.
        let ways: [String] = [
            "ab", String("xab".dropFirst()), String(decoding: Array("ab".utf8), as: UTF8.self), "a" + "b",
        ]
        for w in ways {
            XCTAssertTrue(StringBits.isInline(w))
            XCTAssertEqual(StringBits.compare(w, "ab"), .same)
        }
        XCTAssertEqual(StringBits.compare("", String()), .same)
        XCTAssertEqual(StringBits.compare("é", "\u{E9}"), .same)
        XCTAssertEqual(StringBits.compare("123456789012345", String("0123456789012345".dropFirst())), .same)
    }

    func testInlineStringsOfOtherBytesDiffer() {
        XCTAssertEqual(StringBits.compare("ab", "ac"), .different)
        XCTAssertEqual(StringBits.compare("ab", "abc"), .different)
        XCTAssertEqual(StringBits.compare("", "a"), .different)
        XCTAssertEqual(StringBits.compare("a", "a\u{0}"), .different)
        // Canonically equivalent, other bytes: different keys for Python, and here.
        XCTAssertEqual(StringBits.compare("\u{E9}", "e\u{301}"), .different)
    }

    func testStoredStringsAreLeftToTheBytes() {
        let long = "a key longer than fifteen bytes"
        XCTAssertFalse(StringBits.isInline(long))
        XCTAssertEqual(StringBits.compare(long, long), .same)
        XCTAssertEqual(StringBits.compare(long, stored(long)), .unknown)
        XCTAssertFalse(StringBits.isInline(stored("ab")))
        XCTAssertEqual(StringBits.compare("ab", stored("ab")), .unknown)
        XCTAssertEqual(StringBits.compare(stored("ab"), stored("ab")), .unknown)
    }

    func testInlineContainsAgreesWithTheBytes() {
        // The byte at every inline position, and not there; bytes that share bits with it.
        var texts = ["", "a", "/", "\u{E9}", "e\u{301}", "train_run", "\u{2F}\u{AF}", "\u{6F}"]
        for n in 1...15 {
            for i in 0..<n {
                texts.append(String(repeating: "a", count: i) + "/" + String(repeating: "b", count: n - i - 1))
            }
            texts.append(String(repeating: "o", count: n))
        }
        for t in texts {
            XCTAssertTrue(StringBits.isInline(t))
            for byte in [UInt8(ascii: "/"), UInt8(ascii: "o"), 0x2E, 0xAF, 0xC3] {
                XCTAssertEqual(StringBits.inlineContains(t, byte), t.utf8.contains(byte), "\(Array(t.utf8)), \(byte)")
            }
        }
        XCTAssertNil(StringBits.inlineContains("a key longer than fifteen bytes", UInt8(ascii: "/")))
        XCTAssertNil(StringBits.inlineContains(stored("a/b"), UInt8(ascii: "/")))
    }

    func testExactKeyEqualAgreesWithTheBytes() {
        let texts = [
            "", "a", "ab", "b", "content", "contentID", "123456789012345", "1234567890123456", "\u{E9}", "e\u{301}",
            "a\u{0}", "a key longer than fifteen bytes", "a key longer than fifteen bytez",
        ]
        let forms = texts.flatMap { [$0, stored($0), String(decoding: Array($0.utf8), as: UTF8.self)] }
        for a in forms {
            for b in forms {
                XCTAssertEqual(
                    ExactKey.equal(a, b), Array(a.utf8) == Array(b.utf8), "\(Array(a.utf8)) vs \(Array(b.utf8))")
            }
        }
    }
}
