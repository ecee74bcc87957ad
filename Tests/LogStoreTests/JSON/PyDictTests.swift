import XCTest

@testable import LogStore

final class PyDictTests: XCTestCase {
    func testMapValuesKeepsKeysOrderAndLookupsBelowAndAboveTheScanLimit() {
        for n in [0, 3, 16, 17, 40] {
            var d = PyDict<Int>()
            for i in (0..<n).reversed() { d["key\(i)"] = i }
            let m = d.mapValues { String($0 * 2) }
            XCTAssertEqual(m.keys, d.keys)
            XCTAssertEqual(m.values, d.values.map { String($0 * 2) })
            for i in 0..<n { XCTAssertEqual(m["key\(i)"], String(i * 2), "n \(n), key\(i)") }
            XCTAssertNil(m["key\(n)"])
            // The mapped dict stays a working dict: replace in place, remove, re-add at the end.
            var e = m
            if n > 1 {
                e["key0"] = "x"
                XCTAssertEqual(e.keys, m.keys)
                e["key1"] = nil
                e["key1"] = "y"
                XCTAssertEqual(e.keys.last, "key1")
                XCTAssertEqual(e["key1"], "y")
                XCTAssertEqual(e["key0"], "x")
            }
        }
    }

    /// A lookup from a position finds every key wherever it is (after the position, before it,
    /// at it), misses what is missing, and compares keys by their bytes, below and above the
    /// scan limit.
    func testIndexFromAPositionFindsEveryKeyWhereverItIs() {
        for n in [1, 5, 16, 17, 30] {
            var d = PyDict<Int>()
            for i in 0..<n { d["k\(i)"] = i }
            d["e\u{301}"] = n
            for start in [0, 1, n / 2, n, n + 1, n + 5] {
                for i in 0..<n { XCTAssertEqual(d.index(forKey: "k\(i)", from: start), i, "n \(n), from \(start)") }
                XCTAssertEqual(d.index(forKey: "e\u{301}", from: start), n)
                XCTAssertNil(d.index(forKey: "\u{e9}", from: start), "NFC is not its NFD twin")
                XCTAssertNil(d.index(forKey: "k\(n)", from: start))
            }
        }
    }
}
