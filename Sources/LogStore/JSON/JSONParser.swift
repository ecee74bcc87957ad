/// The state of one `JSONReader.parse` call: a cursor over the input bytes and the stack of
/// containers still open.
///
/// Invariants:
/// - `pos <= count`; bytes are read only below `count`;
/// - `kinds.count` is the current nesting depth, never above `maxDepth`; `arrays` and
///   `objects`/`keys` hold the partially built containers in the order `kinds` lists them, so
///   a value is always appended in place to the innermost one (no copy-on-write copies);
/// - the call stack stays flat whatever the input depth.
struct JSONParser<Value: JSONTree> {
    let base: UnsafePointer<UInt8>
    let count: Int
    let maxDepth: Int
    var pos = 0
    /// Reused buffer for strings that contain escapes.
    var scratch: [UInt8] = []

    private enum Kind { case array, object }
    private var kinds: [Kind] = []
    private var arrays: [[Value]] = []
    private var objects: [PyDict<Value>] = []
    private var keys: [String] = []

    init(_ bytes: UnsafeRawBufferPointer, maxDepth: Int) {
        // An empty buffer may have no base address; any non-nil pointer will do, as none is read.
        self.base =
            bytes.baseAddress.map { $0.assumingMemoryBound(to: UInt8.self) }
            ?? UnsafePointer(bitPattern: MemoryLayout<UInt64>.alignment)!
        self.count = bytes.count
        self.maxDepth = maxDepth
    }

    func fail(_ reason: String, at offset: Int) -> JSONSyntaxError {
        JSONSyntaxError(offset: offset, reason: reason)
    }

    /// The byte at `pos`, or nil at the end of input.
    @inline(__always) var peek: UInt8? { pos < count ? base[pos] : nil }

    @inline(__always) mutating func skipWhitespace() {
        while pos < count {
            switch base[pos] {
            case UInt8(ascii: " "), UInt8(ascii: "\n"), UInt8(ascii: "\r"), UInt8(ascii: "\t"): pos += 1
            default: return
            }
        }
    }

    mutating func parseDocument() throws(JSONSyntaxError) -> Value {
        if count >= 3 && base[0] == 0xEF && base[1] == 0xBB && base[2] == 0xBF {
            throw fail("unexpected UTF-8 BOM", at: 0)
        }
        skipWhitespace()
        while true {
            // Here a value must start at `pos`.
            var value: Value
            switch peek {
            case UInt8(ascii: "["):
                try checkDepth()
                pos += 1
                skipWhitespace()
                if peek == UInt8(ascii: "]") {
                    pos += 1
                    value = .array([])
                } else {
                    kinds.append(.array)
                    arrays.append([])
                    continue
                }
            case UInt8(ascii: "{"):
                try checkDepth()
                pos += 1
                skipWhitespace()
                if peek == UInt8(ascii: "}") {
                    pos += 1
                    value = .object(PyDict())
                } else {
                    kinds.append(.object)
                    objects.append(PyDict())
                    keys.append(try parseKey())
                    continue
                }
            default:
                value = try parseScalar()
            }
            // `value` is complete: hand it to the innermost open container, closing containers
            // for as long as their closing bracket follows.
            while true {
                skipWhitespace()
                guard let kind = kinds.last else {
                    if pos != count { throw fail("extra data", at: pos) }
                    return value
                }
                if kind == .array {
                    arrays[arrays.count - 1].append(value)
                    switch peek {
                    case UInt8(ascii: ","):
                        pos += 1
                        skipWhitespace()
                    case UInt8(ascii: "]"):
                        pos += 1
                        kinds.removeLast()
                        value = .array(arrays.removeLast())
                        continue
                    default:
                        throw fail("expected ',' or ']'", at: pos)
                    }
                } else {
                    objects[objects.count - 1][keys.removeLast()] = value
                    switch peek {
                    case UInt8(ascii: ","):
                        pos += 1
                        skipWhitespace()
                        keys.append(try parseKey())
                    case UInt8(ascii: "}"):
                        pos += 1
                        kinds.removeLast()
                        value = .object(objects.removeLast())
                        continue
                    default:
                        throw fail("expected ',' or '}'", at: pos)
                    }
                }
                break
            }
        }
    }

    private func checkDepth() throws(JSONSyntaxError) {
        if kinds.count >= maxDepth { throw fail("nesting deeper than \(maxDepth) levels", at: pos) }
    }

    /// Parses `"key"` then `:`, leaving `pos` at the start of the member's value.
    private mutating func parseKey() throws(JSONSyntaxError) -> String {
        guard peek == UInt8(ascii: "\"") else { throw fail("expected property name in double quotes", at: pos) }
        let key = try parseString()
        skipWhitespace()
        guard peek == UInt8(ascii: ":") else { throw fail("expected ':'", at: pos) }
        pos += 1
        skipWhitespace()
        return key
    }

    private mutating func parseScalar() throws(JSONSyntaxError) -> Value {
        guard let b = peek else { throw fail("expected value", at: pos) }
        switch b {
        case UInt8(ascii: "\""): return .string(try parseString())
        case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"): return try parseNumber()
        case UInt8(ascii: "n") where matchLiteral("null"): return .null
        case UInt8(ascii: "t") where matchLiteral("true"): return .bool(true)
        case UInt8(ascii: "f") where matchLiteral("false"): return .bool(false)
        case UInt8(ascii: "N") where matchLiteral("NaN"): return .double(.nan)
        case UInt8(ascii: "I") where matchLiteral("Infinity"): return .double(.infinity)
        default: throw fail("expected value", at: pos)
        }
    }

    /// Consumes `literal` if the input continues with it. Like Python, what follows the literal
    /// is not looked at here (`nullx` is `null` followed by bad data).
    mutating func matchLiteral(_ literal: StaticString) -> Bool {
        let n = literal.utf8CodeUnitCount
        guard count - pos >= n else { return false }
        let p = literal.utf8Start
        for i in 0..<n where base[pos + i] != p[i] { return false }
        pos += n
        return true
    }
}
