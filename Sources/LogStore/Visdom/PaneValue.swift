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

    /// Whether a `.series` is anywhere in this tree (then it is not plain JSON).
    var holdsSeries: Bool {
        switch self {
        case .series: return true
        case .array(let a): return Self.anyHoldsSeries(a)
        case .object(let o): return Self.anyHoldsSeries(o.values)
        default: return false
        }
    }

    static func anyHoldsSeries(_ values: [PaneValue]) -> Bool {
        for v in values {
            switch v {
            case .null, .bool, .int, .bigInt, .double, .string: continue
            default: if v.holdsSeries { return true }
            }
        }
        return false
    }

    var objectValue: PyDict<PaneValue>? { if case .object(let o) = self { return o } else { return nil } }
    var isNone: Bool { if case .null = self { return true } else { return false } }
}

extension PaneValue {
    /// Identity of trees, as the value encoding sees them: same cases, same payloads (doubles
    /// by bit pattern, strings and keys by their bytes, dict order included, series by id and
    /// kind with the same pending operations' absence). Identical panes encode to the same
    /// bytes, so a writer can skip encoding a head identical to the one it holds the bytes of.
    func isIdentical(to other: PaneValue) -> Bool {
        // One case at a time, not a switch over the pair: matching a tuple copies both values
        // (and retains what they hold) at every node.
        switch self {
        case .null: if case .null = other { return true }
        case .bool(let a): if case .bool(let b) = other { return a == b }
        case .int(let a): if case .int(let b) = other { return a == b }
        case .bigInt(let a): if case .bigInt(let b) = other { return ExactKey.equal(a, b) }
        case .double(let a): if case .double(let b) = other { return a.bitPattern == b.bitPattern }
        case .string(let a): if case .string(let b) = other { return ExactKey.equal(a, b) }
        case .array(let a): if case .array(let b) = other { return Self.identical(a, b) }
        case .object(let a):
            if case .object(let b) = other {
                guard a.count == b.count else { return false }
                for (k, l) in zip(a.keys, b.keys) where !ExactKey.equal(k, l) { return false }
                return Self.identical(a.values, b.values)
            }
        case .series(let a):
            if case .series(let b) = other { return a.id == b.id && a.kind == b.kind && a.pending.isEmpty && b.pending.isEmpty }
        }
        return false
    }

    private static func identical(_ a: [PaneValue], _ b: [PaneValue]) -> Bool {
        guard a.count == b.count else { return false }
        return a.withUnsafeBufferPointer { x in
            b.withUnsafeBufferPointer { y in
                for i in 0..<x.count where !x[i].isIdentical(to: y[i]) { return false }
                return true
            }
        }
    }
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
    public enum Kind: Int, Sendable { case list = 0, text = 1 }
    /// Values a rule added at one end of the series.
    ///
    /// Invariant: `values` is plain JSON, no `.series` anywhere inside (the initializers
    /// check it), so the store encodes them as they are, without a copy into `JSONValue`.
    public struct Operation: Sendable {
        public var prepend: Bool
        public private(set) var values: [PaneValue]

        /// Nil when a value holds a series.
        init?(prepend: Bool, plain values: [PaneValue]) {
            guard !PaneValue.anyHoldsSeries(values) else { return nil }
            self.prepend = prepend
            self.values = values
        }

        /// Values taken from a request's args, which are plain JSON: a message's body is
        /// (`LogStore.Message`), and the handlers add only strings to it. So they are not
        /// scanned, which for a trace's x and y was one more pass over every point of the
        /// message (debug builds still check).
        init(prepend: Bool, args values: [PaneValue]) {
            assert(!PaneValue.anyHoldsSeries(values), "a request's args hold a series")
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
