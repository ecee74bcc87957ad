/// Serializes a `JSONValue` exactly as Python 3.11's `json.dumps` does.
///
/// With default options the output equals `json.dumps(v)`; `pretty` gives
/// `json.dumps(v, indent=2)`; `compact` gives `separators=(",", ":")` (visdom hashes that
/// form), also combinable with `pretty`; `ensureASCII = false` gives `ensure_ascii=False`.
/// Floats are `repr(float)` (see `PythonFloat`), non-finite ones `NaN`, `Infinity`,
/// `-Infinity` (`allow_nan=True`); integers are decimal; objects keep their order.
///
/// Output recursion follows the value's nesting; values from `JSONReader` are at most
/// `maxDepth` (512 by default) deep.
public struct JSONWriter {
    public struct Options: Sendable {
        /// `indent=2`: one member per line, item separator `,`.
        public var pretty: Bool = false
        /// Escape every non-ASCII scalar as `\uXXXX` (surrogate pairs above the BMP).
        public var ensureASCII: Bool = true
        /// No spaces after `,` and `:`.
        public var compact: Bool = false

        public init(pretty: Bool = false, ensureASCII: Bool = true, compact: Bool = false) {
            self.pretty = pretty
            self.ensureASCII = ensureASCII
            self.compact = compact
        }
    }

    public static func write(_ v: JSONValue, to out: inout [UInt8], options: Options = .init()) {
        var emitter = JSONEmitter(options: options, out: out)
        out = []
        emitter.value(v, level: 0)
        out = emitter.out
    }

    public static func bytes(_ v: JSONValue, options: Options = .init()) -> [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(256)
        write(v, to: &out, options: options)
        return out
    }

    public static func string(_ v: JSONValue, options: Options = .init()) -> String {
        String(decoding: bytes(v, options: options), as: UTF8.self)
    }
}

/// One serialization in progress; `out` only grows.
struct JSONEmitter {
    let options: JSONWriter.Options
    var out: [UInt8]

    mutating func value(_ v: JSONValue, level: Int) {
        switch v {
        case .null: out.append(contentsOf: "null".utf8)
        case .bool(let b): out.append(contentsOf: b ? "true".utf8 : "false".utf8)
        case .int(let i): appendInteger(i)
        case .bigInt(let digits): out.append(contentsOf: digits.utf8)
        case .double(let d): appendDouble(d)
        case .string(let s): JSONStringEscaper.append(s, ensureASCII: options.ensureASCII, to: &out)
        case .array(let items):
            guard !items.isEmpty else { return out.append(contentsOf: "[]".utf8) }
            out.append(UInt8(ascii: "["))
            for (i, item) in items.enumerated() {
                separate(first: i == 0, level: level + 1)
                value(item, level: level + 1)
            }
            close(UInt8(ascii: "]"), level: level)
        case .object(let object):
            guard !object.isEmpty else { return out.append(contentsOf: "{}".utf8) }
            out.append(UInt8(ascii: "{"))
            var first = true
            for (key, member) in object.pairs {
                separate(first: first, level: level + 1)
                first = false
                JSONStringEscaper.append(key, ensureASCII: options.ensureASCII, to: &out)
                out.append(UInt8(ascii: ":"))
                if !options.compact { out.append(UInt8(ascii: " ")) }
                value(member, level: level + 1)
            }
            close(UInt8(ascii: "}"), level: level)
        }
    }

    /// What precedes an item of a container whose items sit at `level`.
    private mutating func separate(first: Bool, level: Int) {
        if !first { out.append(UInt8(ascii: ",")) }
        if options.pretty {
            newline(level: level)
        } else if !first && !options.compact {
            out.append(UInt8(ascii: " "))
        }
    }

    private mutating func close(_ bracket: UInt8, level: Int) {
        if options.pretty { newline(level: level) }
        out.append(bracket)
    }

    private mutating func newline(level: Int) {
        out.append(UInt8(ascii: "\n"))
        for _ in 0..<2 * level { out.append(UInt8(ascii: " ")) }
    }

    private mutating func appendDouble(_ d: Double) {
        if d.isNaN { return out.append(contentsOf: "NaN".utf8) }
        if d.isInfinite { return out.append(contentsOf: d < 0 ? "-Infinity".utf8 : "Infinity".utf8) }
        PythonFloat.append(d, to: &out)
    }

    private mutating func appendInteger(_ i: Int64) {
        if i < 0 { out.append(UInt8(ascii: "-")) }
        var m = i.magnitude
        withUnsafeTemporaryAllocation(of: UInt8.self, capacity: 20) { buffer in
            var p = 20
            repeat {
                p -= 1
                buffer[p] = UInt8(ascii: "0") + UInt8(m % 10)
                m /= 10
            } while m != 0
            out.append(contentsOf: UnsafeBufferPointer(rebasing: buffer[p...]))
        }
    }
}
