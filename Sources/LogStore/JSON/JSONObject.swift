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
    private var index: [ExactKey: Int] = [:]

    public init() {}

    public init(_ pairs: [(String, Value)]) {
        for (k, v) in pairs { self[k] = v }
    }

    public var count: Int { keys.count }
    public var isEmpty: Bool { keys.isEmpty }

    public func contains(_ key: String) -> Bool { index[ExactKey(key)] != nil }

    public subscript(key: String) -> Value? {
        get { index[ExactKey(key)].map { values[$0] } }
        set {
            let k = ExactKey(key)
            if let i = index[k] {
                if let newValue { values[i] = newValue } else { remove(at: i) }
            } else if let newValue {
                index[k] = keys.count
                keys.append(key)
                values.append(newValue)
            }
        }
    }

    /// Mutates the value of an existing key in place (no copy of the value's storage).
    /// Returns nil without calling `body` when the key is missing.
    @discardableResult
    public mutating func modify<R>(_ key: String, _ body: (inout Value) throws -> R) rethrows -> R? {
        guard let i = index[ExactKey(key)] else { return nil }
        return try body(&values[i])
    }

    @discardableResult
    public mutating func removeValue(forKey key: String) -> Value? {
        guard let i = index[ExactKey(key)] else { return nil }
        let v = values[i]
        remove(at: i)
        return v
    }

    private mutating func remove(at i: Int) {
        index[ExactKey(keys[i])] = nil
        keys.remove(at: i)
        values.remove(at: i)
        for j in i..<keys.count { index[ExactKey(keys[j])] = j }
    }

    /// Key/value pairs in dict order.
    public var pairs: Zip2Sequence<[String], [Value]> { zip(keys, values) }
}

extension PyDict: Equatable where Value: Equatable {
    /// Same keys in the same order with equal values (for JSON: identical, see `JSONValue.==`).
    public static func == (lhs: PyDict, rhs: PyDict) -> Bool {
        guard lhs.keys.count == rhs.keys.count else { return false }
        for i in lhs.keys.indices {
            guard lhs.keys[i].unicodeScalars.elementsEqual(rhs.keys[i].unicodeScalars),
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
    static func == (a: ExactKey, b: ExactKey) -> Bool { a.string.utf8.elementsEqual(b.string.utf8) }
    func hash(into hasher: inout Hasher) {
        var s = string
        s.withUTF8 { hasher.combine(bytes: UnsafeRawBufferPointer($0)) }
    }
}
