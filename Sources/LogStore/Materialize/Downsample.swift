/// Downsampled reads: each trace of a plot window keeps at most `maxPoints` points, chosen so
/// that what matters when debugging a diverging run survives:
///
/// 1. the first and the last point;
/// 2. every point whose x or y is NaN, ±Infinity, null or not a number (as many as the budget
///    allows, evenly spread when there are more);
/// 3. with what is left, the minimum and the maximum y of equal-width buckets over the rest.
///
/// Points are kept in their original order, and every per-point array of the trace (x, y, z,
/// text, marker colours and sizes, …) keeps the same indices. Windows that are not point
/// series (text, images, heatmaps, …) and traces already small enough are returned unchanged.
///
/// That is the rule of `--max-points` (exports); web pages are sent traces thinned by
/// `DisplayBuckets` (`Rule.display`), which keeps the same kinds of points in buckets that an
/// append does not move.
enum Downsample {
    enum Rule: Sendable {
        /// `indices(n:maxPoints:value:special:)`: equal-width buckets over the whole trace.
        case export
        /// `DisplayBuckets`: power-of-two buckets from index 0, stable under appends.
        case display

        func indices(n: Int, maxPoints: Int, value: (Int) -> Double?, kind: (Int) -> UInt8) -> [Int] {
            choose(n: n, maxPoints: maxPoints, value: value, kind: kind).indices
        }

        /// The indices and, for `.display`, the bucket width and whether spikes were chosen
        /// per bucket (see `DisplayBuckets.choose`).
        func choose(n: Int, maxPoints: Int, value: (Int) -> Double?, kind: (Int) -> UInt8) -> (
            indices: [Int], width: Int, spikesPerBucket: Bool
        ) {
            switch self {
            case .export:
                return (
                    Downsample.indices(n: n, maxPoints: maxPoints, value: value, special: { kind($0) != 0 }), 0, false
                )
            case .display: return DisplayBuckets.choose(n: n, maxPoints: maxPoints, value: value, kind: kind)
            }
        }
    }

    static let perPointKeys = ["x", "y", "z", "text", "hovertext", "customdata"]
    static let perPointMarkerKeys = ["color", "size", "symbol"]

    static func window(_ w: JSONValue, maxPoints: Int, rule: Rule = .export) -> JSONValue {
        guard maxPoints > 0, case .object(var o) = w, o["type"] == "plot", case .object(var content)? = o["content"],
            case .array(var traces)? = content["data"]
        else { return w }
        for i in traces.indices { traces[i] = trace(traces[i], maxPoints: maxPoints, rule: rule) }
        content["data"] = .array(traces)
        o["content"] = .object(content)
        return .object(o)
    }

    static func trace(_ t: JSONValue, maxPoints: Int, rule: Rule = .export) -> JSONValue {
        guard case .object(var o) = t, o["type"] != "heatmap" else { return t }
        let y = o["y"]?.arrayValue
        let x = o["x"]?.arrayValue
        guard let n = (y ?? x)?.count, n > maxPoints else { return t }
        let xs = x?.count == n ? x : nil
        let ys = y?.count == n ? y : nil
        let values = ys ?? xs ?? []
        let keep = rule.indices(
            n: n, maxPoints: maxPoints, value: { finite(values[$0]) },
            kind: { i in
                if let ys, case let k = kind(ys[i]), k != 0 { return k }
                if let xs, !isLabel(xs[i]), case let k = kind(xs[i]), k != 0 { return k + 4 }
                return 0
            })
        func pick(_ v: JSONValue?) -> JSONValue? {
            guard case .array(let a)? = v, a.count == n else { return v }
            return .array(keep.map { a[$0] })
        }
        for k in perPointKeys where o.contains(k) { o[k] = pick(o[k]) }
        if case .object(var marker)? = o["marker"] {
            for k in perPointMarkerKeys where marker.contains(k) { marker[k] = pick(marker[k]) }
            o["marker"] = .object(marker)
        }
        return .object(o)
    }

    static func finite(_ v: JSONValue) -> Double? {
        switch v {
        case .int(let i): return Double(i)
        case .double(let d): return d.isFinite ? d : nil
        default: return nil
        }
    }

    /// A value's spike kind: 0 a finite number, 1 NaN, 2 +Infinity, 3 -Infinity, 4 anything
    /// else (null, a string, …); x's kinds are these plus 4 (`DisplayBuckets.kinds`).
    static func kind(_ v: JSONValue) -> UInt8 {
        switch v {
        case .int: return 0
        case .double(let d): return kind(d)
        default: return 4
        }
    }

    static func kind(_ d: Double) -> UInt8 { d.isFinite ? 0 : d.isNaN ? 1 : d > 0 ? 2 : 3 }

    /// Sorted indices into 0..<n, at most `maxPoints` of them. `value(i)` is the finite y (or
    /// x) of point i, if it has one; `special(i)` says whether point i is a spike to keep.
    static func indices(n: Int, maxPoints: Int, value: (Int) -> Double?, special isSpecial: (Int) -> Bool) -> [Int] {
        if maxPoints == 1 { return [0] }
        var chosen = Set([0, n - 1])
        var special: [Int] = []
        for i in 1..<(n - 1) where isSpecial(i) { special.append(i) }
        let room = maxPoints - 2
        if special.count > room {
            for k in 0..<room { chosen.insert(special[k * special.count / room]) }
            return chosen.sorted()
        }
        chosen.formUnion(special)
        let buckets = (maxPoints - chosen.count) / 2
        if buckets > 0 {
            let lo = 1
            let hi = n - 1  // bucket over 1..<n-1
            for b in 0..<buckets {
                let start = lo + (hi - lo) * b / buckets
                let end = lo + (hi - lo) * (b + 1) / buckets
                var minI = -1
                var maxI = -1
                var minV = Double.infinity
                var maxV = -Double.infinity
                for i in start..<end {
                    guard let v = value(i) else { continue }
                    if v < minV {
                        minV = v
                        minI = i
                    }
                    if v > maxV {
                        maxV = v
                        maxI = i
                    }
                }
                if minI >= 0 { chosen.insert(minI) }
                if maxI >= 0 { chosen.insert(maxI) }
            }
        }
        return chosen.sorted()
    }

    /// Category labels (strings) on x are ordinary points, not spikes.
    static func isLabel(_ v: JSONValue) -> Bool { if case .string = v { return true } else { return false } }
}

extension Downsample {
    /// Thins the long traces of a plot head before it is materialized: points are chosen from
    /// the stored y (and x) read as numbers, without building them, and only the chosen
    /// values of each per-point series are decoded. Gives what `window(_:maxPoints:)` gives on
    /// the whole JSON; traces it cannot handle (prepended series, unequal lengths, per-point
    /// arrays not stored as series) are left for that.
    ///
    /// `tails`, when given, gets per trace what a page update needs (`DisplayTail`), nil for a
    /// trace it cannot update.
    static func thin(
        _ head: inout PaneValue, maxPoints: Int, rule: Rule = .export, series: SeriesStore,
        tails: DisplayTail.Collector? = nil
    ) throws {
        guard maxPoints > 0, case .object(var p) = head, case .string("plot")? = p["type"],
            case .object(var content)? = p["content"], case .array(var traces)? = content["data"]
        else { return }
        tails?.traces = Array(repeating: nil, count: traces.count)
        for i in traces.indices {
            let tail = try thinTrace(
                &traces[i], maxPoints: maxPoints, rule: rule, series: series, wantTail: tails != nil)
            tails?.traces[i] = tail
        }
        content["data"] = .array(traces)
        p["content"] = .object(content)
        head = .object(p)
    }

    /// Thins one trace; returns its `DisplayTail` when every per-point array of it is a stored
    /// series of its length (the display rule's buckets or every point kept).
    private static func thinTrace(
        _ trace: inout PaneValue, maxPoints: Int, rule: Rule, series: SeriesStore, wantTail: Bool
    ) throws -> DisplayTail? {
        guard case .object(var t) = trace, t["type"]?.stringValueIfString != "heatmap" else { return nil }
        var ySlot: SeriesSlot?
        var xSlot: SeriesSlot?
        if case .series(let s)? = t["y"] { ySlot = s }
        if case .series(let s)? = t["x"] { xSlot = s }
        guard let main = ySlot ?? xSlot, t["y"] == nil || ySlot != nil else { return nil }
        let n = try series.count(of: main.id)
        // the per-point arrays, which must all be series of n values for a tail to be kept
        var keys: [[String]] = []
        var allSeries = true
        for k in perPointKeys where t.contains(k) { keys.append([k]) }
        if case .object(let marker)? = t["marker"] {
            for k in perPointMarkerKeys where marker.contains(k) { keys.append(["marker", k]) }
        }
        for key in keys {
            guard case .series(let s)? = DisplayTail.value(at: key, in: t), try series.count(of: s.id) == n else {
                allSeries = false
                break
            }
        }
        guard n > maxPoints else {
            return wantTail && allSeries && rule == .display ? DisplayTail(keys: keys, n: n) : nil
        }
        if let xSlot, try series.count(of: xSlot.id) != n { return nil }
        if xSlot == nil, case .array(let a)? = t["x"], a.count == n { return nil }  // its spikes count too
        // y's finite values (NaN where none) and the spikes of y and x.
        var values = [Double](repeating: .nan, count: n)
        var kinds = [UInt8](repeating: 0, count: n)
        var i = 0
        let yIsMain = ySlot != nil
        guard
            try series.scan(
                main.id,
                { r in
                    let (v, isString) = try r.number()
                    if let v, v.isFinite {
                        values[i] = v
                    } else if yIsMain || !isString {
                        kinds[i] = (v.map(kind) ?? 4) + (yIsMain ? 0 : 4)
                    }
                    i += 1
                }), i == n
        else { return nil }
        if yIsMain, let xSlot {
            i = 0
            guard
                try series.scan(
                    xSlot.id,
                    { r in
                        let (v, isString) = try r.number()
                        if kinds[i] == 0 && !(v?.isFinite ?? isString) { kinds[i] = (v.map(kind) ?? 4) + 4 }
                        i += 1
                    }), i == n
            else { return nil }
        }
        let value = { (i: Int) -> Double? in values[i].isNaN ? nil : values[i] }
        let (keep, width, spikesPerBucket) = rule.choose(
            n: n, maxPoints: maxPoints, value: value, kind: { kinds[$0] })
        // a tail is kept for the display rule's buckets with every spike kept (rule 2)
        var tail: DisplayTail?
        if wantTail && allSeries && width > 0 && !spikesPerBucket {
            tail = DisplayTail(
                keys: keys, n: n, width: width, keep: keep, spikes: kinds.count(where: { $0 != 0 }),
                value: value)
        }

        /// `tailValues`: gets the values from the tail's start on.
        func pick(_ v: PaneValue?, tailValues: inout [JSONValue]) throws -> PaneValue? {
            switch v {
            case .series(let s)? where try series.count(of: s.id) == n:
                var out: [PaneValue] = []
                out.reserveCapacity(keep.count)
                var index = 0
                var k = 0
                let tailStart = tail?.tailStart ?? Int.max
                guard
                    try series.scan(
                        s.id,
                        { r in
                            let kept = k < keep.count && keep[k] == index
                            if kept || index >= tailStart {
                                let v = try r.json()
                                if kept {
                                    out.append(PaneValue(v))
                                    k += 1
                                }
                                if index >= tailStart { tailValues.append(v) }
                            } else {
                                try r.skip()
                            }
                            index += 1
                        })
                else { throw StoreInvariantError("series \(s.id) changed order while being read") }
                return .array(out)
            case .array(let a)? where a.count == n:
                return .array(keep.map { a[$0] })
            default:
                return v
            }
        }
        trace = .null
        var tails: [[JSONValue]] = []
        for k in perPointKeys where t.contains(k) {
            var values: [JSONValue] = []
            t[k] = try pick(t[k], tailValues: &values)
            tails.append(values)
        }
        if case .object(var marker)? = t["marker"] {
            for k in perPointMarkerKeys where marker.contains(k) {
                var values: [JSONValue] = []
                marker[k] = try pick(marker[k], tailValues: &values)
                tails.append(values)
            }
            t["marker"] = .object(marker)
        }
        trace = .object(t)
        tail?.tail = tails
        return tail
    }
}
