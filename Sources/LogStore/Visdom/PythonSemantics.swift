/// The few pieces of Python's object semantics that visdom's handlers rely on, applied to
/// pane trees. Each function raises `PyError` exactly where Python would raise, so a rule
/// transcribed from visdom stops at the same point and leaves the same partial state.

/// An exception visdom's server would raise while handling a request (it answers 500 and keeps
/// whatever it had changed before the exception).
public struct PyError: Error, Sendable, Equatable, CustomStringConvertible {
    public let type: String
    public let message: String

    public var description: String { "\(type)(\(pyRepr(PaneValue.string(message))))" }

    static func keyError(_ key: PaneValue) -> PyError { PyError(type: "KeyError", message: pyStr(key)) }
    static func typeError(_ m: String) -> PyError { PyError(type: "TypeError", message: m) }
    static func indexError(_ m: String = "list index out of range") -> PyError {
        PyError(type: "IndexError", message: m)
    }
    static func attributeError(_ v: PaneValue, _ attr: String) -> PyError {
        PyError(type: "AttributeError", message: "'\(v.pythonTypeName)' object has no attribute '\(attr)'")
    }
    static let assertion = PyError(type: "AssertionError", message: "")
}

extension PaneValue {
    var pythonTypeName: String {
        switch self {
        case .null: return "NoneType"
        case .bool: return "bool"
        case .int, .bigInt: return "int"
        case .double: return "float"
        case .string: return "str"
        case .series(let slot): return slot.kind == .text ? "str" : "list"
        case .array: return "list"
        case .object: return "dict"
        }
    }
}

/// Python truthiness.
func pyTruthy(_ v: PaneValue?) -> Bool {
    guard let v else { return false }
    switch v {
    case .null: return false
    case .bool(let b): return b
    case .int(let i): return i != 0
    case .bigInt: return true
    case .double(let d): return d != 0
    case .string(let s): return !s.isEmpty
    case .array(let a): return !a.isEmpty
    case .object(let o): return !o.isEmpty
    case .series: return true
    }
}

/// A number as Python sees it (bool is an int).
enum PyNumber {
    case int(Int64)
    case float(Double)

    init?(_ v: PaneValue) {
        switch v {
        case .bool(let b): self = .int(b ? 1 : 0)
        case .int(let i): self = .int(i)
        case .double(let d): self = .float(d)
        default: return nil
        }
    }

    var asDouble: Double {
        switch self {
        case .int(let i): return Double(i)
        case .float(let d): return d
        }
    }
}

/// CPython's `PyObject_RichCompareBool(a, b, Py_EQ)`, which list and dict `==` use for their
/// elements and `in` uses for a list: identity first, then `==`. Every NaN visdom holds is the
/// one object `json.loads` returns for the token `NaN` (json's `_CONSTANTS["NaN"]`), so inside
/// a list or dict, and for `in`, NaN equals NaN: `[nan] == [nan]` and `nan in ["a", nan]` are
/// True, while a bare `nan == nan` stays False.
func pyEqualsBool(_ a: PaneValue, _ b: PaneValue, _ source: SeriesSource) throws -> Bool {
    if case .double(let x) = a, case .double(let y) = b, x.isNaN, y.isNaN { return true }
    return try pyEquals(a, b, source)
}

/// Python `==` between JSON-like values (1 == 1.0 == True, NaN != NaN, lists and dicts by
/// content). Series compare by resolving them.
func pyEquals(_ a: PaneValue, _ b: PaneValue, _ source: SeriesSource) throws -> Bool {
    if let x = PyNumber(a), let y = PyNumber(b) {
        switch (x, y) {
        case (.int(let i), .int(let j)): return i == j
        default:
            // Python compares int and float exactly; Double(Int64) may round, so compare via
            // the exact path when the float is integral.
            if case .int(let i) = x, case .float(let d) = y { return pyIntEqualsFloat(i, d) }
            if case .float(let d) = x, case .int(let i) = y { return pyIntEqualsFloat(i, d) }
            return x.asDouble == y.asDouble
        }
    }
    switch (a, b) {
    case (.null, .null): return true
    case (.bigInt(let x), .bigInt(let y)): return x == y
    // Python compares an int with a float exactly, however big the int (2**64 == 1.8446744073709552e19).
    case (.bigInt(let x), .double(let d)), (.double(let d), .bigInt(let x)): return pyBigIntEqualsFloat(x, d)
    case (.string(let x), .string(let y)): return x.unicodeScalars.elementsEqual(y.unicodeScalars)
    case (.array(let x), .array(let y)):
        guard x.count == y.count else { return false }
        for i in x.indices where try !pyEqualsBool(x[i], y[i], source) { return false }
        return true
    case (.object(let x), .object(let y)):
        guard x.count == y.count else { return false }
        for (k, v) in x.pairs {
            guard let w = y[k], try pyEqualsBool(v, w, source) else { return false }
        }
        return true
    case (.series(let s), _):
        return try pyEquals(PaneValue(s.resolve(source)), b, source)
    case (_, .series(let s)):
        return try pyEquals(a, PaneValue(s.resolve(source)), source)
    default: return false
    }
}

/// `int(digits) == d` in Python: true only if `d` is integral and has exactly that value.
private func pyBigIntEqualsFloat(_ digits: String, _ d: Double) -> Bool {
    guard d.isFinite, d.rounded(.towardZero) == d else { return false }
    return exactIntegerText(d) == digits
}

/// The exact decimal text of an integral, finite double (as Python's `str(int(d))`).
func exactIntegerText(_ d: Double) -> String {
    if d.magnitude < 0x1p63 { return String(Int64(d)) }
    // d = significand * 2^shift with a 53-bit integer significand and shift > 0.
    let shift = Int(d.exponent) - Double.significandBitCount
    var decimal = Array(
        String(UInt64(d.significandBitPattern) | (1 << UInt64(Double.significandBitCount))).utf8.reversed().map {
            Int($0) - 48
        })
    for _ in 0..<max(0, shift) {
        var carry = 0
        for i in decimal.indices {
            let v = decimal[i] * 2 + carry
            decimal[i] = v % 10
            carry = v / 10
        }
        if carry > 0 { decimal.append(carry) }
    }
    return (d < 0 ? "-" : "") + String(decoding: decimal.reversed().map { UInt8($0 + 48) }, as: UTF8.self)
}

/// Python's `float(i)` for an int beyond Int64 (correctly rounded; OverflowError past the
/// largest double).
func pyBigIntToFloat(_ digits: String) throws -> Double {
    guard let d = Double(digits), d.isFinite else {
        throw PyError(type: "OverflowError", message: "int too large to convert to float")
    }
    return d
}

private func pyIntEqualsFloat(_ i: Int64, _ d: Double) -> Bool {
    guard d.isFinite, d.rounded(.towardZero) == d, d >= -0x1p63, d < 0x1p63 else { return false }
    return Int64(d) == i
}

/// Python's `x in container` for the containers visdom checks (`in` on a dict tests keys, on a
/// list tests elements by `==` after identity, on a str tests substrings).
func pyContains(_ container: PaneValue, _ item: PaneValue, _ source: SeriesSource) throws -> Bool {
    switch container {
    case .object(let o):
        switch item {
        case .string(let k): return o.contains(k)
        case .array, .object, .series: throw PyError.typeError("unhashable type: '\(item.pythonTypeName)'")
        default: return false  // JSON object keys are strings; no other hashable equals one
        }
    case .array(let a):
        for e in a where try pyEqualsBool(e, item, source) { return true }
        return false
    case .string(let s):
        guard case .string(let sub) = item else {
            throw PyError.typeError("'in <string>' requires string as left operand, not \(item.pythonTypeName)")
        }
        return sub.isEmpty || s.unicodeScalars.firstRange(of: sub.unicodeScalars) != nil
    case .series(let slot):
        return try pyContains(PaneValue(slot.resolve(source)), item, source)
    default:
        throw PyError.typeError("argument of type '\(container.pythonTypeName)' is not iterable")
    }
}

/// The elements `for x in v` visits.
func pyIterate(_ v: PaneValue, _ source: SeriesSource) throws -> [PaneValue] {
    switch v {
    case .array(let a): return a
    case .object(let o): return o.keys.map { .string($0) }
    case .string(let s): return s.unicodeScalars.map { .string(String($0)) }
    case .series(let slot): return try pyIterate(PaneValue(slot.resolve(source)), source)
    default: throw PyError.typeError("'\(v.pythonTypeName)' object is not iterable")
    }
}

/// Python `len(v)`.
func pyLen(_ v: PaneValue, _ source: SeriesSource) throws -> Int {
    switch v {
    case .array(let a): return a.count
    case .object(let o): return o.count
    case .string(let s): return s.unicodeScalars.count
    case .series(let slot):
        if slot.kind == .list { return try slot.count(source) }
        return try pyLen(PaneValue(slot.resolve(source)), source)
    default: throw PyError.typeError("object of type '\(v.pythonTypeName)' has no len()")
    }
}

/// Python `v[key]` for a dict key (a string, as in every visdom access).
func pyGet(_ v: PaneValue, _ key: String) throws -> PaneValue {
    switch v {
    case .object(let o):
        guard let x = o[key] else { throw PyError.keyError(.string(key)) }
        return x
    case .array:
        throw PyError.typeError("list indices must be integers or slices, not str")
    case .series(let slot) where slot.kind == .list:
        throw PyError.typeError("list indices must be integers or slices, not str")
    case .string, .series:
        throw PyError.typeError("string indices must be integers, not 'str'")
    default:
        throw PyError.typeError("'\(v.pythonTypeName)' object is not subscriptable")
    }
}

/// Python `v[i]` for an integer index.
func pyIndex(_ v: PaneValue, _ i: Int, _ source: SeriesSource) throws -> PaneValue {
    switch v {
    case .array(let a):
        let j = i < 0 ? a.count + i : i
        guard a.indices.contains(j) else { throw PyError.indexError() }
        return a[j]
    case .string(let s):
        let scalars = Array(s.unicodeScalars)
        let j = i < 0 ? scalars.count + i : i
        guard scalars.indices.contains(j) else { throw PyError.indexError("string index out of range") }
        return .string(String(scalars[j]))
    case .object:
        throw PyError.keyError(.int(Int64(i)))
    case .series(let slot):
        if i == 0, slot.kind == .list {
            guard let f = try slot.first(source) else { throw PyError.indexError() }
            return PaneValue(f)
        }
        return try pyIndex(PaneValue(slot.resolve(source)), i, source)
    default:
        throw PyError.typeError("'\(v.pythonTypeName)' object is not subscriptable")
    }
}

/// `key in d` or `d[key]` where `d` is one of visdom's dicts keyed by strings (envs, windows):
/// the key when it is a string; nil for any other hashable value, which no key equals; a list
/// or a dict raises, being unhashable.
func pyStringKey(_ key: PaneValue) throws -> String? {
    switch key {
    case .string(let s): return s
    case .array, .object: throw PyError.typeError("unhashable type: '\(key.pythonTypeName)'")
    default: return nil
    }
}

/// `obj.get(key, default)`: raises AttributeError unless `obj` is a dict.
func pyDictGet(_ v: PaneValue, _ key: String, _ def: PaneValue) throws -> PaneValue {
    guard case .object(let o) = v else { throw PyError.attributeError(v, "get") }
    return o[key] ?? def
}

/// Python binary `a + b`. A list series plus a list records an append (and a list plus a list
/// series a prepend) without loading the series. `listFromArgs`: the list operand was taken
/// from the request's args, so it holds no series and needs no scan for one (see
/// `SeriesSlot.Operation.init(prepend:args:)`).
func pyAdd(_ a: PaneValue, _ b: PaneValue, _ source: SeriesSource, listFromArgs: Bool = false) throws -> PaneValue {
    switch (a, b) {
    case (.series(var slot), .array(let items)) where slot.kind == .list:
        guard
            let op = listFromArgs
                ? SeriesSlot.Operation(prepend: false, args: items) : SeriesSlot.Operation(prepend: false, plain: items)
        else { break }
        slot.pending.append(op)
        return .series(slot)
    case (.array(let items), .series(var slot)) where slot.kind == .list:
        guard
            let op = listFromArgs
                ? SeriesSlot.Operation(prepend: true, args: items) : SeriesSlot.Operation(prepend: true, plain: items)
        else { break }
        slot.pending.append(op)
        return .series(slot)
    case (.series(var slot), .string(let s)) where slot.kind == .text:
        slot.pending.append(.init(prepend: false, values: [.string(s)]))
        return .series(slot)
    default: break
    }
    let x = try resolved(a, source)
    let y = try resolved(b, source)
    switch (x, y) {
    case (.array(let p), .array(let q)): return .array(p + q)
    case (.string(let p), .string(let q)): return .string(p + q)
    default: break
    }
    // An int beyond Int64 plus a float is float(int) + float, as in Python.
    if case .bigInt(let i) = x, case .double(let d) = y { return .double(try pyBigIntToFloat(i) + d) }
    if case .double(let d) = x, case .bigInt(let i) = y { return .double(d + (try pyBigIntToFloat(i))) }
    if let p = PyNumber(x), let q = PyNumber(y) {
        switch (p, q) {
        case (.int(let i), .int(let j)):
            let (r, overflow) = i.addingReportingOverflow(j)
            if !overflow { return .int(r) }
            throw PyError(type: "OverflowError", message: "integer sum exceeds 64 bits (not supported by LogStore)")
        default: return .double(p.asDouble + q.asDouble)
        }
    }
    if case .string = x {
        throw PyError.typeError("can only concatenate str (not \"\(y.pythonTypeName)\") to str")
    }
    if case .array = x {
        throw PyError.typeError("can only concatenate list (not \"\(y.pythonTypeName)\") to list")
    }
    throw PyError.typeError(
        "unsupported operand type(s) for +: '\(x.pythonTypeName)' and '\(y.pythonTypeName)'")
}

/// Python `a += b`: like `+`, except that a list extends with any iterable. `listFromArgs` as
/// for `pyAdd`.
func pyIAdd(_ a: PaneValue, _ b: PaneValue, _ source: SeriesSource, listFromArgs: Bool = false) throws -> PaneValue {
    if case .series(let slot) = a, slot.kind == .list {
        if case .array = b { return try pyAdd(a, b, source, listFromArgs: listFromArgs) }
        return try pyIAdd(PaneValue(slot.resolve(source)), b, source)
    }
    if case .array(let items) = a {
        if case .array = b { return try pyAdd(a, b, source) }
        return .array(items + (try pyIterate(b, source)))
    }
    return try pyAdd(a, b, source)
}

/// `v` with a series resolved into its value.
func resolved(_ v: PaneValue, _ source: SeriesSource) throws -> PaneValue {
    if case .series(let slot) = v { return PaneValue(try slot.resolve(source)) }
    return v
}

/// Python `str(v)` for the JSON-like values visdom turns into window ids.
func pyStr(_ v: PaneValue) -> String {
    if case .string(let s) = v { return s }
    return pyRepr(v)
}

/// Python `repr(v)`.
func pyRepr(_ v: PaneValue) -> String {
    switch v {
    case .null: return "None"
    case .bool(let b): return b ? "True" : "False"
    case .int(let i): return String(i)
    case .bigInt(let s): return s
    case .double(let d):
        if d.isNaN { return "nan" }
        if d.isInfinite { return d < 0 ? "-inf" : "inf" }
        return PythonFloat.repr(d)
    case .string(let s):
        // Python picks the quote by code points (a quote followed by a combining mark counts).
        let quote: Character = s.unicodeScalars.contains("'") && !s.unicodeScalars.contains("\"") ? "\"" : "'"
        var out = String(quote)
        for u in s.unicodeScalars {
            switch u {
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\t": out += "\\t"
            default:
                if u == quote.unicodeScalars.first {
                    out += "\\\(quote)"
                } else if u.value < 0x20 || u.value == 0x7f {
                    out += "\\x" + hex(u.value, 2)
                } else if u.value < 0x7f || pyIsPrintable(u) {
                    out.unicodeScalars.append(u)
                } else if let s = LoneSurrogate.surrogate(for: u.value) {
                    out += "\\u" + hex(s, 4)
                } else if u.value <= 0xff {
                    out += "\\x" + hex(u.value, 2)
                } else if u.value <= 0xffff {
                    out += "\\u" + hex(u.value, 4)
                } else {
                    out += "\\U" + hex(u.value, 8)
                }
            }
        }
        out.append(quote)
        return out
    case .array(let a): return "[" + a.map(pyRepr).joined(separator: ", ") + "]"
    case .object(let o):
        return "{" + o.pairs.map { pyRepr(.string($0.0)) + ": " + pyRepr($0.1) }.joined(separator: ", ") + "}"
    case .series: return "[...]"
    }
}

/// Python's `str.isprintable()` for one non-ASCII character, which `repr` keeps as it is:
/// everything but the categories Cc, Cf, Cs, Co, Cn, Zl, Zp and Zs (`repr(['\xa0'])`).
/// A lone surrogate (mapped, see `LoneSurrogate`) is Cs.
private func pyIsPrintable(_ u: Unicode.Scalar) -> Bool {
    if LoneSurrogate.surrogate(for: u.value) != nil { return false }
    switch u.properties.generalCategory {
    case .control, .format, .surrogate, .privateUse, .unassigned, .lineSeparator, .paragraphSeparator,
        .spaceSeparator:
        return false
    default:
        return true
    }
}

private func hex(_ v: UInt32, _ width: Int) -> String {
    let s = String(v, radix: 16)
    return String(repeating: "0", count: max(0, width - s.count)) + s
}
