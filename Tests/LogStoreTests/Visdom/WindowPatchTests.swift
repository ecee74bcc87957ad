import XCTest

@testable import LogStore

final class WindowPatchTests: XCTestCase {
    func window(x: [Double], y: [JSONValue], contentID: String = "c1") -> JSONValue {
        ["command": "window", "id": "w", "contentID": .string(contentID),
         "content": ["data": [["x": .array(x.map(JSONValue.double)), "y": .array(y), "type": "scatter"]], "layout": ["title": "t"]]]
    }

    /// An append is one `add` per new point (and the new contentID), with the page's hash of
    /// the result.
    func testAnAppendIsOneAddPerPoint() throws {
        let old = window(x: Array(0..<100).map(Double.init), y: Array(repeating: .double(1), count: 100))
        let new = window(x: Array(0..<102).map(Double.init), y: Array(repeating: .double(1), count: 100) + [.double(.nan), .null], contentID: "c2")
        let m = WindowPatch.message(old: old, new: new, env: "e", window: "w")
        XCTAssertEqual(m["command"], "window_update")
        XCTAssertEqual(m["win"], "w")
        XCTAssertEqual(m["env"], "e")
        XCTAssertEqual(m["finalHash"]?.stringValue, WindowHash.pageHash(new))
        let ops = try XCTUnwrap(m["content"]?.arrayValue)
        XCTAssertEqual(ops, [
            ["op": "replace", "path": "/contentID", "value": "c2"],
            ["op": "add", "path": "/content/data/0/x/100", "value": 100.0],
            ["op": "add", "path": "/content/data/0/x/101", "value": 101.0],
            ["op": "add", "path": "/content/data/0/y/100", "value": .double(.nan)],
            ["op": "add", "path": "/content/data/0/y/101", "value": .null],
        ])
        XCTAssertEqual(Self.apply(ops, to: old), new)
    }

    /// When the points the page has change (a re-bucketed thinned trace), the patch is longer
    /// than the window, which is then sent whole; unknown or unchanged windows are sent whole.
    func testTheSmallerOfPatchAndWindowIsSent() {
        let old = window(x: Array(0..<100).map(Double.init), y: Array(repeating: .double(1), count: 100))
        let shifted = window(x: Array(0..<100).map { Double($0) * 2 }, y: Array(repeating: .double(2), count: 100))
        XCTAssertEqual(WindowPatch.message(old: old, new: shifted, env: "e", window: "w"), shifted)
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
            let tokens = (op["path"]?.stringValue ?? "").split(separator: "/", omittingEmptySubsequences: false).dropFirst()
                .map { $0.replacingOccurrences(of: "~1", with: "/").replacingOccurrences(of: "~0", with: "~") }
            edit(&doc, Array(tokens)[...], op["op"]?.stringValue ?? "", op["value"] ?? .null)
        }
        return doc
    }

    private static func edit(_ node: inout JSONValue, _ path: ArraySlice<String>, _ op: String, _ value: JSONValue) {
        guard let key = path.first else { node = value; return }
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
