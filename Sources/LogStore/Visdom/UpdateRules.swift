/// visdom 0.2.4's `UpdateHandler.update(p, args)` and `update_window(p, args)`
/// (server/handlers/web_handlers.py, utils/server_utils.py), transcribed branch by branch.
///
/// Invariant: `update` mutates `p` in place and, when visdom would raise, throws `PyError`
/// from the same point, so `p` holds exactly the partial state visdom keeps (visdom does not
/// roll back a failed update). Concatenations onto stored series are recorded in their
/// `SeriesSlot`, never by loading the series.
enum UpdateRules {
    static func update(_ p: inout PaneValue, _ args: PaneValue, _ src: SeriesSource) throws {
        let ptype = try pyGet(p, "type")
        if case .string("text") = ptype {
            // p["content"] += "<br>" + args["data"][0]["content"]
            _ = try pyGet(p, "content")
            let chunk = try pyAdd(
                .string("<br>"), try pyGet(try pyIndex(try pyGet(args, "data"), 0, src), "content"), src)
            try p.modifyItem("content") { $0 = try pyIAdd($0, chunk, src) }
            return
        }
        if case .string("embeddings") = ptype {
            try updateEmbeddings(&p, args, src)
            return
        }
        if case .string("image_history") = ptype {
            let data0 = try pyIndex(try pyGet(args, "data"), 0, src)
            let utype = try pyGet(data0, "type")
            if case .string("image_history") = utype {
                let content = try pyGet(data0, "content")
                try p.modifyItem("content") { try $0.append(content, src) }
                try p.setItem("selected", .int(Int64(try pyLen(try pyGet(p, "content"), src) - 1)))
            } else if case .string("image_update_selected") = utype {
                // max(0, args["data"]): args["data"] is a list here (it was indexed above), and
                // Python 3 cannot order an int against a list.
                throw PyError.typeError("'>' not supported between instances of 'list' and 'int'")
            }
            return
        }

        _ = try pyGet(try pyGet(p, "content"), "data")  // pdata = p["content"]["data"]
        let newData = try pyDictGet(args, "data", .null)
        try updateWindow(&p, args, src)
        let name = try pyDictGet(args, "name", .null)
        if name.isNone && newData.isNone { return }  // only opts or layout
        let append = pyTruthy(try pyDictGet(args, "append", .null))
        let delete = pyTruthy(try pyDictGet(args, "delete", .null))

        var idxs = Array(0..<(try pyLen(try pdata(p), src)))
        if !name.isNone {
            guard try pyLen(newData, src) == 1 || delete else { throw PyError.assertion }
            let traces = try pdata(p)
            idxs = try idxs.filter { try pyEquals(try pyGet(try pyIndex(traces, $0, src), "name"), name, src) }
        }

        if delete {
            for idx in idxs {
                try withPdata(&p) { try $0.deleteIndex(idx, src) }
            }
            return
        }

        if idxs.isEmpty, case .string("heatmap") = try pyGet(try pyIndex(newData, 0, src), "type") {
            let trace = try pyIndex(newData, 0, src)
            try withPdata(&p) { try $0.append(trace, src) }
            return
        }

        if idxs.count == 1, case .string("heatmap") = try pyGet(try pyIndex(try pdata(p), idxs[0], src), "type") {
            try HeatmapRules.update(&p, trace: idxs[0], newData: newData, args: args, append: append, src)
            return
        }

        if idxs.isEmpty {
            // inject a new trace: pdata.append(dict(pdata[0])); pdata[idx] = new_data[0]; ...
            let first = try pyIndex(try pdata(p), 0, src)
            guard case .object = first else {
                throw PyError.typeError("cannot convert dictionary update sequence element #0 to a sequence")
            }
            let trace = try pyIndex(newData, 0, src)
            try withPdata(&p) { try $0.append(trace, src) }
            guard case .object = trace else { throw PyError.attributeError(trace, "items") }
            let idx = try pyLen(try pdata(p), src) - 1
            try withPdata(&p) { try $0.modifyIndex(idx, src) { try $0.setItem("name", name) } }
            return
        }

        for (n, idx) in idxs.enumerated() {
            let new = try pyIndex(newData, n, src)
            if try allNaNOrNone(try pyGet(new, "x"), src) { continue }
            // visdom walks p["content"]["data"][idx] again for each axis and for the marker;
            // walking there once is the same sequence: the walk changes nothing, and a step of
            // it that succeeded once cannot fail the next time (only the trace changes).
            try withTrace(&p, idx, src) { trace in
                for axis in ["x", "y"] {
                    if append {
                        let old = try pyGet(trace, axis)
                        let added = try pyAdd(old, try pyGet(new, axis), src, listFromArgs: true)
                        try trace.setItem(axis, added)
                    } else {
                        try trace.setItem(axis, try pyGet(new, axis))
                    }
                }
                guard try pyContains(new, .string("marker"), src) else { return }
                if try !pyContains(trace, .string("marker"), src) { try trace.setItem("marker", .object(PyDict())) }
                let newMarker = try pyGet(new, "marker")
                guard try pyContains(newMarker, .string("color"), src) else { return }
                try trace.modifyItem("marker") { marker in
                    if try !pyContains(marker, .string("color"), src) { try marker.setItem("color", .array([])) }
                    let color: PaneValue =
                        append
                        ? try pyAdd(try pyGet(marker, "color"), try pyGet(newMarker, "color"), src, listFromArgs: true)
                        : try pyGet(newMarker, "color")
                    try marker.setItem("color", color)
                }
            }
        }
    }

    /// `update_window(p, args)`: every non-None layout entry into `content.layout`, every
    /// non-None opt onto the window itself, then `legend` renames the traces in order.
    static func updateWindow(_ p: inout PaneValue, _ args: PaneValue, _ src: SeriesSource) throws {
        _ = try pyGet(p, "content")
        let layoutUpdate = try pyDictGet(args, "layout", .object(PyDict()))
        guard case .object(let layout) = layoutUpdate else { throw PyError.attributeError(layoutUpdate, "items") }
        for (k, v) in layout.pairs where !v.isNone {
            try p.modifyItem("content") { content in
                try content.modifyItem("layout") { try $0.setItem(k, v) }
            }
        }
        let opts = try pyDictGet(args, "opts", .object(PyDict()))
        guard case .object(let o) = opts else { throw PyError.attributeError(opts, "items") }
        for (k, v) in o.pairs where !v.isNone {
            try p.setItem(k, v)
        }
        if let legend = o["legend"] {
            let count = try pyLen(try pdata(p), src)
            for i in 0..<count {
                let label = try pyIndex(legend, i, src)
                try withTrace(&p, i, src) { try $0.setItem("name", label) }
            }
        }
    }

    /// `all(math.isnan(i) or i is None for i in xs)`: note that `math.isnan(None)` raises
    /// before `i is None` is looked at, so a None ahead of any real number is a TypeError.
    static func allNaNOrNone(_ xs: PaneValue, _ src: SeriesSource) throws -> Bool {
        for i in try pyIterate(xs, src) {
            guard let n = PyNumber(i) else {
                // math.isnan converts an int to float first: fine up to ~1.8e308, OverflowError past it.
                if case .bigInt(let digits) = i {
                    if let d = Double(digits), d.isFinite { return false }
                    throw PyError(type: "OverflowError", message: "int too large to convert to float")
                }
                throw PyError.typeError("must be real number, not \(i.pythonTypeName)")
            }
            if case .float(let d) = n, d.isNaN { continue }
            return false
        }
        return true
    }

    private static func updateEmbeddings(_ p: inout PaneValue, _ args: PaneValue, _ src: SeriesSource) throws {
        let data = try pyGet(args, "data")
        let utype = try pyGet(data, "update_type")
        if try pyEquals(utype, .string("EntitySelected"), src) {
            let selected = try pyGet(data, "selected")
            try p.modifyItem("content") { try $0.setItem("selected", selected) }
        } else if try pyEquals(utype, .string("RegionSelected"), src) {
            try p.modifyItem("content") { try $0.setItem("selected", .null) }
            _ = try pyLen(try pyGet(try pyGet(p, "content"), "data"), src)
            let old = try pyGet(try pyGet(p, "content"), "data")
            try p.modifyItem("old_content") { try $0.append(old, src) }
            try p.modifyItem("content") { try $0.setItem("has_previous", .bool(true)) }
            let points = try pyGet(data, "points")
            try p.modifyItem("content") { try $0.setItem("data", points) }
            _ = try pyLen(try pyGet(try pyGet(p, "content"), "data"), src)
        }
    }

    // MARK: navigation

    static func pdata(_ p: PaneValue) throws -> PaneValue { try pyGet(try pyGet(p, "content"), "data") }

    static func withPdata<R>(_ p: inout PaneValue, _ body: (inout PaneValue) throws -> R) throws -> R {
        try p.modifyItem("content") { try $0.modifyItem("data", body) }
    }

    static func withTrace<R>(_ p: inout PaneValue, _ i: Int, _ src: SeriesSource, _ body: (inout PaneValue) throws -> R)
        throws -> R
    {
        try withPdata(&p) { try $0.modifyIndex(i, src, body) }
    }
}
