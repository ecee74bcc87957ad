/// String literals: Python's strict `scanstring` over UTF-8 bytes.
///
/// Invariants: the returned `String` holds exactly the scalars the literal denotes (NUL
/// included); the input between the quotes is well-formed UTF-8 without raw control characters
/// (< 0x20); a `\uXXXX` surrogate that is not part of a high+low pair is kept as described
/// in `LoneSurrogate`.
extension JSONParser {
    /// Parses the string literal whose opening quote is at `pos`; leaves `pos` after the closing quote.
    mutating func parseString() throws(JSONSyntaxError) -> String {
        let quote = pos
        pos += 1
        let start = pos
        while pos < count {
            let b = base[pos]
            if b == UInt8(ascii: "\"") {
                let s = String(decoding: UnsafeBufferPointer(start: base + start, count: pos - start), as: UTF8.self)
                pos += 1
                return s
            }
            if b == UInt8(ascii: "\\") {
                scratch.removeAll(keepingCapacity: true)
                scratch.append(contentsOf: UnsafeBufferPointer(start: base + start, count: pos - start))
                return try parseEscapedRest(quote: quote)
            }
            try skipPlainByte(b)
        }
        throw fail("unterminated string", at: quote)
    }

    /// Accepts the non-quote, non-backslash byte `b` at `pos` (with the rest of its UTF-8 sequence).
    @inline(__always) private mutating func skipPlainByte(_ b: UInt8) throws(JSONSyntaxError) {
        if b < 0x20 { throw fail("invalid control character \(hexByte(b)) in string", at: pos) }
        pos += b < 0x80 ? 1 : try utf8SequenceLength(b)
    }

    /// Continues a string whose plain prefix is already in `scratch`, with `pos` at a backslash.
    private mutating func parseEscapedRest(quote: Int) throws(JSONSyntaxError) -> String {
        while pos < count {
            let b = base[pos]
            if b == UInt8(ascii: "\"") {
                pos += 1
                return String(decoding: scratch, as: UTF8.self)
            }
            if b == UInt8(ascii: "\\") {
                try appendEscape(quote: quote)
                continue
            }
            let runStart = pos
            try skipPlainByte(b)
            while pos < count {
                let c = base[pos]
                if c == UInt8(ascii: "\"") || c == UInt8(ascii: "\\") { break }
                try skipPlainByte(c)
            }
            scratch.append(contentsOf: UnsafeBufferPointer(start: base + runStart, count: pos - runStart))
        }
        throw fail("unterminated string", at: quote)
    }

    /// Decodes the escape at `pos` (a backslash) into `scratch`.
    private mutating func appendEscape(quote: Int) throws(JSONSyntaxError) {
        let backslash = pos
        guard pos + 1 < count else { throw fail("unterminated string", at: quote) }
        let e = base[pos + 1]
        pos += 2
        switch e {
        case UInt8(ascii: "\""), UInt8(ascii: "\\"), UInt8(ascii: "/"): scratch.append(e)
        case UInt8(ascii: "b"): scratch.append(0x08)
        case UInt8(ascii: "f"): scratch.append(0x0C)
        case UInt8(ascii: "n"): scratch.append(0x0A)
        case UInt8(ascii: "r"): scratch.append(0x0D)
        case UInt8(ascii: "t"): scratch.append(0x09)
        case UInt8(ascii: "u"):
            var scalar = try hex4(at: pos, escapeAt: backslash)
            pos += 4
            if scalar & 0xFC00 == 0xD800 {
                // A high surrogate joins a directly following `\u` low surrogate (as in Python);
                // anything else leaves it unpaired.
                if pos + 5 < count, base[pos] == UInt8(ascii: "\\"), base[pos + 1] == UInt8(ascii: "u"),
                    case let low = try hex4(at: pos + 2, escapeAt: pos), low & 0xFC00 == 0xDC00
                {
                    pos += 6
                    scalar = 0x10000 + ((scalar - 0xD800) << 10) + (low - 0xDC00)
                } else {
                    scalar = LoneSurrogate.scalar(for: scalar)
                }
            } else if scalar & 0xFC00 == 0xDC00 {
                scalar = LoneSurrogate.scalar(for: scalar)
            }
            appendUTF8(scalar)
        default:
            throw fail("invalid escape '\\\(Unicode.Scalar(e))'", at: backslash)
        }
    }

    private func hex4(at p: Int, escapeAt backslash: Int) throws(JSONSyntaxError) -> UInt32 {
        guard p + 4 <= count else { throw fail("invalid \\uXXXX escape", at: backslash) }
        var v: UInt32 = 0
        for i in 0..<4 {
            let c = base[p + i]
            let d: UInt8
            switch c {
            case UInt8(ascii: "0")...UInt8(ascii: "9"): d = c - UInt8(ascii: "0")
            case UInt8(ascii: "a")...UInt8(ascii: "f"): d = c - UInt8(ascii: "a") + 10
            case UInt8(ascii: "A")...UInt8(ascii: "F"): d = c - UInt8(ascii: "A") + 10
            default: throw fail("invalid \\uXXXX escape", at: backslash)
            }
            v = v << 4 | UInt32(d)
        }
        return v
    }

    private mutating func appendUTF8(_ s: UInt32) {
        switch s {
        case ..<0x80:
            scratch.append(UInt8(s))
        case ..<0x800:
            scratch.append(UInt8(0xC0 | s >> 6))
            scratch.append(UInt8(0x80 | s & 0x3F))
        case ..<0x10000:
            scratch.append(UInt8(0xE0 | s >> 12))
            scratch.append(UInt8(0x80 | s >> 6 & 0x3F))
            scratch.append(UInt8(0x80 | s & 0x3F))
        default:
            scratch.append(UInt8(0xF0 | s >> 18))
            scratch.append(UInt8(0x80 | s >> 12 & 0x3F))
            scratch.append(UInt8(0x80 | s >> 6 & 0x3F))
            scratch.append(UInt8(0x80 | s & 0x3F))
        }
    }

    /// The length of the well-formed UTF-8 sequence at `pos` whose lead byte `lead` is >= 0x80
    /// (Unicode Table 3-7: no overlongs, no surrogates, nothing above U+10FFFF).
    private func utf8SequenceLength(_ lead: UInt8) throws(JSONSyntaxError) -> Int {
        let n: Int
        var lo: UInt8 = 0x80
        var hi: UInt8 = 0xBF
        switch lead {
        case 0xC2...0xDF: n = 2
        case 0xE0:
            n = 3
            lo = 0xA0
        case 0xE1...0xEC, 0xEE...0xEF: n = 3
        case 0xED:
            n = 3
            hi = 0x9F
        case 0xF0:
            n = 4
            lo = 0x90
        case 0xF1...0xF3: n = 4
        case 0xF4:
            n = 4
            hi = 0x8F
        default: throw invalidUTF8(lead)
        }
        guard pos + n <= count else { throw invalidUTF8(lead) }
        let second = base[pos + 1]
        guard second >= lo && second <= hi else { throw invalidUTF8(lead) }
        for i in 2..<n where base[pos + i] & 0xC0 != 0x80 { throw invalidUTF8(lead) }
        return n
    }

    private func invalidUTF8(_ lead: UInt8) -> JSONSyntaxError {
        fail("invalid UTF-8 sequence starting with byte \(hexByte(lead))", at: pos)
    }

    func hexByte(_ b: UInt8) -> String {
        let digits = Array("0123456789ABCDEF".utf8)
        return "0x" + String(decoding: [digits[Int(b >> 4)], digits[Int(b & 15)]], as: UTF8.self)
    }
}
