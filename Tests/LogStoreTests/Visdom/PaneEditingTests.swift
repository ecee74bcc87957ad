import XCTest

@testable import LogStore

/// `PaneValue.isSameValue(as:)`: the sameness under which setting one value where the other
/// is changes nothing.
final class PaneEditingTests: XCTestCase {
    func testSameValueIsExactSameness() throws {
        let same: [(PaneValue, PaneValue)] = [
            (.null, .null), (.bool(true), .bool(true)), (.int(1), .int(1)), (.double(.nan), .double(.nan)),
            (.double(-.infinity), .double(-.infinity)),
            (.bigInt("18446744073709551616"), .bigInt("18446744073709551616")),
            (.string("\u{E9}"), .string("\u{E9}")),
            (.array([.int(1), .string("a")]), .array([.int(1), .string("a")])),
            (.object(PyDict([("a", .int(1)), ("b", .null)])), .object(PyDict([("a", .int(1)), ("b", .null)]))),
            (.array([]), .array([])),
        ]
        for (a, b) in same { XCTAssertTrue(a.isSameValue(as: b), "\(a) vs \(b)") }
        let other: [(PaneValue, PaneValue)] = [
            (.null, .bool(false)), (.int(1), .double(1)), (.int(1), .bool(true)), (.double(0), .double(-0.0)),
            (.double(.nan), .double(-.nan)), (.string("\u{E9}"), .string("e\u{301}")), (.string("1"), .int(1)),
            (.bigInt("18446744073709551616"), .double(18446744073709551616)),
            (.array([.int(1)]), .array([.int(1), .int(1)])),
            (.object(PyDict([("a", .int(1)), ("b", .null)])), .object(PyDict([("b", .null), ("a", .int(1))]))),
            (.object(PyDict([("a", .int(1))])), .array([.int(1)])),
        ]
        for (a, b) in other {
            XCTAssertFalse(a.isSameValue(as: b), "\(a) vs \(b)")
            XCTAssertFalse(b.isSameValue(as: a), "\(b) vs \(a)")
        }
    }

    func testASeriesIsTheSameOnlyInSharedStorage() {
        var slot = SeriesSlot(id: 3, kind: .list)
        XCTAssertFalse(PaneValue.series(slot).isSameValue(as: .series(slot)))
        let shared: [PaneValue] = [.series(slot)]
        XCTAssertTrue(PaneValue.array(shared).isSameValue(as: .array(shared)))
        slot.pending.append(SeriesSlot.Operation(prepend: false, values: [.int(1)]))
        XCTAssertFalse(PaneValue.array(shared).isSameValue(as: .array([.series(slot)])))
    }
}
