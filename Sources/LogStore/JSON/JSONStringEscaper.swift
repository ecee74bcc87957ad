/// Python's `json` string encoders: `encode_basestring_ascii` (ensure_ascii=True) and
/// `encode_basestring` (ensure_ascii=False).
///
/// Both escape `"` and `\` and every byte below 0x20 (`\b \f \n \r \t` by name, the others as
/// `\u00XX`, lowercase hex). The ASCII form also escapes 0x7F and every non-ASCII scalar as
/// `\uXXXX`, above U+FFFF as a UTF-16 surrogate pair; the other form copies them as UTF-8.
/// Both write the scalars that stand for lone surrogates as the surrogate's `\uDXXX` escape,
/// except a lone low surrogate that directly follows a lone high one: `\uD8XX\uDCXX` would
/// read back as one paired scalar, so that one is written as the scalar that stands for it
/// (U+10DC00…U+10DFFF, as Python writes that scalar), which reads back as the same value.
enum JSONStringEscaper {
    static func append(_ s: String, ensureASCII: Bool, to out: inout [UInt8]) {
        let done: Void? = s.utf8.withContiguousStorageIfAvailable { utf8 in
            append(utf8: utf8, ensureASCII: ensureASCII, to: &out)
        }
        if done == nil {
            Array(s.utf8).withUnsafeBufferPointer { append(utf8: $0, ensureASCII: ensureASCII, to: &out) }
        }
    }

    /// `utf8` is well-formed (it comes from a `String`).
    static func append(utf8: UnsafeBufferPointer<UInt8>, ensureASCII: Bool, to out: inout [UInt8]) {
        out.reserveCapacity(out.count + utf8.count + 2)
        out.append(UInt8(ascii: "\""))
        let limit: UInt8 = ensureASCII ? 0x7F : 0xFF
        var i = 0
        var runStart = 0
        // The index just after the last lone high surrogate written as `\uDXXX`.
        var loneHighEnd = -1
        while i < utf8.count {
            let b = utf8[i]
            // 0xF4 leads the scalars that stand for lone surrogates (see LoneSurrogate).
            if b >= 0x20 && b < limit && b != UInt8(ascii: "\"") && b != UInt8(ascii: "\\") && b != 0xF4 {
                i += 1
                continue
            }
            out.append(contentsOf: UnsafeBufferPointer(rebasing: utf8[runStart..<i]))
            if b < 0x80 {
                appendEscape(forASCII: b, to: &out)
                i += 1
            } else {
                // A multi-byte scalar: always with ensureASCII, otherwise only a 0xF4 lead.
                let (scalar, length) = decodeScalar(utf8, at: i)
                if let surrogate = LoneSurrogate.surrogate(for: scalar), surrogate < 0xDC00 || i != loneHighEnd {
                    appendUnicodeEscape(surrogate, to: &out)
                    if surrogate < 0xDC00 { loneHighEnd = i + length }
                } else if !ensureASCII {
                    out.append(contentsOf: UnsafeBufferPointer(rebasing: utf8[i..<i + length]))
                } else if scalar >= 0x10000 {
                    let v = scalar - 0x10000
                    appendUnicodeEscape(0xD800 | (v >> 10), to: &out)
                    appendUnicodeEscape(0xDC00 | (v & 0x3FF), to: &out)
                } else {
                    appendUnicodeEscape(scalar, to: &out)
                }
                i += length
            }
            runStart = i
        }
        out.append(contentsOf: UnsafeBufferPointer(rebasing: utf8[runStart..<i]))
        out.append(UInt8(ascii: "\""))
    }

    private static func appendEscape(forASCII b: UInt8, to out: inout [UInt8]) {
        let named: UInt8
        switch b {
        case UInt8(ascii: "\""): named = UInt8(ascii: "\"")
        case UInt8(ascii: "\\"): named = UInt8(ascii: "\\")
        case 0x0A: named = UInt8(ascii: "n")
        case 0x0D: named = UInt8(ascii: "r")
        case 0x09: named = UInt8(ascii: "t")
        case 0x08: named = UInt8(ascii: "b")
        case 0x0C: named = UInt8(ascii: "f")
        default: return appendUnicodeEscape(UInt32(b), to: &out)
        }
        out.append(UInt8(ascii: "\\"))
        out.append(named)
    }

    private static func appendUnicodeEscape(_ unit: UInt32, to out: inout [UInt8]) {
        let hex: StaticString = "0123456789abcdef"
        let h = hex.utf8Start
        out.append(UInt8(ascii: "\\"))
        out.append(UInt8(ascii: "u"))
        out.append(h[Int(unit >> 12 & 0xF)])
        out.append(h[Int(unit >> 8 & 0xF)])
        out.append(h[Int(unit >> 4 & 0xF)])
        out.append(h[Int(unit & 0xF)])
    }

    /// The scalar whose well-formed UTF-8 sequence starts at `i` (lead byte >= 0xC0), and its length.
    private static func decodeScalar(_ u: UnsafeBufferPointer<UInt8>, at i: Int) -> (UInt32, Int) {
        let b0 = UInt32(u[i])
        if b0 < 0xE0 { return ((b0 & 0x1F) << 6 | UInt32(u[i + 1] & 0x3F), 2) }
        if b0 < 0xF0 { return ((b0 & 0x0F) << 12 | UInt32(u[i + 1] & 0x3F) << 6 | UInt32(u[i + 2] & 0x3F), 3) }
        return (
            (b0 & 0x07) << 18 | UInt32(u[i + 1] & 0x3F) << 12 | UInt32(u[i + 2] & 0x3F) << 6 | UInt32(u[i + 3] & 0x3F),
            4
        )
    }
}
