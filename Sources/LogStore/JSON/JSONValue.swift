/// A JSON document exactly as Python's `json` module sees it.
///
/// Invariants (the reason this type exists instead of Foundation's JSON):
/// - an integer literal stays an integer (`.int`, or `.bigInt` past 64 bits) and a literal
///   with a fraction or exponent stays a float (`.double`), so `1` and `1.0` never merge;
/// - `.double` holds any 64-bit value bit for bit: NaN, +Infinity, -Infinity, -0.0 and
///   subnormals included (Python writes the first three as bare `NaN`/`Infinity` tokens);
/// - `.null` is neither NaN nor a missing key;
/// - objects keep Python dict order (see `JSONObject`).
///
/// `==` is *identity of documents*: doubles compare by bit pattern (NaN equals the same
/// NaN, `-0.0` differs from `0.0`), `1` differs from `1.0`. Python's looser `==`
/// (`1 == 1.0 == True`) lives with the visdom rules that need it.
public enum JSONValue: Sendable {
    case null
    case bool(Bool)
    case int(Int64)
    /// An integer literal that does not fit in 64 bits, kept verbatim: an optional `-`
    /// followed by decimal digits with no leading zero. Python keeps such integers exact.
    case bigInt(String)
    case double(Double)
    case string(String)
    case array([JSONValue])
    case object(JSONObject)
}

extension JSONValue: Equatable {
    public static func == (lhs: JSONValue, rhs: JSONValue) -> Bool {
        switch (lhs, rhs) {
        case (.null, .null): return true
        case (.bool(let a), .bool(let b)): return a == b
        case (.int(let a), .int(let b)): return a == b
        case (.bigInt(let a), .bigInt(let b)): return a == b
        case (.double(let a), .double(let b)): return a.bitPattern == b.bitPattern
        case (.string(let a), .string(let b)): return a.utf8.elementsEqual(b.utf8)
        case (.array(let a), .array(let b)): return a == b
        case (.object(let a), .object(let b)): return a == b
        default: return false
        }
    }
}

extension JSONValue {
    public var isNull: Bool { if case .null = self { return true } else { return false } }

    public var stringValue: String? { if case .string(let s) = self { return s } else { return nil } }

    public var arrayValue: [JSONValue]? { if case .array(let a) = self { return a } else { return nil } }

    public var objectValue: JSONObject? { if case .object(let o) = self { return o } else { return nil } }

    /// The member `key` of an object; nil for a missing key or a non-object.
    public subscript(key: String) -> JSONValue? {
        get { if case .object(let o) = self { return o[key] } else { return nil } }
    }
}

extension JSONValue: ExpressibleByNilLiteral, ExpressibleByBooleanLiteral, ExpressibleByIntegerLiteral,
    ExpressibleByFloatLiteral, ExpressibleByStringLiteral, ExpressibleByArrayLiteral,
    ExpressibleByDictionaryLiteral
{
    public init(nilLiteral: ()) { self = .null }
    public init(booleanLiteral value: Bool) { self = .bool(value) }
    public init(integerLiteral value: Int64) { self = .int(value) }
    public init(floatLiteral value: Double) { self = .double(value) }
    public init(stringLiteral value: String) { self = .string(value) }
    public init(arrayLiteral elements: JSONValue...) { self = .array(elements) }
    public init(dictionaryLiteral elements: (String, JSONValue)...) {
        var o = JSONObject()
        for (k, v) in elements { o[k] = v }
        self = .object(o)
    }
}
