#if canImport(Glibc)
    import Glibc
#elseif canImport(Musl)
    import Musl
#elseif canImport(Darwin)
    import Darwin
#endif

/// Number literals: Python's grammar `-?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][-+]?[0-9]+)?` and
/// conversion (`int(...)` without fraction and exponent, else `float(...)`).
///
/// Invariants: an integer literal becomes `.int` when it fits in Int64 and `.bigInt` (the
/// literal's text, already canonical by the grammar) otherwise, and has at most
/// `maxIntegerDigits` digits; any other literal becomes the correctly rounded `.double`
/// (±Infinity when out of range, a signed zero when below the smallest subnormal).
extension JSONParser {
    /// Python's default `sys.get_int_max_str_digits()`.
    static var maxIntegerDigits: Int { 4300 }

    /// Parses the number (or `-Infinity`) starting at `pos`, a `-` or a digit. Like Python, the
    /// literal ends where the grammar stops; what follows is for the caller to judge (`1.` is
    /// the integer 1 followed by bad data).
    mutating func parseNumber() throws(JSONSyntaxError) -> Value {
        let start = pos
        let negative = base[pos] == UInt8(ascii: "-")
        if negative {
            pos += 1
            if peek == UInt8(ascii: "I") {
                pos -= 1
                if matchLiteral("-Infinity") { return .double(-.infinity) }
                throw fail("expected value", at: start)
            }
        }
        let intStart = pos
        guard let first = peek, isDigit(first) else { throw fail("expected value", at: start) }
        pos += 1
        // The literal's significant digits (leading zeros skipped) as an integer, as long as
        // there are at most `DecimalToDouble.maxDigits` of them; `digits` counts them all.
        var significand = UInt64(first &- UInt8(ascii: "0"))
        var digits = significand == 0 ? 0 : 1
        if first != UInt8(ascii: "0") { scanDigits(&significand, &digits) }
        let intEnd = pos
        var fracEnd = pos
        if pos + 1 < count && base[pos] == UInt8(ascii: ".") && isDigit(base[pos + 1]) {
            pos += 1
            scanDigits(&significand, &digits)
            fracEnd = pos
        }
        var exponentStart = -1
        if pos + 1 < count && (base[pos] | 0x20) == UInt8(ascii: "e") {
            var q = pos + 1
            if base[q] == UInt8(ascii: "+") || base[q] == UInt8(ascii: "-") { q += 1 }
            if q < count && isDigit(base[q]) {
                exponentStart = pos + 1
                pos = q + 1
                while pos < count && isDigit(base[pos]) { pos += 1 }
            }
        }
        if fracEnd == intEnd && exponentStart < 0 {
            return try integer(start: start, digits: intStart..<intEnd, negative: negative)
        }
        if digits <= DecimalToDouble.maxDigits,
            let exponent = Self.decimalExponent(
                base, exponentStart, pos, fracCount: fracEnd == intEnd ? 0 : fracEnd - intEnd - 1),
            let exact = DecimalToDouble.convert(significand: significand, exponent: exponent)
        {
            return .double(negative ? -exact : exact)
        }
        let length = pos - start
        return .double(
            withUnsafeTemporaryAllocation(of: CChar.self, capacity: length + 1) { buffer in
                let p = buffer.baseAddress!
                UnsafeMutableRawPointer(p).copyMemory(from: base + start, byteCount: length)
                p[length] = 0
                return withCNumericLocale { strtod(p, nil) }
            })
    }

    @inline(__always) private func isDigit(_ b: UInt8) -> Bool { b &- UInt8(ascii: "0") < 10 }

    /// Steps over digits, adding them to `significand` while it has fewer than
    /// `DecimalToDouble.maxDigits` significant digits (so it never overflows), and counting
    /// them in `digits` (a count above the maximum means the significand is incomplete).
    ///
    /// Zeros before the first nonzero digit (`0.000123`) are stepped over; from the first
    /// nonzero digit on, eight digits at a time are taken in one 64-bit word while they fit the
    /// limit (what a full-precision double's 17 digits mostly are, also below 1).
    @inline(__always) private mutating func scanDigits(_ significand: inout UInt64, _ digits: inout Int) {
        var p = pos
        var s = significand
        var n = digits
        // Leading zeros are not significant: they change neither `s` nor `n`. After them the
        // next byte is not a zero, so a word of eight digits starting there is all significant.
        if s == 0 { while p < count && base[p] == UInt8(ascii: "0") { p += 1 } }
        while n <= DecimalToDouble.maxDigits - 8 && p + 8 <= count,
            let eight = eightDigits(UnsafeRawPointer(base + p).loadUnaligned(as: UInt64.self))
        {
            s = s &* 100_000_000 &+ eight
            n += 8
            p += 8
        }
        while p < count {
            let d = base[p] &- UInt8(ascii: "0")
            guard d < 10 else { break }
            if n < DecimalToDouble.maxDigits {
                s = s &* 10 &+ UInt64(d)
                if s != 0 { n += 1 }
            } else {
                n += 1
            }
            p += 1
        }
        pos = p
        significand = s
        digits = n
    }

    /// The value of eight ASCII digits loaded as one word (first digit in the lowest byte on a
    /// little-endian machine); nil if any of the eight bytes is not a digit.
    @inline(__always) private func eightDigits(_ word: UInt64) -> UInt64? {
        var v = UInt64(littleEndian: word)
        // Every byte is 0x30...0x39: its high nibble is 3, and adding 6 keeps it 3.
        let high: UInt64 = 0xF0F0_F0F0_F0F0_F0F0
        guard (v & high) | (((v &+ 0x0606_0606_0606_0606) & high) >> 4) == 0x3333_3333_3333_3333 else { return nil }
        // (Swift's `>>` binds tighter than `&*`: the products need their parentheses.)
        v = ((v & 0x0F0F_0F0F_0F0F_0F0F) &* 2561) >> 8  // pairs of digits: 10a + b
        v = ((v & 0x00FF_00FF_00FF_00FF) &* 6_553_601) >> 16  // groups of four: 100ab + cd
        return ((v & 0x0000_FFFF_0000_FFFF) &* 42_949_672_960_001) >> 32  // 10000abcd + efgh
    }

    /// The literal's power of ten once its significant digits are read as an integer: the
    /// exponent after `e` (from `exponentStart` to `end`, -1: none) minus the fraction's digit
    /// count. Nil when the written exponent is beyond ±400 (only `strtod` handles those).
    /// (Static, so that the parser is not copied to call it.)
    @inline(__always)
    private static func decimalExponent(_ base: UnsafePointer<UInt8>, _ exponentStart: Int, _ end: Int, fracCount: Int)
        -> Int?
    {
        var exponent = 0
        if exponentStart >= 0 {
            var i = exponentStart
            let sign = base[i] == UInt8(ascii: "-") ? -1 : 1
            if base[i] == UInt8(ascii: "-") || base[i] == UInt8(ascii: "+") { i += 1 }
            while i < end {
                exponent = exponent * 10 + Int(base[i] &- UInt8(ascii: "0"))
                if exponent > 400 { return nil }
                i += 1
            }
            exponent *= sign
        }
        return exponent - fracCount
    }

    private func integer(start: Int, digits: Range<Int>, negative: Bool) throws(JSONSyntaxError) -> Value {
        if digits.count > Self.maxIntegerDigits {
            throw fail(
                "integer literal has \(digits.count) digits, more than Python's limit of \(Self.maxIntegerDigits)",
                at: start)
        }
        var magnitude: UInt64 = 0
        var fits = digits.count <= 19
        if fits {
            for i in digits {
                let (m, o1) = magnitude.multipliedReportingOverflow(by: 10)
                let (a, o2) = m.addingReportingOverflow(UInt64(base[i] &- UInt8(ascii: "0")))
                if o1 || o2 {
                    fits = false
                    break
                }
                magnitude = a
            }
        }
        if fits {
            if !negative && magnitude <= UInt64(Int64.max) { return .int(Int64(magnitude)) }
            if negative && magnitude <= UInt64(Int64.max) + 1 { return .int(Int64(truncatingIfNeeded: 0 &- magnitude)) }
        }
        return .bigInt(
            String(decoding: UnsafeBufferPointer(start: base + start, count: digits.upperBound - start), as: UTF8.self))
    }
}

/// A locale whose decimal separator is `.`, so `strtod` reads JSON's numbers whatever locale
/// the process has set. Created once and never modified, so sharing it between threads is safe.
private nonisolated(unsafe) let cNumericLocale = newlocale(LC_NUMERIC_MASK, "C", nil)

/// Runs `body` with the calling thread's locale switched to `cNumericLocale`.
private func withCNumericLocale<R>(_ body: () -> R) -> R {
    guard let c = cNumericLocale else { return body() }
    let saved = uselocale(c)
    defer { uselocale(saved) }
    return body()
}
