/// An append to one stored series, as the update rules record it (`SeriesSlot.pending`).
struct PendingAppend {
    let series: Int64
    let operation: SeriesSlot.Operation
}

/// The appends `AppendOnlyUpdate` finds, in order. The first two (one trace's x and y) are held
/// inline: most updates append to one trace, and an array allocated its storage every save.
struct PendingAppends: RandomAccessCollection {
    private var first: PendingAppend?
    private var second: PendingAppend?
    private var rest: [PendingAppend] = []

    var startIndex: Int { 0 }
    var endIndex: Int { first == nil ? 0 : second == nil ? 1 : 2 + rest.count }

    subscript(i: Int) -> PendingAppend {
        switch i {
        case 0: return first!
        case 1: return second!
        default: return rest[i - 2]
        }
    }

    mutating func append(_ a: PendingAppend) {
        if first == nil {
            first = a
        } else if second == nil {
            second = a
        } else {
            rest.append(a)
        }
    }
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
    static func appends(to p: PaneValue, _ args: PaneValue, _ src: SeriesSource) -> PendingAppends? {
        try? find(p, args, src)
    }

    private static func find(_ p: PaneValue, _ args: PaneValue, _ src: SeriesSource) throws -> PendingAppends? {
        // The pane: a plot (the type whose traces' x and y are series, `SeriesPositions`)
        // whose contentID is already None, as `Handlers.update` sets it, and whose first trace
        // makes it a window `Handlers.update` updates.
        // Keys are looked up in the order visdom writes them (`window()`: contentID, content,
        // type, then opts that updates set; the client's update: data, layout, opts, name,
        // append), each from where the one before was found.
        guard case .object(let paneDict) = p, case .object(let argsDict) = args else { return nil }
        var pane = KeyCursor()
        var a = KeyCursor()
        guard pane.read("contentID", in: paneDict, \.isNone) == true,
            case .some(.some(let traces)) = pane.read("content", in: paneDict, tracesOf),
            pane.read("type", in: paneDict, { $0.isString("plot") }) == true, !traces.isEmpty,
            let first = Self.type(ofTrace: 0, in: traces, { FirstTraceType($0) }), first.isUpdated
        else { return nil }

        guard case .array(let newData)? = a.value("data", in: argsDict) else { return nil }
        // update_window: no layout entry, and every opt already what the window holds.
        let layoutIsNone = a.read("layout", in: argsDict) { layout -> Bool in
            guard case .object(let l) = layout else { return false }
            return l.values.allSatisfy(\.isNone)
        }
        if layoutIsNone == false { return nil }
        if let opts = a.find("opts", in: argsDict), !optsAreHeld(at: opts, in: argsDict, by: paneDict, &pane) {
            return nil
        }

        // Which traces: by name, or all of them, as the rules choose.
        let name = a.value("name", in: argsDict) ?? .null
        guard a.read("append", in: argsDict, { pyTruthy($0) }) == true,
            a.read("delete", in: argsDict, { pyTruthy($0) }) != true
        else { return nil }
        let chosen: Range<Int>
        if name.isNone {
            chosen = traces.indices
            guard chosen.count <= newData.count else { return nil }
        } else {
            guard newData.count == 1, let idx = try onlyTrace(named: name, in: traces, src) else { return nil }
            chosen = idx..<idx + 1
        }
        if chosen.count == 1 {
            let heatmap =
                chosen.lowerBound == 0
                ? first.isHeatmap : Self.type(ofTrace: chosen.lowerBound, in: traces, { $0.isString("heatmap") })
            if heatmap != false { return nil }  // a heatmap, or `pyGet` raises
        }

        var appends = PendingAppends()
        for (n, idx) in chosen.enumerated() {
            // Both traces' keys looked up in the order the client writes a trace (x, y, ...,
            // marker).
            var newAt = KeyCursor()
            guard case .object(let new) = newData[n], let newX = newAt.value("x", in: new) else { return nil }
            if try allNaNOrNone(newX, src) { continue }
            var traceAt = KeyCursor()
            guard case .object(let trace) = traces[idx], let x = append(to: trace, &traceAt, "x", newX),
                let newY = newAt.value("y", in: new), let y = append(to: trace, &traceAt, "y", newY)
            else { return nil }
            appends.append(x)
            appends.append(y)
            // The marker: left as it is only when the trace has one and no color comes.
            if let marker = newAt.find("marker", in: new) {
                guard traceAt.find("marker", in: trace) != nil,
                    try !new.values.withUnsafeBufferPointer({ try hasColor($0[marker], src) })
                else { return nil }
            }
        }
        // Distinct series (a handful: compared pairwise).
        for i in appends.indices {
            for j in appends.indices where j > i && appends[i].series == appends[j].series { return nil }
        }
        return appends
    }

    /// `content["data"]` when `content` is a dict and that is a list: read where it lies, only
    /// the list copied out.
    @inline(__always)
    private static func tracesOf(_ content: PaneValue) -> [PaneValue]? {
        guard case .object(let c) = content, let d = c.keys.withUnsafeBufferPointer({ $0.scan(for: "data") }) else {
            return nil
        }
        return c.values.withUnsafeBufferPointer { values in
            if case .array(let traces) = values[d] { return traces }
            return nil
        }
    }

    /// Whether setting every non-None opt onto the window leaves it as it is, and no `legend`
    /// renames its traces.
    ///
    /// The opts are the value at position `i` of `args`; false when they are not a dict. They,
    /// their keys and their values are read where they lie (no copy of the opts or of each
    /// pair): it runs for every opt of every append.
    private static func optsAreHeld(
        at i: Int, in args: PyDict<PaneValue>, by pane: PyDict<PaneValue>, _ at: inout KeyCursor
    ) -> Bool {
        args.values.withUnsafeBufferPointer { argValues in
            guard case .object(let opts) = argValues[i] else { return false }
            return optsAreHeld(opts, by: pane, &at)
        }
    }

    /// `optsAreHeld(at:in:by:_:)` of the opts dict, where it lies.
    @inline(__always)
    private static func optsAreHeld(_ opts: PyDict<PaneValue>, by pane: PyDict<PaneValue>, _ at: inout KeyCursor)
        -> Bool
    {
        opts.keys.withUnsafeBufferPointer { keys in
            opts.values.withUnsafeBufferPointer { values in
                for i in 0..<keys.count {
                    if ExactKey.equal(keys[i], "legend") { return false }
                    if values[i].isNone { continue }
                    // The key found, then the values compared: the key is not held across the
                    // comparison.
                    guard let j = at.find(keys[i], in: pane),
                        pane.values.withUnsafeBufferPointer({ PaneValue.same($0[j], values[i], seriesByID: false) })
                    else { return false }
                }
                return true
            }
        }
    }

    /// `UpdateRules.allNaNOrNone(xs, src)`, answered here when the first of a list is a number
    /// other than NaN: the rules' loop stops there, with false.
    private static func allNaNOrNone(_ xs: PaneValue, _ src: SeriesSource) throws -> Bool {
        if case .array(let items) = xs, let first = items.first {
            switch first {
            case .bool, .int: return false
            case .double(let d) where !d.isNaN: return false
            default: break
            }
        }
        return try UpdateRules.allNaNOrNone(xs, src)
    }

    /// `"color" in marker` (`pyContains`), a dict's keys looked at where they lie.
    @inline(__always)
    private static func hasColor(_ marker: PaneValue, _ src: SeriesSource) throws -> Bool {
        if case .object(let m) = marker { return m.keys.withUnsafeBufferPointer { $0.scan(for: "color") } != nil }
        return try pyContains(marker, .string("color"), src)
    }

    /// What the first trace's type tells: whether `Handlers.update` updates the window, and
    /// whether the trace is a heatmap (the rules' own branch, when it is the one updated).
    private struct FirstTraceType {
        let isUpdated: Bool
        let isHeatmap: Bool

        @inline(__always)
        init(_ type: PaneValue) {
            isUpdated = Handlers.updatesPlot(withFirstTraceType: type)
            isHeatmap = type.isString("heatmap")
        }
    }

    /// `test(pyGet(traces[i], "type"))`, the type read where it lies; nil where `pyGet` raises
    /// (the trace is no dict, or has no type).
    private static func type<R>(ofTrace i: Int, in traces: [PaneValue], _ test: (PaneValue) -> R) -> R? {
        traces.withUnsafeBufferPointer { buf in
            guard case .object(let trace) = buf[i], let t = trace.keys.withUnsafeBufferPointer({ $0.scan(for: "type") })
            else { return nil }
            return trace.values.withUnsafeBufferPointer { test($0[t]) }
        }
    }

    /// The one trace whose name equals `name` (every trace's name read, as the rules' filter
    /// reads them); nil when none or several do, or a trace has no name (the rules raise).
    private static func onlyTrace(named name: PaneValue, in traces: [PaneValue], _ src: SeriesSource) throws -> Int? {
        var found: Int?
        var count = 0
        // Each trace's name read where it lies: no copy of the trace or of its name.
        let named: String? = if case .string(let s) = name { s } else { nil }
        for i in traces.indices {
            let same = try traces.withUnsafeBufferPointer { buf -> Bool? in
                guard case .object(let trace) = buf[i],
                    let n = trace.keys.withUnsafeBufferPointer({ $0.scan(for: "name") })
                else { return nil }
                return try trace.values.withUnsafeBufferPointer { values -> Bool in
                    if let named, case .string(let t) = values[n] {
                        return ExactKey.equal(named, t)  // Python's str ==: the same code points
                    }
                    return try pyEquals(values[n], name, src)
                }
            }
            guard let same else { return nil }
            if same {
                found = i
                count += 1
            }
        }
        return count == 1 ? found : nil
    }

    /// `trace[axis] + new[axis]` when it is a list series plus a list: the append it records.
    private static func append(
        to trace: PyDict<PaneValue>, _ at: inout KeyCursor, _ axis: String, _ new: PaneValue
    ) -> PendingAppend? {
        guard case .series(let slot)? = at.value(axis, in: trace), slot.kind == .list, slot.pending.isEmpty,
            case .array(let items) = new
        else { return nil }
        return PendingAppend(series: slot.id, operation: .init(prepend: false, args: items))
    }
}

/// Looks keys up in one dict, each from where the one before was found
/// (`PyDict.index(forKey:from:)`): one comparison a key when they come in the dict's order, as
/// many as a plain lookup when not. It holds a position, not the dict: a cursor that held its
/// dict would hold a copy of it. Used with another dict, lookups stay right, only slower.
private struct KeyCursor {
    private var next = 0

    /// The position of `key` in `dict`, nil if it is missing. The key at the cursor is compared
    /// here, where it lies; a lookup from there on is called only when it is another.
    @inline(__always)
    mutating func find(_ key: String, in dict: PyDict<PaneValue>) -> Int? {
        let atCursor = dict.keys.withUnsafeBufferPointer { keys in
            next < keys.count && ExactKey.equal(keys[next], key)
        }
        guard let i = atCursor ? next : dict.index(forKey: key, from: next) else { return nil }
        next = i + 1
        return i
    }

    /// The value of `key` in `dict`, nil if it is missing.
    @inline(__always)
    mutating func value(_ key: String, in dict: PyDict<PaneValue>) -> PaneValue? {
        find(key, in: dict).map { dict.values[$0] }
    }

    /// `body` of the value of `key` in `dict` where it lies (no copy of it); nil if the key is
    /// missing.
    @inline(__always)
    mutating func read<R>(_ key: String, in dict: PyDict<PaneValue>, _ body: (PaneValue) throws -> R) rethrows -> R? {
        guard let i = find(key, in: dict) else { return nil }
        return try dict.values.withUnsafeBufferPointer { try body($0[i]) }
    }
}

extension UnsafeBufferPointer<String> {
    /// The position of `key` among these keys (a dict's, `PyDict.keys`), each compared where it
    /// lies; nil if it is missing. No lookup is called, so a dict whose keys these are is not
    /// copied to be kept alive across one.
    @inline(__always)
    fileprivate func scan(for key: String) -> Int? {
        var i = 0
        while i < count {
            if ExactKey.equal(self[i], key) { return i }
            i &+= 1
        }
        return nil
    }
}

extension PaneValue {
    /// Whether this is the string `s`, compared by code points (Python's `str ==`).
    fileprivate func isString(_ s: String) -> Bool {
        if case .string(let t) = self { return ExactKey.equal(t, s) }
        return false
    }
}
