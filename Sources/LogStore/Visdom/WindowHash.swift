/// Window hashes. `hash`: visdom's `hash_md_window(window)`: the md5 hex digest of `stringify(window)`, where
/// `stringify` is `json.dumps(recursive_order(node), separators=(",", ":"))` and
/// `recursive_order` sorts object keys (by code point) and turns every integral float into an
/// int (`1.0` → `1`, `1e20` → `100000000000000000000`). Used by `/win_hash`.
///
/// `pageHash`: what visdom's page computes over its copy of a window to check a
/// `window_update` (`md5(stableStringify(pane))`, json-stable-stringify in JavaScript): keys
/// sorted by UTF-16 code units, strings as `JSON.stringify` writes them (non-ASCII as is),
/// numbers as JavaScript prints the double the page parsed (`1e-7`, `0.00001`, `1e+21`;
/// NaN and ±Infinity as `null`), md5 of its UTF-8.
enum WindowHash {
    static func pageHash(_ window: JSONValue) -> String {
        var bytes: [UInt8] = []
        pageStringify(window, to: &bytes)
        return MD5.hexDigest(bytes)
    }

    static func pageStringify(_ v: JSONValue, to out: inout [UInt8]) {
        switch v {
        case .null: out.append(contentsOf: "null".utf8)
        case .bool(let b): out.append(contentsOf: (b ? "true" : "false").utf8)
        case .int(let i): appendJSNumber(Double(i), to: &out)
        case .bigInt(let digits): appendJSNumber(Double(digits) ?? .nan, to: &out)
        case .double(let d): appendJSNumber(d, to: &out)
        case .string(let s): JSONStringEscaper.append(s, ensureASCII: false, to: &out)
        case .array(let a):
            out.append(UInt8(ascii: "["))
            for (i, e) in a.enumerated() {
                if i > 0 { out.append(UInt8(ascii: ",")) }
                pageStringify(e, to: &out)
            }
            out.append(UInt8(ascii: "]"))
        case .object(let o):
            out.append(UInt8(ascii: "{"))
            let sorted = o.pairs.sorted { $0.0.utf16.lexicographicallyPrecedes($1.0.utf16) }
            for (i, (k, e)) in sorted.enumerated() {
                if i > 0 { out.append(UInt8(ascii: ",")) }
                JSONStringEscaper.append(k, ensureASCII: false, to: &out)
                out.append(UInt8(ascii: ":"))
                pageStringify(e, to: &out)
            }
            out.append(UInt8(ascii: "}"))
        }
    }

    /// JavaScript's `Number.prototype.toString()` (ECMA-262 Number::toString) of `d`, as
    /// `JSON.stringify` writes it: the shortest round-trip digits, fixed notation for
    /// 1e-7 < |d| < 1e21, else `d.ddde±N`; `-0` is `0`, non-finite values `null`.
    static func appendJSNumber(_ d: Double, to out: inout [UInt8]) {
        guard d.isFinite else { return out.append(contentsOf: "null".utf8) }
        if d == 0 { return out.append(UInt8(ascii: "0")) }
        if d < 0 { out.append(UInt8(ascii: "-")) }
        withUnsafeTemporaryAllocation(of: UInt8.self, capacity: 32) { buffer in
            let (k, n) = PythonFloat.shortestDigits(of: d.magnitude, into: buffer)
            let digits = UnsafeBufferPointer(rebasing: buffer[..<k])
            if k <= n && n <= 21 {
                out.append(contentsOf: digits)
                for _ in 0..<(n - k) { out.append(UInt8(ascii: "0")) }
            } else if 0 < n && n <= 21 {
                out.append(contentsOf: UnsafeBufferPointer(rebasing: digits[..<n]))
                out.append(UInt8(ascii: "."))
                out.append(contentsOf: UnsafeBufferPointer(rebasing: digits[n...]))
            } else if -6 < n && n <= 0 {
                out.append(contentsOf: "0.".utf8)
                for _ in 0 ..< -n { out.append(UInt8(ascii: "0")) }
                out.append(contentsOf: digits)
            } else {
                out.append(digits[0])
                if k > 1 {
                    out.append(UInt8(ascii: "."))
                    out.append(contentsOf: UnsafeBufferPointer(rebasing: digits[1...]))
                }
                out.append(UInt8(ascii: "e"))
                out.append(n - 1 < 0 ? UInt8(ascii: "-") : UInt8(ascii: "+"))
                out.append(contentsOf: String((n - 1).magnitude).utf8)
            }
        }
    }

    static func hash(_ window: JSONValue) -> String {
        var bytes: [UInt8] = []
        JSONWriter.write(stableOrder(window), to: &bytes, options: .init(compact: true))
        return MD5.hexDigest(bytes)
    }

    static func stringify(_ window: JSONValue) -> String {
        JSONWriter.string(stableOrder(window), options: .init(compact: true))
    }

    static func stableOrder(_ v: JSONValue) -> JSONValue {
        switch v {
        case .object(let o):
            let sorted = o.pairs.sorted { $0.0.unicodeScalars.lexicographicallyPrecedes($1.0.unicodeScalars) }
            var out = JSONObject()
            for (k, e) in sorted { out[k] = stableOrder(e) }
            return .object(out)
        case .array(let a): return .array(a.map(stableOrder))
        case .double(let d) where d.isFinite && d.rounded(.towardZero) == d:
            if let i = Int64(exactly: d) { return .int(i) }
            return .bigInt(integralDigits(d))
        default: return v
        }
    }

    /// The exact decimal digits of an integral double beyond Int64 (Python's `int(d)`).
    private static func integralDigits(_ d: Double) -> String {
        var digits: [UInt8] = []  // little-endian base-10 digits of the magnitude
        var m = d.magnitude.significandBitPattern | (1 << 52)
        var e = Int(d.magnitude.exponent) - 52
        var value = [UInt32]()  // little-endian base 1e9
        while m > 0 {
            value.append(UInt32(m % 1_000_000_000))
            m /= 1_000_000_000
        }
        while e > 0 {
            var carry: UInt64 = 0
            for i in value.indices {
                let x = UInt64(value[i]) * 2 + carry
                value[i] = UInt32(x % 1_000_000_000)
                carry = x / 1_000_000_000
            }
            if carry > 0 { value.append(UInt32(carry)) }
            e -= 1
        }
        for (i, limb) in value.enumerated() {
            var l = limb
            for _ in 0..<9 {
                digits.append(UInt8(l % 10))
                l /= 10
                if l == 0 && i == value.count - 1 { break }
            }
        }
        while digits.count > 1 && digits.last == 0 { digits.removeLast() }
        return (d < 0 ? "-" : "") + String(digits.reversed().map { Character(String($0)) })
    }
}
