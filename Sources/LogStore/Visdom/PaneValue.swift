/// A visdom window ("pane") as the update rules see it: a JSON tree in which the arrays that
/// visdom's rules grow (trace `x`/`y`/`z`/`marker.color`, a text pane's `content`, an image
/// history's `content`) may be `.series`: references to stored, append-only sequences whose
/// points stay on disk unless a rule really needs them.
///
/// Invariant: replacing every `.series` by its resolved value gives exactly the window JSON
/// visdom holds. Rules that only concatenate onto a series record the new values in the slot
/// (`SeriesSlot.pending`), so accepting an append costs O(size of the append).
///
/// Only `.series` is boxed: the other cases are stored inline (arrays and dicts already keep
/// their elements on the heap), so a number in a pane costs no allocation of its own, as in
/// `JSONValue`. A wholly `indirect` enum allocated one box per value: one malloc per point of
/// every message the rules read.
public enum PaneValue: Sendable {
    case null
    case bool(Bool)
    case int(Int64)
    case bigInt(String)
    case double(Double)
    case string(String)
    case array([PaneValue])
    case object(PyDict<PaneValue>)
    indirect case series(SeriesSlot)

    public init(_ json: JSONValue) {
        switch json {
        case .null: self = .null
        case .bool(let b): self = .bool(b)
        case .int(let i): self = .int(i)
        case .bigInt(let s): self = .bigInt(s)
        case .double(let d): self = .double(d)
        case .string(let s): self = .string(s)
        case .array(let a): self = .array(a.map(PaneValue.init))
        case .object(let o): self = .object(o.mapValues(PaneValue.init))
        }
    }

    /// The JSON this pane stands for; series are read through `source`.
    public func json(resolving source: SeriesSource) throws -> JSONValue {
        switch self {
        case .null: return .null
        case .bool(let b): return .bool(b)
        case .int(let i): return .int(i)
        case .bigInt(let s): return .bigInt(s)
        case .double(let d): return .double(d)
        case .string(let s): return .string(s)
        case .array(let a): return .array(try a.map { try $0.json(resolving: source) })
        case .object(let d): return .object(try d.mapValues { try $0.json(resolving: source) })
        case .series(let slot): return try slot.resolve(source)
        }
    }

    /// The JSON of a pane that holds no series (a message, or a pane already resolved); nil
    /// if it holds one.
    var plainJSON: JSONValue? { try? json(resolving: NoSeries()) }

    /// Calls `visit` with every `.series` in this tree, depth first in document order, and the
    /// path to it (array indices as `.int`, object keys as `.string`), until `visit` returns
    /// false; returns false if it did. The one walk over a pane's series: materialization,
    /// live changes, the compactor, the checker and `holdsSeries` all go through it. Scalars
    /// are passed over without descending, so a long list of numbers costs one test each.
    @discardableResult
    func forEachSeries(_ visit: (_ path: [JSONValue], _ slot: SeriesSlot) throws -> Bool) rethrows -> Bool {
        var path: [JSONValue] = []
        return try Self.walkSeries(self, &path, visit)
    }

    private static func walkSeries(
        _ v: PaneValue, _ path: inout [JSONValue], _ visit: (_ path: [JSONValue], _ slot: SeriesSlot) throws -> Bool
    ) rethrows -> Bool {
        switch v {
        case .series(let slot):
            return try visit(path, slot)
        case .array(let a):
            for (i, item) in a.enumerated() where item.mayHoldSeries {
                path.append(.int(Int64(i)))
                let going = try walkSeries(item, &path, visit)
                path.removeLast()
                if !going { return false }
            }
        case .object(let o):
            for (key, item) in o.pairs where item.mayHoldSeries {
                path.append(.string(key))
                let going = try walkSeries(item, &path, visit)
                path.removeLast()
                if !going { return false }
            }
        default:
            break
        }
        return true
    }

    /// A series, or a list or dict that may hold one.
    private var mayHoldSeries: Bool {
        switch self {
        case .series, .array, .object: return true
        case .null, .bool, .int, .bigInt, .double, .string: return false
        }
    }

    /// Whether a `.series` is anywhere in this tree (then it is not plain JSON).
    var holdsSeries: Bool { !forEachSeries { _, _ in false } }

    /// Every series in this tree with its path, in document order (see `forEachSeries`).
    var seriesPaths: [(path: [JSONValue], slot: SeriesSlot)] {
        var found: [(path: [JSONValue], slot: SeriesSlot)] = []
        forEachSeries { path, slot in
            found.append((path, slot))
            return true
        }
        return found
    }

    var objectValue: PyDict<PaneValue>? { if case .object(let o) = self { return o } else { return nil } }
    var isNone: Bool { if case .null = self { return true } else { return false } }
}

/// The JSON reader builds message panes directly; a parsed pane holds no `.series`.
extension PaneValue: JSONTree {}

/// Reads stored series for the rules and for materialization. Implemented by the store over
/// its own connection; nothing under `Visdom/` knows how series are stored.
public protocol SeriesSource {
    /// Number of elements (for a text series: chunks) stored in series `id`.
    func count(of id: Int64) throws -> Int
    /// The first element of series `id`, nil if it is empty.
    func first(of id: Int64) throws -> JSONValue?
    /// Every element of series `id`, in order.
    func elements(of id: Int64) throws -> [JSONValue]
}

/// A reference to a stored series plus the operations a rule applied to it and that are not
/// stored yet. A text pane's content is a series of string chunks whose concatenation is the
/// text; every other series is a list.
public struct SeriesSlot: Sendable {
    public enum Kind: Int, Sendable {
        case list = 0
        case text = 1
    }
    /// Values a rule added at one end of the series.
    ///
    /// Invariant: `values` is plain JSON, no `.series` anywhere inside (the initializers
    /// check it), so the store encodes them as they are, without a copy into `JSONValue`.
    public struct Operation: Sendable {
        public var prepend: Bool
        public private(set) var values: [PaneValue]

        /// Nil when a value holds a series.
        init?(prepend: Bool, plain values: [PaneValue]) {
            guard !PaneValue.array(values).holdsSeries else { return nil }
            self.prepend = prepend
            self.values = values
        }

        /// Values taken from a request's args, which are plain JSON: a message's body is
        /// (`LogStore.Message`), and the handlers add only strings to it. So they are not
        /// scanned, which for a trace's x and y was one more pass over every point of the
        /// message (debug builds still check).
        init(prepend: Bool, args values: [PaneValue]) {
            assert(!PaneValue.array(values).holdsSeries, "a request's args hold a series")
            self.prepend = prepend
            self.values = values
        }

        init(prepend: Bool, values: [JSONValue]) {
            self.prepend = prepend
            self.values = values.map(PaneValue.init)
        }

        /// The values as JSON.
        var json: [JSONValue] { values.map { $0.plainJSON! } }
    }

    public let id: Int64
    public let kind: Kind
    /// Operations in the order the rules applied them; each becomes one stored segment.
    public var pending: [Operation] = []

    public init(id: Int64, kind: Kind) {
        self.id = id
        self.kind = kind
    }

    func count(_ source: SeriesSource) throws -> Int {
        try pending.reduce(source.count(of: id)) { $0 + $1.values.count }
    }

    func first(_ source: SeriesSource) throws -> JSONValue? {
        if let p = pending.last(where: { $0.prepend && !$0.values.isEmpty }) { return p.values[0].plainJSON }
        if let f = try source.first(of: id) { return f }
        return pending.first(where: { !$0.prepend && !$0.values.isEmpty })?.values[0].plainJSON
    }

    /// The whole value: the list, or for a text series the joined string.
    func resolve(_ source: SeriesSource) throws -> JSONValue {
        var items = try source.elements(of: id)
        for op in pending {
            if op.prepend { items = op.json + items } else { items.append(contentsOf: op.json) }
        }
        switch kind {
        case .list: return .array(items)
        case .text:
            var s = ""
            for case .string(let chunk) in items { s += chunk }
            return .string(s)
        }
    }
}

/// A `SeriesSource` for trees that must not contain series: every read fails.
private struct NoSeries: SeriesSource {
    struct Found: Error {}
    func count(of id: Int64) throws -> Int { throw Found() }
    func first(of id: Int64) throws -> JSONValue? { throw Found() }
    func elements(of id: Int64) throws -> [JSONValue] { throw Found() }
}
