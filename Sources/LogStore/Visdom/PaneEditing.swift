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
}
