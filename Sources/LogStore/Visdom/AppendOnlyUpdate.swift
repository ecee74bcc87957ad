/// An append to one stored series, as the update rules record it (`SeriesSlot.pending`).
struct PendingAppend {
    let series: Int64
    let operation: SeriesSlot.Operation
}

/// visdom's `update` with `append=True` when all it does to the window is append points to
/// stored series: the appends, found without building the changed pane. A training loop's
/// `vis.line(X=[step], Y=[v], win=..., update="append")` is this case, once per step.
///
/// Invariant: when `appends(to:_:_:)` answers, running `UpdateRules.update(&p, args, src)` and
/// then `p["contentID"] = None` (`Handlers.update`) throws nothing and leaves `p` equal to the
/// pane it started from except for these appends, pending on these series, in the order
/// `PanePersister` writes pending appends (traces in order, `x` before `y`). The store then
/// writes the same segments and, the head being unchanged, no head: the same rows.
/// Otherwise it answers nil and the rules run. It only reads, with the functions the rules use,
/// every value the rules would read on the way, and answers nil wherever they would change
/// anything but a series, take another branch, or raise.
///
/// Relied on: a stored head holds each series at one position (`PanePersister` gives a second
/// position its own copy), so the appended series are distinct.
enum AppendOnlyUpdate {
    static func appends(to p: PaneValue, _ args: PaneValue, _ src: SeriesSource) -> [PendingAppend]? {
        try? find(p, args, src)
    }

    private static func find(_ p: PaneValue, _ args: PaneValue, _ src: SeriesSource) throws -> [PendingAppend]? {
        // The pane: a plot (the type whose traces' x and y are series, `SeriesPositions`)
        // whose contentID is already None, as `Handlers.update` sets it.
        guard case .object(let pane) = p, case .string("plot")? = pane["type"], case .null? = pane["contentID"],
            case .object(let content)? = pane["content"], case .array(let traces)? = content["data"],
            case .object(let a) = args
        else { return nil }

        // update_window: no layout entry, and every opt already what the window holds.
        let layout = a["layout"] ?? .object(PyDict())
        guard case .object(let l) = layout, l.values.allSatisfy(\.isNone) else { return nil }
        let opts = a["opts"] ?? .object(PyDict())
        guard case .object(let o) = opts, !o.contains("legend") else { return nil }
        for (k, v) in o.pairs where !v.isNone {
            guard let held = pane[k], held.isSameValue(as: v) else { return nil }
        }

        // Which traces: by name, or all of them, as the rules choose.
        guard case .array(let newData)? = a["data"] else { return nil }
        let name = a["name"] ?? .null
        guard pyTruthy(a["append"] ?? .null), !pyTruthy(a["delete"] ?? .null) else { return nil }
        var idxs = Array(traces.indices)
        if !name.isNone {
            guard newData.count == 1 else { return nil }
            idxs = try idxs.filter { try pyEquals(try pyGet(traces[$0], "name"), name, src) }
        }
        guard !idxs.isEmpty, idxs.count <= newData.count else { return nil }
        if idxs.count == 1, case .string("heatmap") = try pyGet(traces[idxs[0]], "type") { return nil }

        var appends: [PendingAppend] = []
        appends.reserveCapacity(2 * idxs.count)
        for (n, idx) in idxs.enumerated() {
            let new = newData[n]
            if try UpdateRules.allNaNOrNone(try pyGet(new, "x"), src) { continue }
            guard case .object(let trace) = traces[idx],
                let x = try append(to: trace, "x", from: new), let y = try append(to: trace, "y", from: new)
            else { return nil }
            appends.append(x)
            appends.append(y)
            // The marker: left as it is only when the trace has one and no color comes.
            if try pyContains(new, .string("marker"), src) {
                guard trace["marker"] != nil, try !pyContains(try pyGet(new, "marker"), .string("color"), src) else {
                    return nil
                }
            }
        }
        // Distinct series (a handful: compared pairwise).
        for i in appends.indices {
            for j in appends.indices where j > i && appends[i].series == appends[j].series { return nil }
        }
        return appends
    }

    /// `trace[axis] + new[axis]` when it is a list series plus a list: the append it records.
    private static func append(to trace: PyDict<PaneValue>, _ axis: String, from new: PaneValue) throws
        -> PendingAppend?
    {
        guard case .series(let slot)? = trace[axis], slot.kind == .list, slot.pending.isEmpty,
            case .array(let items) = try pyGet(new, axis)
        else { return nil }
        return PendingAppend(series: slot.id, operation: .init(prepend: false, args: items))
    }
}
