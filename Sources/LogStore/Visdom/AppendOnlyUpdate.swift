/// An append to one stored series, as the update rules record it (`SeriesSlot.pending`).
struct PendingAppend {
    let series: Int64
    let operation: SeriesSlot.Operation
}

/// visdom's `update` with `append=True` when all it does to the window is append points to
/// stored series: the appends, found without building the changed pane. A training loop's
/// `vis.line(X=[step], Y=[v], win=..., update="append")` is this case, once per step.
///
/// Invariant: when `appends(to:_:_:)` answers, `Handlers.update` accepts the window (its first
/// trace is one whose windows it updates), and running `UpdateRules.update(&p, args, src)` and
/// then `p["contentID"] = None` throws nothing and leaves `p` equal to the pane it started
/// from except for these appends, pending on these series, in the order `PanePersister`
/// writes pending appends (traces in order, `x` before `y`). The store then writes the same
/// segments and, the head being unchanged, no head: the same rows.
/// Otherwise it answers nil and the rules run. It only reads, with the functions the rules use,
/// every value the rules would read on the way, and answers nil wherever they would change
/// anything but a series, take another branch, or raise.
///
/// It runs once per save, so it reads the pane in place: values are matched where they lie
/// (no `PaneValue` copied out of its dict for a look), and the opts are found from where the
/// previous one was, as `update_window` wrote them onto the window in the same order.
///
/// Relied on: a stored head holds each series at one position (`PanePersister` gives a second
/// position its own copy), so the appended series are distinct.
enum AppendOnlyUpdate {
    static func appends(to p: PaneValue, _ args: PaneValue, _ src: SeriesSource) -> [PendingAppend]? {
        try? find(p, args, src)
    }

    private static func find(_ p: PaneValue, _ args: PaneValue, _ src: SeriesSource) throws -> [PendingAppend]? {
        // The pane: a plot (the type whose traces' x and y are series, `SeriesPositions`)
        // whose contentID is already None, as `Handlers.update` sets it, and whose first trace
        // makes it a window `Handlers.update` updates.
        // Keys are looked up in the order visdom writes them (`window()`: contentID, content,
        // type, then opts that updates set; the client's update: data, layout, opts, name,
        // append), each from where the one before was found.
        guard case .object(let paneDict) = p, case .object(let argsDict) = args else { return nil }
        var pane = KeyCursor(paneDict)
        var a = KeyCursor(argsDict)
        guard case .null? = pane["contentID"], case .object(let content)? = pane["content"],
            case .string("plot")? = pane["type"], case .array(let traces)? = content["data"],
            !traces.isEmpty, Handlers.updatesPlot(withFirstTraceType: try pyGet(traces[0], "type"))
        else { return nil }

        guard case .array(let newData)? = a["data"] else { return nil }
        // update_window: no layout entry, and every opt already what the window holds.
        if let layout = a["layout"] {
            guard case .object(let l) = layout, l.values.allSatisfy(\.isNone) else { return nil }
        }
        if let opts = a["opts"] {
            guard case .object(let o) = opts, try optsAreHeld(o, by: &pane) else { return nil }
        }

        // Which traces: by name, or all of them, as the rules choose.
        let name = a["name"] ?? .null
        guard pyTruthy(a["append"]), !pyTruthy(a["delete"]) else { return nil }
        let chosen: Range<Int>
        if name.isNone {
            chosen = traces.indices
            guard chosen.count <= newData.count else { return nil }
        } else {
            guard newData.count == 1, let idx = try onlyTrace(named: name, in: traces, src) else { return nil }
            chosen = idx..<idx + 1
        }
        if chosen.count == 1, case .string("heatmap") = try pyGet(traces[chosen.lowerBound], "type") { return nil }

        var appends: [PendingAppend] = []
        appends.reserveCapacity(2 * chosen.count)
        for (n, idx) in chosen.enumerated() {
            guard case .object(let new) = newData[n], let newX = new["x"] else { return nil }
            if try UpdateRules.allNaNOrNone(newX, src) { continue }
            guard case .object(let trace) = traces[idx], let x = append(to: trace, "x", newX),
                let newY = new["y"], let y = append(to: trace, "y", newY)
            else { return nil }
            appends.append(x)
            appends.append(y)
            // The marker: left as it is only when the trace has one and no color comes.
            if let marker = new["marker"] {
                guard trace.contains("marker"), try !pyContains(marker, .string("color"), src) else { return nil }
            }
        }
        // Distinct series (a handful: compared pairwise).
        for i in appends.indices {
            for j in appends.indices where j > i && appends[i].series == appends[j].series { return nil }
        }
        return appends
    }

    /// Whether setting every non-None opt onto the window leaves it as it is, and no `legend`
    /// renames its traces.
    private static func optsAreHeld(_ opts: PyDict<PaneValue>, by pane: inout KeyCursor) throws -> Bool {
        for (k, v) in opts.pairs {
            if ExactKey.equal(k, "legend") { return false }
            if v.isNone { continue }
            guard let held = pane[k], held.isSameValue(as: v) else { return false }
        }
        return true
    }

    /// The one trace whose name equals `name` (every trace's name read, as the rules' filter
    /// reads them); nil when none or several do, or a trace has no name (the rules raise).
    private static func onlyTrace(named name: PaneValue, in traces: [PaneValue], _ src: SeriesSource) throws -> Int? {
        var found: Int?
        var count = 0
        for i in traces.indices {
            guard case .object(let trace) = traces[i], let traceName = trace["name"] else { return nil }
            let same: Bool
            if case .string(let s) = name, case .string(let t) = traceName {
                same = ExactKey.equal(s, t)  // Python's str ==: the same code points
            } else {
                same = try pyEquals(traceName, name, src)
            }
            if same {
                found = i
                count += 1
            }
        }
        return count == 1 ? found : nil
    }

    /// `trace[axis] + new[axis]` when it is a list series plus a list: the append it records.
    private static func append(to trace: PyDict<PaneValue>, _ axis: String, _ new: PaneValue) -> PendingAppend? {
        guard case .series(let slot)? = trace[axis], slot.kind == .list, slot.pending.isEmpty,
            case .array(let items) = new
        else { return nil }
        return PendingAppend(series: slot.id, operation: .init(prepend: false, args: items))
    }
}

/// Looks keys up in a dict, each from where the one before was found (`PyDict.index(forKey:from:)`):
/// one comparison a key when they come in the dict's order, as many as a plain lookup when not.
private struct KeyCursor {
    let dict: PyDict<PaneValue>
    private var next = 0

    init(_ dict: PyDict<PaneValue>) { self.dict = dict }

    subscript(key: String) -> PaneValue? {
        mutating get {
            guard let i = dict.index(forKey: key, from: next) else { return nil }
            next = i + 1
            return dict.values[i]
        }
    }
}
