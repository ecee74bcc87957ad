/// The heatmap branch of visdom 0.2.4's `UpdateHandler.update`: `appendRow`, `prependRow`,
/// `appendColumn`, `prependColumn` and `replace`, with visdom's own checks.
///
/// A failed check is not an exception in visdom: it logs an error and returns, keeping the
/// opts and layout that `update_window` already applied. Row appends and prepends reach a
/// stored `z` series as one segment; column edits rewrite the rows they touch.
enum HeatmapRules {
    static func update(
        _ p: inout PaneValue, trace idx: Int, newData: PaneValue, args: PaneValue, append: Bool,
        _ src: SeriesSource
    ) throws {
        let plot = { (p: PaneValue) throws -> PaneValue in try pyIndex(try UpdateRules.pdata(p), idx, src) }
        var new = try pyIndex(newData, 0, src)
        let dz = try pyGet(new, "z")
        let updateDir = try pyGet(args, "updateDir")
        let dir: String? = if case .string(let s) = updateDir { s } else { nil }

        var updateNames = false
        if dir != "replace" {
            try new.removeKey("z")
            let checkdir: String
            if dir == "appendRow" || dir == "prependRow" {
                checkdir = "y"
                let rows = try pyLen(try pyIndex(try pyGet(try plot(p), "z"), 0, src), src)
                if rows != (try pyLen(try pyIndex(dz, 0, src), src)) { return }
            } else {
                checkdir = "x"
                if try pyLen(try pyGet(try plot(p), "z"), src) != (try pyLen(dz, src)) { return }
            }
            let have = try pyGet(try plot(p), checkdir)
            let want = try pyGet(new, checkdir)
            if !have.isNone && !want.isNone {
                updateNames = true
                for label in try pyIterate(want, src) where try pyContains(have, label, src) { return }
            } else if !have.isNone || !want.isNone {
                return
            }
        }

        switch dir {
        case "appendRow":
            try withPlot(&p, idx, src) { plot in
                try plot.modifyItem("z") { $0 = try pyIAdd($0, dz, src, listFromArgs: true) }
                if updateNames {
                    let y = try pyGet(new, "y")
                    try plot.modifyItem("y") { $0 = try pyIAdd($0, y, src, listFromArgs: true) }
                }
            }
        case "prependRow":
            try withPlot(&p, idx, src) { plot in
                try plot.setItem("z", try pyAdd(dz, try pyGet(plot, "z"), src, listFromArgs: true))
                if updateNames { try plot.setItem("y", try pyAdd(try pyGet(new, "y"), try pyGet(plot, "y"), src)) }
            }
        case "appendColumn":
            try withPlot(&p, idx, src) { plot in
                for (i, dzi) in try pyIterate(dz, src).enumerated() {
                    try plot.modifyItem("z") { z in try z.modifyIndex(i, src) { $0 = try pyIAdd($0, dzi, src) } }
                }
                if updateNames {
                    let x = try pyGet(new, "x")
                    try plot.modifyItem("x") { $0 = try pyIAdd($0, x, src) }
                }
            }
        case "prependColumn":
            try withPlot(&p, idx, src) { plot in
                for (i, dzi) in try pyIterate(dz, src).enumerated() {
                    try plot.modifyItem("z") { z in
                        try z.modifyIndex(i, src) { $0 = try pyAdd(dzi, $0, src) }
                    }
                }
                if updateNames { try plot.setItem("x", try pyAdd(try pyGet(new, "x"), try pyGet(plot, "x"), src)) }
            }
        default:
            break
        }

        if append {
            try new.removeKey("x", ifPresent: true)
            try new.removeKey("y", ifPresent: true)
        }
        guard case .object(let fields) = new else { return }
        for (k, v) in fields.pairs where !v.isNone || !append {
            try withPlot(&p, idx, src) { try $0.setItem(k, v) }
        }
    }

    private static func withPlot(
        _ p: inout PaneValue, _ idx: Int, _ src: SeriesSource, _ body: (inout PaneValue) throws -> Void
    ) throws {
        try UpdateRules.withTrace(&p, idx, src, body)
    }
}

extension PaneValue {
    /// Python `del self[key]` on a dict (KeyError if missing, unless `ifPresent`).
    mutating func removeKey(_ key: String, ifPresent: Bool = false) throws {
        guard case .object(var o) = self else {
            throw PyError.typeError("'\(pythonTypeName)' object does not support item deletion")
        }
        guard o.contains(key) else {
            if ifPresent { return }
            throw PyError.keyError(.string(key))
        }
        self = .null
        o.removeValue(forKey: key)
        self = .object(o)
    }
}
