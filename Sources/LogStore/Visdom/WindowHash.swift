/// visdom's `hash_md_window(window)`: the md5 hex digest of `stringify(window)`, where
/// `stringify` is `json.dumps(recursive_order(node), separators=(",", ":"))` and
/// `recursive_order` sorts object keys (by code point) and turns every integral float into an
/// int (`1.0` → `1`, `1e20` → `100000000000000000000`). Used by `/win_hash`.
enum WindowHash {
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
        while m > 0 { value.append(UInt32(m % 1_000_000_000)); m /= 1_000_000_000 }
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
