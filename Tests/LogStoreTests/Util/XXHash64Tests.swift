import XCTest

@testable import LogStore

/// XXH64 against what the reference implementation's `xxhsum -H64` prints for the same bytes,
/// fed whole and in pieces of every size.
final class XXHash64Tests: XCTestCase {
    func hex(_ bytes: [UInt8]) -> String { bytes.map { String(format: "%02x", $0) }.joined() }

    /// 0, 7, 14, … as bytes: no run of equal bytes, every stripe and tail path exercised.
    func pattern(_ n: Int) -> [UInt8] { (0..<n).map { UInt8(truncatingIfNeeded: $0 &* 31 &+ 7) } }

    func testWhatXxhsumPrints() {
        XCTAssertEqual(hex(XXHash64.hash([UInt8]())), "ef46db3751d8e999")
        XCTAssertEqual(hex(XXHash64.hash(Array("a".utf8))), "d24ec4f1a98c6e5b")
        XCTAssertEqual(hex(XXHash64.hash(Array("abc".utf8))), "44bc2cf5ad770999")
        XCTAssertEqual(hex(XXHash64.hash(pattern(37))), "5d71d9fc4b676d9f")
        XCTAssertEqual(hex(XXHash64.hash(pattern(1000))), "99594f4828043d35")
        XCTAssertEqual(hex(XXHash64.hash([UInt8](repeating: UInt8(ascii: "a"), count: 1_000_000))), "dc483aaa9b4fdc40")
    }

    func testFeedingInPiecesGivesTheSameHashAsAtOnce() {
        let message = pattern(1000)
        for piece in [1, 3, 7, 31, 32, 33, 63, 64, 65, 500] {
            var h = XXHash64()
            var i = 0
            while i < message.count {
                let end = min(i + piece, message.count)
                if piece == 1 { h.update(byte: message[i]) } else { h.update(message[i..<end]) }
                i = end
            }
            XCTAssertEqual(hex(h.digest()), "99594f4828043d35", "pieces of \(piece)")
            XCTAssertEqual(h.count, 1000)
        }
    }

    func testADigestOnTheWayDoesNotEndTheStream() {
        var h = XXHash64()
        h.update(Array("ab".utf8))
        XCTAssertEqual(h.digest(), XXHash64.hash(Array("ab".utf8)))
        h.update(Array("c".utf8))
        XCTAssertEqual(hex(h.digest()), "44bc2cf5ad770999")
    }
}
