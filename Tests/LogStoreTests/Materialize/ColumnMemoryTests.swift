import XCTest

@testable import LogStore

/// `ColumnMemory`: large blocks are whole huge pages, kept once freed and given again to a
/// column they fit; small ones and those beyond the limit go back to malloc.
final class ColumnMemoryTests: XCTestCase {
    let page = ColumnMemory.hugePage

    func testAFreedLargeBlockIsGivenAgainToAColumnItFits() {
        // 11 huge pages: a size no other test leaves kept.
        let (block, bytes) = ColumnMemory.allocate(11 * page - 5)
        XCTAssertEqual(bytes, 11 * page)
        XCTAssertEqual(Int(bitPattern: block) % page, 0)
        ColumnMemory.release(block, bytes)
        XCTAssertGreaterThanOrEqual(ColumnMemory.keptForReuse, bytes)
        // more than twice the size asked for: not given
        let (small, smallBytes) = ColumnMemory.allocate(5 * page)
        XCTAssertNotEqual(small, block)
        let (again, againBytes) = ColumnMemory.allocate(10 * page + 1)
        XCTAssertEqual(again, block)
        XCTAssertEqual(againBytes, 11 * page)
        ColumnMemory.release(small, smallBytes)
        ColumnMemory.release(again, againBytes)
        XCTAssertLessThanOrEqual(ColumnMemory.keptForReuse, ColumnMemory.keptLimit)
    }

    func testKeptBlocksStayWithinTheLimit() {
        let blocks = (0..<5).map { _ in ColumnMemory.allocate(ColumnMemory.keptLimit / 4) }
        for (block, bytes) in blocks { ColumnMemory.release(block, bytes) }
        XCTAssertLessThanOrEqual(ColumnMemory.keptForReuse, ColumnMemory.keptLimit)
        let (huge, hugeBytes) = ColumnMemory.allocate(ColumnMemory.keptLimit + page)
        ColumnMemory.release(huge, hugeBytes)
        XCTAssertLessThanOrEqual(ColumnMemory.keptForReuse, ColumnMemory.keptLimit)
    }

    func testASmallBlockIsMallocs() {
        let (block, bytes) = ColumnMemory.allocate(100)
        XCTAssertEqual(bytes, 100)
        let before = ColumnMemory.keptForReuse
        ColumnMemory.release(block, bytes)
        XCTAssertEqual(ColumnMemory.keptForReuse, before)
    }

    /// A column read twice gets the first read's memory once that is freed.
    func testAReadAgainReusesTheColumnsMemory() throws {
        let store = try temporaryStore(self)
        let n = 300_000  // 2.4 MB of doubles: a large block
        let ys = (0..<n).map { "\($0).5" }.joined(separator: ",")
        try store.apply(
            .events,
            #"{"eid": "main", "win": "w", "data": [{"y": [\#(ys)], "type": "scatter"}], "layout": {}, "opts": {}}"#)
        var first: UnsafeMutablePointer<Double>? = nil
        do {
            let y = try XCTUnwrap(try store.traces(env: "main", window: "w")[0].y)
            first = y.values.base
        }
        let y = try XCTUnwrap(try store.traces(env: "main", window: "w")[0].y)
        XCTAssertEqual(y.values.base, first)
        XCTAssertEqual(y.values.count, n)
        XCTAssertEqual(y.values[n - 1], Double(n - 1) + 0.5)
    }
}
