/// visdom's `window_update` (`UpdateHandler.wrap_func`): a page that holds a window as it was
/// last sent learns its new state as a JSON patch (RFC 6902) plus the hash of the result, when
/// that message is shorter than the window itself; otherwise the window is sent whole.
///
/// The page applies the patch to its copy, compares `WindowHash.pageHash` of the result with
/// `finalHash`, and asks for the whole env again when they differ, so a patch can never leave
/// it showing something else than the window. visdom's `finalHash` is Python's `json.dumps`
/// of the window (ASCII escapes, `1e-05`), which the page's JavaScript hash misses for
/// non-ASCII text and some numbers (the page then reloads the env); here it is the hash the
/// page computes.
///
/// The patch (what `jsonpatch.make_patch` finds for an append): objects key by key, arrays
/// element by element, extra elements added at their index, missing ones removed from the
/// end, anything else replaced. An append to a trace is one `add` per new point, as long as
/// the points the page has are unchanged (a thinned trace that is re-bucketed changes them,
/// and is then sent whole because the patch is longer).
public enum WindowPatch {
    /// The message that brings a page holding `old` (nil: it holds nothing known) to `new`,
    /// a window of env `env` whose id is `window`.
    public static func message(old: JSONValue?, new: JSONValue, env: String, window: String) -> JSONValue {
        guard let old, old != new else { return new }
        var ops: [JSONValue] = []
        diff(old, new, path: "", into: &ops)
        let update: JSONValue = [
            "command": "window_update", "win": .string(window), "env": .string(env),
            "content": .array(ops), "finalHash": .string(WindowHash.pageHash(new)),
        ]
        var full: [UInt8] = []
        var patch: [UInt8] = []
        JSONWriter.write(new, to: &full)
        JSONWriter.write(update, to: &patch)
        return full.count <= patch.count ? new : update
    }

    /// RFC 6902 operations that turn `a` into `b`; `path` is `a`'s JSON pointer.
    static func diff(_ a: JSONValue, _ b: JSONValue, path: String, into ops: inout [JSONValue]) {
        if a == b { return }
        switch (a, b) {
        case (.object(let x), .object(let y)):
            for k in x.keys where !y.contains(k) {
                ops.append(["op": "remove", "path": .string(path + "/" + escape(k))])
            }
            for (k, v) in y.pairs {
                if let old = x[k] {
                    diff(old, v, path: path + "/" + escape(k), into: &ops)
                } else {
                    ops.append(["op": "add", "path": .string(path + "/" + escape(k)), "value": v])
                }
            }
        case (.array(let x), .array(let y)):
            let common = min(x.count, y.count)
            for i in 0..<common { diff(x[i], y[i], path: path + "/" + String(i), into: &ops) }
            for i in common..<y.count { ops.append(["op": "add", "path": .string(path + "/" + String(i)), "value": y[i]]) }
            for i in (common..<x.count).reversed() { ops.append(["op": "remove", "path": .string(path + "/" + String(i))]) }
        default:
            ops.append(["op": "replace", "path": .string(path), "value": b])
        }
    }

    /// A key as a JSON pointer token (RFC 6901): `~` → `~0`, `/` → `~1`.
    static func escape(_ key: String) -> String {
        guard key.utf8.contains(where: { $0 == UInt8(ascii: "~") || $0 == UInt8(ascii: "/") }) else { return key }
        var out = ""
        for c in key.unicodeScalars {
            switch c {
            case "~": out += "~0"
            case "/": out += "~1"
            default: out.unicodeScalars.append(c)
            }
        }
        return out
    }
}
