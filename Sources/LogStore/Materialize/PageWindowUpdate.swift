/// A window as a page was last sent it, with what is needed to bring it up to date when points
/// are only appended to its series: the page's read then costs the appended points, not a
/// read of the whole window (`LogStore.pageWindowUpdate`).
public struct PageWindowState: Sendable {
    /// The window as the page draws it (`LogStore.pageWindow`).
    public let window: JSONValue
    let windowID: Int64
    /// The window's last change that `window` shows.
    let epoch: Int64
    let maxPoints: Int
    /// Per trace of `content.data`; nil when a trace (or the window) cannot be updated so.
    let traces: [DisplayTail]?

    /// Whether an append can bring it up to date (see `LogStore.pageWindowUpdate`).
    public var isUpdatable: Bool { traces != nil }
}

/// What updating one trace of a page's window needs: its per-point keys (all stored series),
/// its length and, when the display rule thinned it (`DisplayBuckets`, every spike kept), the
/// bucket width, the spike count, where the bucket holding the last point starts, the finite
/// points chosen in the buckets before it and how many points were chosen before it (all
/// unchanged by an append while the width holds), and every per-point value from there on.
struct DisplayTail: Sendable {
    /// Gets the tails of a window's traces while `Downsample.thin` reads them.
    final class Collector {
        var traces: [DisplayTail?] = []
    }

    /// Paths inside the trace: `["y"]`, `["marker", "color"]`.
    let keys: [[String]]
    var n: Int
    /// 0: every point is sent.
    var width = 0
    var spikes = 0
    var tailStart = 0
    var finitePicksBefore = 0
    var keptBefore = 0
    /// Per key, its values from `tailStart` on.
    var tail: [[JSONValue]] = []

    /// A trace sent with every point.
    init(keys: [[String]], n: Int) {
        self.keys = keys
        self.n = n
    }

    /// A trace thinned by `DisplayBuckets` to `keep` with `width`; `tail` is set by the caller.
    init(keys: [[String]], n: Int, width: Int, keep: [Int], spikes: Int, value: (Int) -> Double?) {
        self.keys = keys
        self.n = n
        self.width = width
        self.spikes = spikes
        tailStart = (n - 1) / width * width
        finitePicksBefore = Self.finitePicks(count: tailStart, width: width, value: value)
        keptBefore = keep.firstIndex { $0 >= tailStart } ?? keep.count
    }

    static func finitePicks(count: Int, width: Int, value: (Int) -> Double?) -> Int {
        DisplayBuckets.Level(n: count, width: width, kindsPerBucket: false, value: value, kind: { _ in 0 }).finitePicks
    }

    /// The value at `key` inside a stored trace.
    static func value(at key: [String], in trace: PyDict<PaneValue>) -> PaneValue? {
        key.count == 1 ? trace[key[0]] : trace[key[0]]?.objectValue?[key[1]]
    }

    /// The value at `key` inside a materialized trace.
    static func value(at key: [String], in trace: JSONObject) -> JSONValue? {
        key.count == 1 ? trace[key[0]] : trace[key[0]]?[key[1]]
    }

    /// The trace's per-point arrays (`sent`: as the page has them, per key) after `appended`
    /// values were added to each key, and the tail after that; nil when the display rule
    /// would choose anew (the width doubles, spikes become too many, the cap is passed).
    func appending(_ appended: [[JSONValue]], sent: [[JSONValue]], maxPoints: Int) -> (
        arrays: [[JSONValue]], tail: DisplayTail
    )? {
        guard let k = appended.first?.count, appended.allSatisfy({ $0.count == k }) else { return nil }
        var next = self
        next.n = n + k
        if width == 0 {
            guard next.n <= maxPoints else { return nil }
            return (zip(sent, appended).map { $0 + $1 }, next)
        }
        let region = zip(tail, appended).map { $0 + $1 }
        let m = next.n - tailStart
        let y = keys.firstIndex(of: ["y"])
        let x = keys.firstIndex(of: ["x"])
        guard let main = y ?? x else { return nil }
        let value = { (r: Int) -> Double? in Downsample.finite(region[main][r]) }
        let kind = { (r: Int) -> UInt8 in
            if let y, case let k = Downsample.kind(region[y][r]), k != 0 { return k }
            if let x, !Downsample.isLabel(region[x][r]), case let k = Downsample.kind(region[x][r]), k != 0 {
                return k + 4
            }
            return 0
        }
        next.spikes = spikes + (n - tailStart..<m).count { kind($0) != 0 }
        let room = maxPoints - 2
        guard next.spikes <= room / 2 else { return nil }
        let level = DisplayBuckets.Level(n: m, width: width, kindsPerBucket: false, value: value, kind: kind)
        guard finitePicksBefore + level.finitePicks <= room - next.spikes else { return nil }
        var chosen: Set = [m - 1]
        if tailStart == 0 { chosen.insert(0) }
        for r in 0..<m where kind(r) != 0 { chosen.insert(r) }
        level.forEachPick { chosen.insert($0) }
        let picks = chosen.sorted()
        let arrays = keys.indices.map { j in Array(sent[j].prefix(keptBefore)) + picks.map { region[j][$0] } }
        next.tailStart = (next.n - 1) / width * width
        let moved = next.tailStart - tailStart
        next.finitePicksBefore = finitePicksBefore + Self.finitePicks(count: moved, width: width, value: value)
        next.keptBefore = keptBefore + (picks.firstIndex { $0 >= moved } ?? picks.count)
        next.tail = region.map { Array($0[moved...]) }
        return (arrays, next)
    }
}

extension PageWindowState {
    /// This window after `appends` (values added to its series, see `ChangeReader`), as of the
    /// window's change `epoch` whose contentID is `contentID`; nil when a trace cannot be
    /// updated from them.
    func appending(_ appends: [SeriesAppend], epoch: Int64, contentID: String) -> PageWindowState? {
        guard let traces, case .object(var w) = window, case .object(var content)? = w["content"],
            case .array(var data)? = content["data"], data.count == traces.count
        else { return nil }
        var byTrace: [Int: [(key: [String], values: [JSONValue])]] = [:]
        for a in appends {
            guard a.path.count >= 4, a.path[0] == "content", a.path[1] == "data", case .int(let i) = a.path[2],
                traces.indices.contains(Int(i))
            else { return nil }
            let key = a.path[3...].compactMap(\.stringValue)
            guard key.count == a.path.count - 3 else { return nil }
            byTrace[Int(i), default: []].append((key, a.values))
        }
        var updated = traces
        for (i, added) in byTrace {
            let t = traces[i]
            guard case .object(var trace) = data[i] else { return nil }
            var appended: [[JSONValue]] = []
            var sent: [[JSONValue]] = []
            for key in t.keys {
                guard let a = added.first(where: { $0.key == key }),
                    let now = DisplayTail.value(at: key, in: trace)?.arrayValue
                else { return nil }
                appended.append(a.values)
                sent.append(now)
            }
            guard added.count == t.keys.count,
                let (arrays, tail) = t.appending(appended, sent: sent, maxPoints: maxPoints)
            else { return nil }
            for (key, array) in zip(t.keys, arrays) {
                if key.count == 1 {
                    trace[key[0]] = .array(array)
                } else if case .object(var inner)? = trace[key[0]] {
                    inner[key[1]] = .array(array)
                    trace[key[0]] = .object(inner)
                }
            }
            data[i] = .object(trace)
            updated[i] = tail
        }
        content["data"] = .array(data)
        w["content"] = .object(content)
        if w.contains("contentID") { w["contentID"] = .string(contentID) }
        return PageWindowState(
            window: .object(w), windowID: windowID, epoch: epoch, maxPoints: maxPoints, traces: updated)
    }
}

extension LogStore {
    /// Window `window` of env `env` as the page draws it now (`pageWindow`), with the state for
    /// the next update. Brought up to date from `previous` (a state of the same window) when
    /// only points were appended to its line or scatter traces since and the display rule
    /// keeps their buckets: that costs the appended points. Any other change (a replaced
    /// trace, a new one, options, a width doubling) reads the window as `pageWindow` does.
    /// nil when the window or its env does not exist.
    public func pageWindowUpdate(env: String, window: String, previous: PageWindowState?, maxPoints: Int)
        throws(LogStoreError) -> PageWindowState?
    {
        try read(asOf: nil) { db, bound -> PageWindowState? in
            let m = Materializer(db: db, asOf: bound)
            guard let envID = try m.catalog.env(env), let row = try m.catalog.window(window, env: envID) else {
                return nil
            }
            let last = try m.catalog.lastChange(row.windowID)
            if let previous, previous.windowID == row.windowID, previous.maxPoints == maxPoints,
                previous.traces != nil
            {
                if previous.epoch == last { return previous }
                if let appends = try ChangeReader(db: db, since: previous.epoch).appendsOnly(
                    row.windowID, then: Catalog(db: db, asOf: previous.epoch), now: m.catalog),
                    let updated = previous.appending(
                        appends, epoch: last, contentID: Materializer.contentID(window: row.windowID, epoch: last))
                {
                    return updated
                }
            }
            let tails = DisplayTail.Collector()
            let json = try m.window(row) { head, series in
                if maxPoints > 0 {
                    try Downsample.thin(&head, maxPoints: maxPoints, rule: .display, series: series, tails: tails)
                }
            }
            let traces = tails.traces.compactMap { $0 }
            let updatable = maxPoints > 0 && !traces.isEmpty && traces.count == tails.traces.count
            return PageWindowState(
                window: maxPoints > 0 ? Downsample.window(json, maxPoints: maxPoints, rule: .display) : json,
                windowID: row.windowID, epoch: last, maxPoints: maxPoints, traces: updatable ? traces : nil)
        }
    }
}
