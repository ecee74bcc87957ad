#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// A JSON object: a `PyDict` of JSON values.
public typealias JSONObject = PyDict<JSONValue>

/// An ordered dictionary with the semantics of a Python `dict`, which is what visdom's state
/// is made of.
///
/// Invariants:
/// - iteration order is insertion order;
/// - assigning to an existing key replaces its value in place (the key keeps its position);
/// - removing a key and adding it again moves it to the end;
/// - keys are compared by their Unicode scalars, as Python compares `str` (Swift's `String ==`
///   would merge canonically equivalent keys such as "é" and "e\u{301}", Python does not).
public struct PyDict<Value: Sendable>: Sendable {
    public private(set) var keys: [String] = []
    public private(set) var values: [Value] = []
    /// Key → position, built only once the dict holds more than `scanLimit` keys. Below that,
    /// comparing the key with each key in turn is cheaper than hashing it, and most of visdom's
    /// dicts (traces, markers, layouts, messages) are that small.
    private var index: [ExactKey: Int]?
    private static var scanLimit: Int { 16 }

    public init() {}

    public init(_ pairs: [(String, Value)]) {
        for (k, v) in pairs { self[k] = v }
    }

    public var count: Int { keys.count }
    public var isEmpty: Bool { keys.isEmpty }

    /// Makes room for `n` keys, for a caller that knows how many it will add.
    public mutating func reserveCapacity(_ n: Int) {
        keys.reserveCapacity(n)
        values.reserveCapacity(n)
    }

    /// The position of `key`, nil if it is missing.
    private func position(of key: String) -> Int? {
        if let index { return index[ExactKey(key)] }
        return keys.firstIndex { ExactKey.equal($0, key) }
    }

    public func contains(_ key: String) -> Bool { position(of: key) != nil }

    public subscript(key: String) -> Value? {
        get { position(of: key).map { values[$0] } }
        set {
            if let i = position(of: key) {
                if let newValue { values[i] = newValue } else { remove(at: i) }
            } else if let newValue {
                index?[ExactKey(key)] = keys.count
                keys.append(key)
                values.append(newValue)
                if index == nil && keys.count > Self.scanLimit {
                    index = Dictionary(uniqueKeysWithValues: keys.enumerated().map { (ExactKey($1), $0) })
                }
            }
        }
    }

    /// Mutates the value of an existing key in place (no copy of the value's storage).
    /// Returns nil without calling `body` when the key is missing.
    @discardableResult
    public mutating func modify<R>(_ key: String, _ body: (inout Value) throws -> R) rethrows -> R? {
        guard let i = position(of: key) else { return nil }
        return try body(&values[i])
    }

    /// The position of `key` in `keys` (and of its value in `values`), nil if it is missing.
    func index(forKey key: String) -> Int? { position(of: key) }

    /// The position of `key`, looked for from position `start` on and then before it: for a
    /// caller that looks up keys in about the order the dict holds them, one comparison each.
    func index(forKey key: String, from start: Int) -> Int? {
        if let index { return index[ExactKey(key)] }
        let start = min(start, keys.count)
        return keys[start...].firstIndex { ExactKey.equal($0, key) }
            ?? keys[..<start].firstIndex { ExactKey.equal($0, key) }
    }

    /// Mutates the value at position `i` (a valid index of `values`) in place.
    mutating func modifyValue<R>(at i: Int, _ body: (inout Value) throws -> R) rethrows -> R {
        try body(&values[i])
    }

    @discardableResult
    public mutating func removeValue(forKey key: String) -> Value? {
        guard let i = position(of: key) else { return nil }
        let v = values[i]
        remove(at: i)
        return v
    }

    private mutating func remove(at i: Int) {
        index?[ExactKey(keys[i])] = nil
        keys.remove(at: i)
        values.remove(at: i)
        if index != nil {
            for j in i..<keys.count { index![ExactKey(keys[j])] = j }
        }
    }

    /// The same keys in the same order, each value transformed: what building a new dict
    /// key by key gives, without looking each key up again.
    public func mapValues<T>(_ transform: (Value) throws -> T) rethrows -> PyDict<T> {
        var d = PyDict<T>()
        d.keys = keys
        d.values = try values.map(transform)
        d.index = index
        return d
    }

    /// Key/value pairs in dict order.
    public var pairs: Zip2Sequence<[String], [Value]> { zip(keys, values) }
}

extension PyDict: Equatable where Value: Equatable {
    /// Same keys in the same order with equal values (for JSON: identical, see `JSONValue.==`).
    public static func == (lhs: PyDict, rhs: PyDict) -> Bool {
        guard lhs.keys.count == rhs.keys.count else { return false }
        for i in lhs.keys.indices {
            guard ExactKey.equal(lhs.keys[i], rhs.keys[i]),
                lhs.values[i] == rhs.values[i]
            else { return false }
        }
        return true
    }
}

/// A dictionary key that compares strings scalar by scalar, like Python.
struct ExactKey: Hashable, Sendable {
    let string: String
    init(_ string: String) { self.string = string }
    static func == (a: ExactKey, b: ExactKey) -> Bool { equal(a.string, b.string) }

    /// Same Unicode scalars, i.e. the same UTF-8 bytes (not Swift's canonical equivalence).
    ///
    /// First by the strings' two machine words (`StringBits`): equal words are the same
    /// text, and two inline strings whose words differ are different texts. Keys are
    /// short, so most comparisons end there, without reaching the bytes.
    @inline(__always)
    static func equal(_ a: String, _ b: String) -> Bool {
        switch StringBits.compare(a, b) {
        case .same: return true
        case .different: return false
        case .unknown: return bytesEqual(a, b)
        }
    }

    /// The UTF-8 bytes compared.
    @inline(never)
    static func bytesEqual(_ a: String, _ b: String) -> Bool {
        let x = a.utf8
        let y = b.utf8
        guard x.count == y.count else { return false }
        let fast = x.withContiguousStorageIfAvailable { p in
            y.withContiguousStorageIfAvailable { q in
                p.count == 0 || memcmp(p.baseAddress!, q.baseAddress!, p.count) == 0
            }
        }
        return (fast ?? nil) ?? x.elementsEqual(y)
    }
    func hash(into hasher: inout Hasher) {
        var s = string
        s.withUTF8 { hasher.combine(bytes: UnsafeRawBufferPointer($0)) }
    }
}
