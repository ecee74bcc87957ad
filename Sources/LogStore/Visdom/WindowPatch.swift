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
/// The page's copy does not stay what it was sent: after applying a patch it takes a JSON copy
/// of the pane it draws, which plotly and the plot pane have changed in place (a trace's empty
/// `line` dropped, `textposition` "right" made "middle right", `opacity` added), so a second
/// patch made against the window as sent misses the hash (visdom's own server has the page
/// reload the env on every other append to a line). A patch to a plot therefore rebuilds the
/// window's `content` and keeps only the trace arrays the page already has: each array that
/// shares a prefix with the new one and differs in few elements after it (an append; the tail
/// buckets of a thinned trace, `DisplayBuckets`) is moved aside, its old tail removed and the
/// new tail added, the `content` is replaced by the new one with those arrays empty, and they
/// are moved back. That is one operation per changed point plus the size of the layout and
/// the traces' other keys. Other
/// windows (text), which the page keeps as sent, get a plain key-by-key patch (what
/// `jsonpatch.make_patch` finds).
public enum WindowPatch {
    /// The message that brings a page holding `old` (nil: it holds nothing known) to `new`,
    /// a window of env `env` whose id is `window`.
    public static func message(old: JSONValue?, new: JSONValue, env: String, window: String) -> JSONValue {
        guard let old, old != new else { return new }
        var ops: [JSONValue] = []
        if !rebuildPlot(old, new, into: &ops) { diff(old, new, path: "", into: &ops) }
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

    /// The patch for a plot (see above), carrying the trace arrays whose prefix the page has;
    /// false when the windows are not both plots with traces. With no array carried (a
    /// re-bucketed thinned trace) it replaces the whole content, and the window is sent whole.
    static func rebuildPlot(_ old: JSONValue, _ new: JSONValue, into ops: inout [JSONValue]) -> Bool {
        guard case .object(let oldWindow) = old, case .object(let newWindow) = new,
            case .object(var content)? = newWindow["content"], case .array(var traces)? = content["data"],
            case .array(let oldTraces)? = oldWindow["content"]?["data"]
        else { return false }
        var carried: [(aside: String, home: String)] = []
        for i in 0..<min(traces.count, oldTraces.count) {
            guard case .object(var trace) = traces[i], case .object(let oldTrace) = oldTraces[i] else { continue }
            for (key, value) in trace.pairs {
                guard case .array(let now) = value, case .array(let before)? = oldTrace[key] else { continue }
                var common = 0
                while common < min(now.count, before.count) && now[common] == before[common] { common += 1 }
                // an operation costs about what three elements sent in `content` do
                guard common > 0, 3 * (before.count - common + now.count - common) < now.count else { continue }
                let home = "/content/data/\(i)/" + escape(key)
                let aside = "/__logstore_carry_\(carried.count)"
                ops.append(["op": "move", "from": .string(home), "path": .string(aside)])
                for j in (common..<before.count).reversed() {
                    ops.append(["op": "remove", "path": .string(aside + "/\(j)")])
                }
                for j in common..<now.count {
                    ops.append(["op": "add", "path": .string(aside + "/\(j)"), "value": now[j]])
                }
                carried.append((aside, home))
                trace[key] = .array([])
            }
            traces[i] = .object(trace)
        }
        content["data"] = .array(traces)
        ops.append(["op": "replace", "path": "/content", "value": .object(content)])
        for (aside, home) in carried { ops.append(["op": "move", "from": .string(aside), "path": .string(home)]) }
        for k in oldWindow.keys where !newWindow.contains(k) {
            ops.append(["op": "remove", "path": .string("/" + escape(k))])
        }
        for (k, v) in newWindow.pairs where k != "content" && oldWindow[k] != v {
            ops.append(["op": "add", "path": .string("/" + escape(k)), "value": v])
        }
        return true
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
            for i in common..<y.count {
                ops.append(["op": "add", "path": .string(path + "/" + String(i)), "value": y[i]])
            }
            for i in (common..<x.count).reversed() {
                ops.append(["op": "remove", "path": .string(path + "/" + String(i))])
            }
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
