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
enum Downsample {
    static let perPointKeys = ["x", "y", "z", "text", "hovertext", "customdata"]
    static let perPointMarkerKeys = ["color", "size", "symbol"]

    static func window(_ w: JSONValue, maxPoints: Int) -> JSONValue {
        guard maxPoints > 0, case .object(var o) = w, o["type"] == "plot", case .object(var content)? = o["content"],
            case .array(var traces)? = content["data"]
        else { return w }
        for i in traces.indices { traces[i] = trace(traces[i], maxPoints: maxPoints) }
        content["data"] = .array(traces)
        o["content"] = .object(content)
        return .object(o)
    }

    static func trace(_ t: JSONValue, maxPoints: Int) -> JSONValue {
        guard case .object(var o) = t, o["type"] != "heatmap" else { return t }
        let y = o["y"]?.arrayValue, x = o["x"]?.arrayValue
        guard let n = (y ?? x)?.count, n > maxPoints else { return t }
        let keep = indices(x: x?.count == n ? x : nil, y: y?.count == n ? y : nil, n: n, maxPoints: maxPoints)
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

    /// Sorted indices into 0..<n, at most `maxPoints` of them.
    static func indices(x: [JSONValue]?, y: [JSONValue]?, n: Int, maxPoints: Int) -> [Int] {
        if maxPoints == 1 { return [0] }
        var chosen = Set([0, n - 1])
        let values = y ?? x ?? []
        var special: [Int] = []
        for i in 1..<(n - 1) {
            if (y.map { finite($0[i]) == nil } ?? false) || (x.map { finite($0[i]) == nil && !isLabel($0[i]) } ?? false) {
                special.append(i)
            }
        }
        let room = maxPoints - 2
        if special.count > room {
            for k in 0..<room { chosen.insert(special[k * special.count / room]) }
            return chosen.sorted()
        }
        chosen.formUnion(special)
        let buckets = (maxPoints - chosen.count) / 2
        if buckets > 0 {
            let lo = 1, hi = n - 1  // bucket over 1..<n-1
            for b in 0..<buckets {
                let start = lo + (hi - lo) * b / buckets, end = lo + (hi - lo) * (b + 1) / buckets
                var minI = -1, maxI = -1
                var minV = Double.infinity, maxV = -Double.infinity
                for i in start..<end {
                    guard let v = finite(values[i]) else { continue }
                    if v < minV { minV = v; minI = i }
                    if v > maxV { maxV = v; maxI = i }
                }
                if minI >= 0 { chosen.insert(minI) }
                if maxI >= 0 { chosen.insert(maxI) }
            }
        }
        return chosen.sorted()
    }

    /// Category labels (strings) on x are ordinary points, not spikes.
    private static func isLabel(_ v: JSONValue) -> Bool { if case .string = v { return true } else { return false } }
}

extension LogStore {
    /// One window with each trace reduced to at most `maxPoints` points (see `Downsample`).
    public func exportWindow(env: String, window: String, asOf: Int64? = nil, maxPoints: Int) throws(LogStoreError) -> JSONValue {
        Downsample.window(try exportWindow(env: env, window: window, asOf: asOf), maxPoints: maxPoints)
    }
}
