/// In-place edits of a pane tree with Python's errors: `d[k] = v`, `d[k]` read-modify-write,
/// `l[i] = v`, `del l[i]`, `l.append(v)`. Kept apart from the rules so that the rules read
/// like the visdom code they transcribe.

extension PaneValue {
    /// Python `self[key] = value` on a dict.
    mutating func setItem(_ key: String, _ value: PaneValue) throws {
        guard case .object(var o) = self else {
            switch self {
            case .array, .series: throw PyError.typeError("list indices must be integers or slices, not str")
            default: throw PyError.typeError("'\(pythonTypeName)' object does not support item assignment")
            }
        }
        self = .null
        o[key] = value
        self = .object(o)
    }

    /// Runs `body` on `self[key]` in place; KeyError if missing.
    mutating func modifyItem<R>(_ key: String, _ body: (inout PaneValue) throws -> R) throws -> R {
        guard case .object(var o) = self else {
            _ = try pyGet(self, key)
            fatalError("unreachable")
        }
        guard let i = o.index(forKey: key) else { throw PyError.keyError(.string(key)) }
        self = .null
        defer { self = .object(o) }
        return try o.modifyValue(at: i, body)
    }

    /// Runs `body` on `self[i]` of a list in place; IndexError if out of range.
    mutating func modifyIndex<R>(_ i: Int, _ source: SeriesSource, _ body: (inout PaneValue) throws -> R) throws -> R {
        if case .series(let slot) = self { self = PaneValue(try slot.resolve(source)) }
        guard case .array(var a) = self else {
            _ = try pyIndex(self, i, source)
            throw PyError.typeError("'\(pythonTypeName)' object does not support item assignment")
        }
        let j = i < 0 ? a.count + i : i
        guard a.indices.contains(j) else { throw PyError.indexError() }
        self = .null
        defer { self = .array(a) }
        return try body(&a[j])
    }

    /// Python `del self[i]` on a list.
    mutating func deleteIndex(_ i: Int, _ source: SeriesSource) throws {
        if case .series(let slot) = self { self = PaneValue(try slot.resolve(source)) }
        guard case .array(var a) = self else {
            throw PyError.typeError("'\(pythonTypeName)' object doesn't support item deletion")
        }
        let j = i < 0 ? a.count + i : i
        guard a.indices.contains(j) else { throw PyError.indexError("list assignment index out of range") }
        self = .null
        a.remove(at: j)
        self = .array(a)
    }

    /// Python `self.append(value)` on a list; a list series records the append.
    mutating func append(_ value: PaneValue, _ source: SeriesSource) throws {
        switch self {
        case .series(var slot) where slot.kind == .list:
            if let op = SeriesSlot.Operation(prepend: false, plain: [value]) {
                slot.pending.append(op)
                self = .series(slot)
                return
            }
            self = PaneValue(try slot.resolve(source))
            try append(value, source)
        case .array(var a):
            self = .null
            a.append(value)
            self = .array(a)
        default:
            throw PyError.attributeError(self, "append")
        }
    }

    /// Whether `self` and `other` are the same value, so that setting one where the other is
    /// changes nothing (`AppendOnlyUpdate`): `same(_:_:seriesByID:)` without series, so a
    /// series is the same only as itself in shared storage and a series found anywhere else
    /// answers false.
    func isSameValue(as other: PaneValue) -> Bool { Self.same(self, other, seriesByID: false) }

    /// The same cases with the same payloads: floats by bit pattern (NaN is NaN, -0.0 is not
    /// 0.0), strings and keys by their UTF-8 bytes (not Swift's canonical equivalence), dicts
    /// with the same keys in the same order. Series are the same when `seriesByID` and they
    /// have the same id and kind (pending operations are not compared), else never. One
    /// walk for both uses: `isSameValue(as:)` and `ValueCodec.sameEncoding`.
    static func same(_ a: PaneValue, _ b: PaneValue, seriesByID: Bool) -> Bool {
        // One case at a time, not a switch over the pair: matching a tuple copies both values
        // (and retains what they hold) at every node, which cost more than the comparison.
        switch a {
        case .null: if case .null = b { return true }
        case .bool(let x): if case .bool(let y) = b { return x == y }
        case .int(let x): if case .int(let y) = b { return x == y }
        case .bigInt(let x): if case .bigInt(let y) = b { return ExactKey.equal(x, y) }
        case .string(let x): if case .string(let y) = b { return ExactKey.equal(x, y) }
        case .double(let x): if case .double(let y) = b { return x.bitPattern == y.bitPattern }
        case .array(let x): if case .array(let y) = b { return sameElements(x, y, seriesByID) }
        case .object(let x):
            if case .object(let y) = b {
                return sameKeys(x.keys, y.keys) && sameElements(x.values, y.values, seriesByID)
            }
        case .series(let x):
            if seriesByID, case .series(let y) = b { return x.id == y.id && x.kind == y.kind }
        }
        return false
    }

    /// Element by element; arrays that are one buffer (so the same elements) without a walk:
    /// the rules change a copy of the loaded pane, and the parts they did not touch still
    /// share the loaded pane's storage.
    private static func sameElements(_ a: [PaneValue], _ b: [PaneValue], _ seriesByID: Bool) -> Bool {
        a.withUnsafeBufferPointer { x in
            b.withUnsafeBufferPointer { y in
                guard x.count == y.count else { return false }
                if x.baseAddress == y.baseAddress { return true }
                for i in 0..<x.count where !same(x[i], y[i], seriesByID: seriesByID) { return false }
                return true
            }
        }
    }

    /// Keys by their UTF-8 bytes, in order; one buffer without a walk, as above.
    private static func sameKeys(_ a: [String], _ b: [String]) -> Bool {
        a.withUnsafeBufferPointer { x in
            b.withUnsafeBufferPointer { y in
                guard x.count == y.count else { return false }
                if x.baseAddress == y.baseAddress { return true }
                for i in 0..<x.count where !ExactKey.equal(x[i], y[i]) { return false }
                return true
            }
        }
    }
}
