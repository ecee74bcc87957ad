import XCTest

@testable import LogStore

/// `PaneValue.forEachSeries`: the one walk over a pane's series, with paths, in document order.
final class PaneValueTests: XCTestCase {
    let a = SeriesSlot(id: 1, kind: .list), b = SeriesSlot(id: 2, kind: .text), c = SeriesSlot(id: 3, kind: .list)

    /// A head with series in a list of dicts, a nested list and at the top, among scalars.
    var head: PaneValue {
        .object(
            PyDict([
                ("type", .string("plot")),
                (
                    "content",
                    .object(
                        PyDict([
                            (
                                "data",
                                .array([
                                    .object(
                                        PyDict([
                                            ("x", .series(a)), ("name", .string("loss")),
                                            ("y", .array([.int(1), .series(b)])),
                                        ])),
                                    .int(7),
                                ])
                            )
                        ]))
                ),
                ("title", .series(c)),
            ]))
    }

    func testEverySeriesWithItsPathInDocumentOrder() {
        let found = head.seriesPaths
        XCTAssertEqual(found.map(\.slot.id), [1, 2, 3])
        XCTAssertEqual(
            found.map(\.path),
            [
                [.string("content"), .string("data"), .int(0), .string("x")],
                [.string("content"), .string("data"), .int(0), .string("y"), .int(1)],
                [.string("title")],
            ])
        XCTAssertEqual(PaneValue.series(a).seriesPaths.map(\.path), [[]])
        XCTAssertEqual(PaneValue.array([.int(1), .string("s"), .array([])]).seriesPaths.count, 0)
    }

    func testTheWalkStopsWhenAskedTo() {
        var seen: [Int64] = []
        let finished = head.forEachSeries { _, slot in
            seen.append(slot.id)
            return slot.id != 2
        }
        XCTAssertFalse(finished)
        XCTAssertEqual(seen, [1, 2])
        XCTAssert(head.forEachSeries { _, _ in true })
    }

    func testHoldsSeries() {
        XCTAssert(head.holdsSeries)
        XCTAssert(PaneValue.array([.int(1), .array([.null, .series(a)])]).holdsSeries)
        XCTAssertFalse(
            PaneValue.array([.int(1), .array([.null, .double(.nan)]), .object(PyDict([("k", .string("v"))]))])
                .holdsSeries)
        XCTAssertFalse(PaneValue.int(3).holdsSeries)
    }
}
