@testable import LogStore

/// The visdom corpus's comparison rules (../shared/visdom-corpus/README.md) in the strict
/// mode we always use: `contentID` keys are ignored, object key order is ignored, an integer
/// must stay an integer and a float a float (bit-exact, -0.0 differs from 0.0, NaN equals
/// NaN), null, missing, 0, false and "" all differ.
/// Returns the first difference as "PATH: what", or nil when equal.
func visdomDifference(expected: JSONValue, got: JSONValue, path: String = "$") -> String? {
    switch (expected, got) {
    case (.object(let e), .object(let g)):
        for (k, v) in e.pairs where k != "contentID" {
            guard let w = g[k] else { return "\(path).\(k): missing" }
            if let d = visdomDifference(expected: v, got: w, path: "\(path).\(k)") { return d }
        }
        if let extra = g.keys.first(where: { $0 != "contentID" && !e.contains($0) }) {
            return "\(path).\(extra): unexpected key"
        }
        return nil
    case (.array(let e), .array(let g)):
        for i in 0..<min(e.count, g.count) {
            if let d = visdomDifference(expected: e[i], got: g[i], path: "\(path)[\(i)]") { return d }
        }
        return e.count == g.count ? nil : "\(path): expected \(e.count) elements, got \(g.count)"
    default:
        return expected == got ? nil : "\(path): expected \(short(expected)), got \(short(got))"
    }
}

private func short(_ v: JSONValue) -> String {
    let s = JSONWriter.string(v)
    return s.count > 80 ? String(s.prefix(77)) + "..." : s
}
