/// visdom 0.2.4's `compare_envs`: the page's view of several envs at once. Plot windows with
/// the same title are merged into one window (`WID_compare`) whose traces are renamed
/// `N_name` (N: the env's place in the request); a text window maps N to env names.
public enum CompareView {
    /// One env as `compare_envs` reads it.
    public struct Env: Sendable {
        public let name: String
        /// Its windows in dict order.
        public let windows: [(id: String, window: JSONValue)]
        public let reload: JSONValue
        public init(name: String, windows: [(id: String, window: JSONValue)], reload: JSONValue) {
            self.name = name
            self.windows = windows
            self.reload = reload
        }
    }

    /// The socket messages `compare_envs` writes for `requested` (the ids of the URL, split at
    /// "+"), given the requested envs that exist, in request order: `reload`, the windows by
    /// `i`, then `layout`. Empty where visdom raises (no requested env exists).
    public static func messages(requested: [String], envs: [Env]) -> [JSONValue] {
        var numbers: [(String, String)] = []  // eidNums, in request order, later duplicates win
        for (i, e) in requested.enumerated() {
            if let k = numbers.firstIndex(where: { $0.0.utf8.elementsEqual(e.utf8) }) {
                numbers[k].1 = String(i)
            } else {
                numbers.append((e, String(i)))
            }
        }
        func number(_ eid: String) -> String { numbers.first { $0.0.utf8.elementsEqual(eid.utf8) }?.1 ?? "" }
        var unique: [Env] = []
        for e in envs where !unique.contains(where: { $0.name.utf8.elementsEqual(e.name.utf8) }) { unique.append(e) }
        guard let first = unique.first else { return [] }

        // res = deepcopy(first env), its windows renamed WID_compare; titles map to them.
        var res = JSONObject()
        var titleToWid: [(String, String)] = []
        for (wid, w) in first.windows {
            if case .string(let title)? = w["title"] {
                if let k = titleToWid.firstIndex(where: { $0.0.utf8.elementsEqual(title.utf8) }) {
                    titleToWid[k].1 = wid + "_compare"
                } else {
                    titleToWid.append((title, wid + "_compare"))
                }
            }
        }
        for (wid, w) in first.windows {
            res.removeValue(forKey: wid + "_compare")
            res[wid + "_compare"] = w
        }

        let sortedEnvs = unique.sorted { $0.name.unicodeScalars.lexicographicallyPrecedes($1.name.unicodeScalars) }
        for (ix, env) in sortedEnvs.enumerated() {
            for (_, win) in env.windows {
                guard case .object(let w) = win, w["type"]?.stringValue == "plot", w["content"] != nil,
                    case .string(let title)? = w["title"], !title.isEmpty,
                    let dest = titleToWid.first(where: { $0.0.utf8.elementsEqual(title.utf8) })?.1,
                    case .object(var destWin)? = res[dest], case .object(var content)? = destWin["content"],
                    case .array(var data)? = content["data"], let first = data.first?.objectValue, first["name"] != nil
                else { continue }
                let n = number(env.name)
                if ix == 0 {
                    destWin["has_compare"] = false
                    if case .object(var layout)? = content["layout"] {
                        layout["showlegend"] = true
                        content["layout"] = .object(layout)
                    }
                    destWin["contentID"] = .string(WindowBuilder.uuid4())
                    for i in data.indices {
                        guard case .object(var trace) = data[i], let name = trace["name"] else { break }
                        trace["name"] = .string("\(n)_\(pythonStr(name))")
                        data[i] = .object(trace)
                    }
                } else {
                    destWin["has_compare"] = true
                    for trace in (w["content"]?["data"]?.arrayValue ?? []) {
                        guard case .object(var t) = trace, let name = t["name"] else {
                            destWin["has_compare"] = false
                            break
                        }
                        t["name"] = .string("\(n)_\(pythonStr(name))")
                        data.append(.object(t))
                    }
                }
                content["data"] = .array(data)
                destWin["content"] = .object(content)
                res[dest] = .object(destWin)
            }
        }
        var windows: [JSONValue] = res.values.filter { $0["has_compare"] == .bool(true) }

        let rows = numbers.map { "<tr> <td> \($0.0) </td> <td> \($0.1) </td> </tr>" }.joined(separator: " ")
        let table =
            "\"<style>\n    table, th, td {\n        border: 1px solid black;\n    }\n    </style>\n    <table> \(rows) </table>"
        windows.append([
            "command": "window", "id": "window_compare_legend", "title": "compare_legend", "inflate": true,
            "width": nil, "height": nil, "contentID": "compare_legend", "content": .string(table), "type": "text",
            "layout": ["title": "compare_legend"], "i": 1, "has_compare": true,
        ])
        return [["command": "reload", "data": first.reload]] + PageOrder.sorted(windows) + [["command": "layout"]]
    }

    /// Python's `"{}".format(v)` for the JSON values a trace name can hold.
    static func pythonStr(_ v: JSONValue) -> String {
        switch v {
        case .string(let s): return s
        case .null: return "None"
        case .bool(let b): return b ? "True" : "False"
        case .int(let i): return String(i)
        case .bigInt(let s): return s
        default: return pyStr(PaneValue(v))
        }
    }
}
