import XCTest

@testable import LogStore

final class WindowPatchTests: XCTestCase {
    func window(x: [Double], y: [JSONValue], contentID: String = "c1") -> JSONValue {
        [
            "command": "window", "id": "w", "contentID": .string(contentID),
            "content": [
                "data": [["x": .array(x.map(JSONValue.double)), "y": .array(y), "type": "scatter"]],
                "layout": ["title": "t"],
            ],
        ]
    }

    /// An append to a plot moves the trace arrays aside, adds one element per new point,
    /// replaces `content` with the arrays left empty, moves them back and sets the new
    /// contentID; the page's hash of the result comes along. Applied to a copy the page has
    /// changed in place (as plotly does), it still gives the new window.
    func testAnAppendMovesTheArraysAsideAndAddsOnePerPoint() throws {
        let old = window(x: Array(0..<100).map(Double.init), y: Array(repeating: .double(1), count: 100))
        let new = window(
            x: Array(0..<102).map(Double.init), y: Array(repeating: .double(1), count: 100) + [.double(.nan), .null],
            contentID: "c2")
        let m = WindowPatch.message(old: old, new: new, env: "e", window: "w")
        XCTAssertEqual(m["command"], "window_update")
        XCTAssertEqual(m["win"], "w")
        XCTAssertEqual(m["env"], "e")
        XCTAssertEqual(m["finalHash"]?.stringValue, WindowHash.pageHash(new))
        let ops = try XCTUnwrap(m["content"]?.arrayValue)
        XCTAssertEqual(
            ops,
            [
                ["op": "move", "from": "/content/data/0/x", "path": "/__logstore_carry_0"],
                ["op": "add", "path": "/__logstore_carry_0/100", "value": 100.0],
                ["op": "add", "path": "/__logstore_carry_0/101", "value": 101.0],
                ["op": "move", "from": "/content/data/0/y", "path": "/__logstore_carry_1"],
                ["op": "add", "path": "/__logstore_carry_1/100", "value": .double(.nan)],
                ["op": "add", "path": "/__logstore_carry_1/101", "value": .null],
                [
                    "op": "replace", "path": "/content",
                    "value": ["data": [["x": [], "y": [], "type": "scatter"]], "layout": ["title": "t"]],
                ],
                ["op": "move", "from": "/__logstore_carry_0", "path": "/content/data/0/x"],
                ["op": "move", "from": "/__logstore_carry_1", "path": "/content/data/0/y"],
                ["op": "add", "path": "/contentID", "value": "c2"],
            ])
        XCTAssertEqual(Self.apply(ops, to: old), new)
        var drawn = old  // what the page's copy becomes once plotly has drawn it
        drawn = Self.apply(
            [
                ["op": "add", "path": "/content/data/0/opacity", "value": 1],
                ["op": "add", "path": "/content/layout/xaxis", "value": ["range": [0, 1]]],
            ], to: drawn)
        XCTAssertEqual(Self.apply(ops, to: drawn), new)
    }

    /// A text window gets a key-by-key patch.
    func testATextUpdateIsAPlainPatch() throws {
        let old: JSONValue = [
            "command": "window", "id": "t", "type": "text",
            "content": .string(String(repeating: "line<br>", count: 50)),
        ]
        var new = old
        new = Self.apply(
            [["op": "replace", "path": "/content", "value": .string(String(repeating: "line<br>", count: 51))]], to: new
        )
        let m = WindowPatch.message(old: old, new: new, env: "e", window: "t")
        XCTAssertEqual(m, new, "replacing the content is no shorter than the window")
        let titled = Self.apply([["op": "add", "path": "/title", "value": "new title"]], to: old)
        let t = WindowPatch.message(old: old, new: titled, env: "e", window: "t")
        XCTAssertEqual(t["content"], [["op": "add", "path": "/title", "value": "new title"]])
    }

    /// When the points the page has change (a re-bucketed thinned trace), the patch is longer
    /// than the window, which is then sent whole; unknown or unchanged windows are sent whole.
    func testTheSmallerOfPatchAndWindowIsSent() {
        let old = window(x: Array(0..<100).map(Double.init), y: Array(repeating: .double(1), count: 100))
        let shifted = window(x: Array(0..<100).map { Double($0) * 2 }, y: Array(repeating: .double(2), count: 100))
        XCTAssertEqual(WindowPatch.message(old: old, new: shifted, env: "e", window: "w"), shifted)
        // one x moved (a re-bucketed trace): y, unchanged, is carried, and the rest of the
        // content replaced, never patched key by key: the page's copy of a plot is not what it
        // was sent (plotly edits it), and the patch must give the new window all the same
        let moved = Self.apply([["op": "replace", "path": "/content/data/0/x/50", "value": 50.5]], to: old)
        let m = WindowPatch.message(old: old, new: moved, env: "e", window: "w")
        let drawn = Self.apply([["op": "add", "path": "/content/data/0/opacity", "value": 1]], to: old)
        XCTAssertEqual(Self.apply(m["content"]?.arrayValue ?? [], to: drawn), moved)
        XCTAssertEqual(WindowPatch.message(old: nil, new: shifted, env: "e", window: "w"), shifted)
        XCTAssertEqual(WindowPatch.message(old: shifted, new: shifted, env: "e", window: "w"), shifted)
    }

    /// Keys removed, added and replaced, shorter arrays, other types, keys that need escaping:
    /// applying the patch gives the new window.
    func testPatchesTurnTheOldWindowIntoTheNew() {
        let a: JSONValue = ["k/~": 1, "gone": true, "list": [1, 2, 3, 4], "o": ["p": [1]], "t": "text"]
        let b: JSONValue = ["k/~": 2, "list": [1, 5], "o": ["p": ["x": 1]], "t": ["now": "object"], "new": .null]
        var ops: [JSONValue] = []
        WindowPatch.diff(a, b, path: "", into: &ops)
        XCTAssertTrue(ops.contains(["op": "replace", "path": "/k~1~0", "value": 2]), "\(ops)")
        XCTAssertEqual(Self.apply(ops, to: a), b)
    }

    /// RFC 6902 add/remove/replace, as fast-json-patch (the page's) applies them, to check
    /// the patches round-trip; the browser test checks the page itself.
    static func apply(_ ops: [JSONValue], to doc: JSONValue) -> JSONValue {
        var doc = doc
        for op in ops {
            let tokens = (op["path"]?.stringValue ?? "").split(separator: "/", omittingEmptySubsequences: false)
                .dropFirst()
                .map { $0.replacingOccurrences(of: "~1", with: "/").replacingOccurrences(of: "~0", with: "~") }
            if op["op"] == "move" {
                let from = (op["from"]?.stringValue ?? "").split(separator: "/", omittingEmptySubsequences: false)
                    .dropFirst()
                    .map { $0.replacingOccurrences(of: "~1", with: "/").replacingOccurrences(of: "~0", with: "~") }
                let value = get(doc, Array(from)[...])
                edit(&doc, Array(from)[...], "remove", .null)
                edit(&doc, Array(tokens)[...], "add", value)
            } else {
                edit(&doc, Array(tokens)[...], op["op"]?.stringValue ?? "", op["value"] ?? .null)
            }
        }
        return doc
    }

    private static func get(_ node: JSONValue, _ path: ArraySlice<String>) -> JSONValue {
        guard let key = path.first else { return node }
        switch node {
        case .object(let o): return get(o[key] ?? .null, path.dropFirst())
        case .array(let a): return get(a[Int(key)!], path.dropFirst())
        default: return .null
        }
    }

    private static func edit(_ node: inout JSONValue, _ path: ArraySlice<String>, _ op: String, _ value: JSONValue) {
        guard let key = path.first else {
            node = value
            return
        }
        switch node {
        case .object(var o):
            if path.count == 1 {
                if op == "remove" { _ = o.removeValue(forKey: key) } else { o[key] = value }
            } else {
                var child = o[key] ?? .null
                edit(&child, path.dropFirst(), op, value)
                o[key] = child
            }
            node = .object(o)
        case .array(var a):
            let i = Int(key)!
            if path.count == 1 {
                switch op {
                case "remove": a.remove(at: i)
                case "add": a.insert(value, at: i)
                default: a[i] = value
                }
            } else {
                edit(&a[i], path.dropFirst(), op, value)
            }
            node = .array(a)
        default:
            XCTFail("path into a scalar")
        }
    }
}

extension WindowPatchTests {
    /// A thinned trace whose last buckets changed (`DisplayBuckets`): the arrays are carried,
    /// their changed tail removed and the new one added, a patch far smaller than the window.
    func testAChangedTailIsRemovedAndAddedAgain() throws {
        let old = window(x: Array(0..<1000).map(Double.init), y: (0..<1000).map { .double(Double($0 % 10)) })
        var x = Array(0..<998).map(Double.init) + [998.5, 1001]
        x[997] = 997.5
        let new = window(x: x, y: (0..<1000).map { .double(Double($0 % 10)) } + [.double(.nan)], contentID: "c2")
        let m = WindowPatch.message(old: old, new: new, env: "e", window: "w")
        XCTAssertEqual(m["command"], "window_update")
        let ops = try XCTUnwrap(m["content"]?.arrayValue)
        XCTAssertEqual(
            Array(ops.prefix(7)),
            [
                ["op": "move", "from": "/content/data/0/x", "path": "/__logstore_carry_0"],
                ["op": "remove", "path": "/__logstore_carry_0/999"],
                ["op": "remove", "path": "/__logstore_carry_0/998"],
                ["op": "remove", "path": "/__logstore_carry_0/997"],
                ["op": "add", "path": "/__logstore_carry_0/997", "value": 997.5],
                ["op": "add", "path": "/__logstore_carry_0/998", "value": 998.5],
                ["op": "add", "path": "/__logstore_carry_0/999", "value": 1001.0],
            ])
        XCTAssertLessThan(JSONWriter.string(m).utf8.count, JSONWriter.string(new).utf8.count / 10)
        let drawn = Self.apply([["op": "add", "path": "/content/data/0/opacity", "value": 1]], to: old)
        XCTAssertEqual(Self.apply(ops, to: drawn), new)
    }
}
