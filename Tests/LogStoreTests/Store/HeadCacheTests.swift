import XCTest

@testable import LogStore

/// The writer's cache of decoded heads, and the pane comparison that lets an unchanged head
/// skip its encoding: both must be invisible in what the store holds.
final class HeadCacheTests: XCTestCase {
    func pane(_ text: String) throws -> PaneValue { PaneValue(try json(text)) }

    func testAPaneIsReusedOnlyForTheSameBytes() throws {
        let cache = HeadCache(capacity: 4)
        let a = ValueCodec.encodePane(try pane(#"{"type": "plot", "title": "a"}"#))
        let b = ValueCodec.encodePane(try pane(#"{"type": "plot", "title": "b"}"#))
        let first = try cache.pane(window: 1, bytes: a)
        XCTAssertEqual(ValueCodec.encodePane(first), a)
        XCTAssertEqual(ValueCodec.encodePane(try cache.pane(window: 1, bytes: a)), a)
        // Same window id, other bytes (a rolled-back head, a reused id): decoded afresh.
        XCTAssertEqual(ValueCodec.encodePane(try cache.pane(window: 1, bytes: b)), b)
        XCTAssertEqual(ValueCodec.encodePane(try cache.pane(window: 1, bytes: a)), a)
        XCTAssertEqual(cache.count, 1)
        // Windows asked in turn, each with its own bytes.
        XCTAssertEqual(ValueCodec.encodePane(try cache.pane(window: 3, bytes: b)), b)
        XCTAssertEqual(ValueCodec.encodePane(try cache.pane(window: 1, bytes: a)), a)
        XCTAssertEqual(ValueCodec.encodePane(try cache.pane(window: 3, bytes: a)), a)
        XCTAssertThrowsError(try cache.pane(window: 2, bytes: [0xff]))
    }

    func testTheCacheStaysWithinItsCapacity() throws {
        let cache = HeadCache(capacity: 3)
        let bytes = ValueCodec.encodePane(try pane(#"{"type": "text"}"#))
        for w in 0..<10 { _ = try cache.pane(window: Int64(w), bytes: bytes) }
        XCTAssertLessThanOrEqual(cache.count, 3)
        XCTAssertGreaterThan(cache.count, 0)
    }

    func testSameEncodingIsEqualityOfTheEncodedBytes() throws {
        let list = SeriesSlot(id: 3, kind: .list)
        var pending = list
        pending.pending = [.init(prepend: false, values: [.int(1)])]
        let values: [PaneValue] = [
            .null, .bool(true), .bool(false), .int(1), .double(1), .bigInt("1"), .string("1"),
            .double(0), .double(-0.0), .double(.nan), .double(-.nan), .double(.infinity),
            .string("\u{e9}"), .string("e\u{301}"),  // canonically equivalent, other bytes
            .array([]), .array([.int(1)]), .array([.int(1), .int(2)]), .array([.int(2), .int(1)]),
            try pane(#"{"a": 1, "b": 2}"#), try pane(#"{"b": 2, "a": 1}"#), try pane(#"{"a": 1}"#),
            try pane(#"{"a": 1.0}"#),
            .object(PyDict([("\u{e9}", .int(1))])), .object(PyDict([("e\u{301}", .int(1))])),
            .series(list), .series(pending), .series(SeriesSlot(id: 3, kind: .text)),
            .series(SeriesSlot(id: 4, kind: .list)),
            .object(
                PyDict([("content", .object(PyDict([("data", .array([.object(PyDict([("y", .series(list))]))]))])))])),
            .object(
                PyDict([("content", .object(PyDict([("data", .array([.object(PyDict([("y", .series(pending))]))]))])))])
            ),
        ]
        var equalPairs = 0
        for a in values {
            for b in values {
                let same = ValueCodec.encodePane(a) == ValueCodec.encodePane(b)
                XCTAssertEqual(ValueCodec.sameEncoding(a, b), same, "\(a) vs \(b)")
                if same { equalPairs += 1 }
            }
        }
        // each value with itself, and the series with and without pending operations (twice)
        XCTAssertEqual(equalPairs, values.count + 4)
    }

    /// Copies that still share storage with the pane they came from compare equal without a
    /// walk; a copy changed deep inside (here only the sign of a zero) no longer shares the
    /// containers on the way to the change and compares as unequal, as its bytes do.
    func testCopiesOfAPaneCompareByTheirContentWhereverTheyShareStorage() throws {
        let loaded = try pane(
            #"{"content": {"data": [{"x": [0, 1], "y": [0.0, 2]}, {"x": [5]}], "layout": {"t": "a"}}, "type": "plot"}"#)
        func changed(_ body: (inout PyDict<PaneValue>) -> Void) -> PaneValue {
            guard case .object(var top) = loaded, case .object(var content)? = top["content"],
                case .array(var data)? = content["data"], case .object(var trace) = data[0]
            else { return .null }
            body(&trace)
            data[0] = .object(trace)
            content["data"] = .array(data)
            top["content"] = .object(content)
            return .object(top)
        }
        let untouched = loaded
        let rewritten = changed { trace in trace["y"] = trace["y"] }
        let negativeZero = changed { trace in trace["y"] = .array([.double(-0.0), .int(2)]) }
        let reordered = changed { trace in
            let x = trace["x"]
            trace["x"] = nil
            trace["x"] = x
        }
        for (copy, same) in [(untouched, true), (rewritten, true), (negativeZero, false), (reordered, false)] {
            XCTAssertEqual(ValueCodec.encodePane(copy) == ValueCodec.encodePane(loaded), same)
            XCTAssertEqual(ValueCodec.sameEncoding(copy, loaded), same)
            XCTAssertEqual(ValueCodec.sameEncoding(loaded, copy), same)
        }
    }

    /// The same messages through one handle (heads decoded once and reused) and through a new
    /// handle per message (every head decoded from the store) leave identical rows.
    func testAppendsThroughTheCacheStoreTheSameRowsAsWithout() throws {
        let dir = try temporaryDirectory(self)
        let messages: [(Endpoint, String)] = [
            (
                .events,
                #"{"data": [{"x": [0], "y": [0], "name": "a", "type": "scatter"}], "win": "w", "layout": {}, "opts": {}}"#
            ),
            (
                .update,
                #"{"data": [{"x": [1], "y": [1]}], "win": "w", "name": "a", "append": true, "opts": {"markers": false}, "layout": {}}"#
            ),
            (
                .update,
                #"{"data": [{"x": [2], "y": [NaN]}], "win": "w", "name": "a", "append": true, "opts": {"markers": false}, "layout": {}}"#
            ),
            (.update, #"{"data": [{"x": [3], "y": [3]}], "win": "w", "name": "b", "append": true, "layout": {}}"#),
            (
                .update,
                #"{"data": [{"x": [4], "y": [4]}], "win": "w", "name": "a", "append": true, "opts": {"title": "t"}, "layout": {}}"#
            ),
            (
                .events,
                #"{"data": [{"x": [9], "y": [9], "name": "a", "type": "scatter"}], "win": "w", "layout": {}, "opts": {}}"#
            ),
            (.update, #"{"data": [{"x": [5], "y": [5]}], "win": "w", "name": "a", "append": true, "layout": {}}"#),
            (.close, #"{"win": "w"}"#),
            (.update, #"{"data": [{"x": [6], "y": [6]}], "win": "w", "name": "a", "append": true, "layout": {}}"#),
            (.update, #"{"data": [{"x": [7], "y": [7]}], "win": "w", "name": "a", "append": true, "layout": {}}"#),
        ]
        let cached = dir.appendingPathComponent("cached.db").path
        let fresh = dir.appendingPathComponent("fresh.db").path
        do {
            let store = try LogStore(path: cached)
            for (endpoint, text) in messages { try store.apply(endpoint, text) }
        }
        for (endpoint, text) in messages { try LogStore(path: fresh).apply(endpoint, text) }
        func rows(_ path: String) throws -> [[SQLValue]] {
            let db = try Connection(path: path, mode: .readOnly)
            var out: [[SQLValue]] = []
            for sql in [
                "SELECT window_id, epoch, doc FROM head ORDER BY 1, 2", "SELECT * FROM segment ORDER BY 1, 2",
                "SELECT * FROM window_change ORDER BY 1, 2", "SELECT * FROM window ORDER BY 1",
            ] {
                try db.forEach(sql, []) { st in out.append((0..<st.columnCount).map { st.value($0) }) }
            }
            return out
        }
        XCTAssertEqual(try rows(cached), try rows(fresh))
        let db = try Connection(path: cached, mode: .readOnly)
        var epochs: [Int64] = []
        try db.forEach("SELECT epoch FROM head ORDER BY epoch", []) { epochs.append($0.int64(0)) }
        // The opts change of epoch 2 and the title of epoch 5 wrote heads; the plain appends
        // after them (epochs 3, 7, 10) found their head unchanged and wrote none.
        XCTAssertEqual(epochs, [1, 2, 5, 6])
    }
}
