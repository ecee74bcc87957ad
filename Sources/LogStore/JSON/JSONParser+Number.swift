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
    static let maxIntegerDigits = 4300

    /// Parses the number (or `-Infinity`) starting at `pos`, a `-` or a digit. Like Python, the
    /// literal ends where the grammar stops; what follows is for the caller to judge (`1.` is
    /// the integer 1 followed by bad data).
    mutating func parseNumber() throws(JSONSyntaxError) -> JSONValue {
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
        if first != UInt8(ascii: "0") { skipDigits() }
        let intEnd = pos
        var fracEnd = pos
        if pos + 1 < count && base[pos] == UInt8(ascii: ".") && isDigit(base[pos + 1]) {
            pos += 2
            skipDigits()
            fracEnd = pos
        }
        var exponentStart = -1
        if pos + 1 < count && (base[pos] | 0x20) == UInt8(ascii: "e") {
            var q = pos + 1
            if base[q] == UInt8(ascii: "+") || base[q] == UInt8(ascii: "-") { q += 1 }
            if q < count && isDigit(base[q]) {
                exponentStart = pos + 1
                pos = q + 1
                skipDigits()
            }
        }
        if fracEnd == intEnd && exponentStart < 0 {
            return try integer(start: start, digits: intStart..<intEnd, negative: negative)
        }
        return .double(double(start: start, intDigits: intStart..<intEnd, fracEnd: fracEnd, exponentStart: exponentStart, negative: negative))
    }

    @inline(__always) private func isDigit(_ b: UInt8) -> Bool { b &- UInt8(ascii: "0") < 10 }

    @inline(__always) private mutating func skipDigits() {
        while pos < count && isDigit(base[pos]) { pos += 1 }
    }

    private func integer(start: Int, digits: Range<Int>, negative: Bool) throws(JSONSyntaxError) -> JSONValue {
        if digits.count > Self.maxIntegerDigits {
            throw fail("integer literal has \(digits.count) digits, more than Python's limit of \(Self.maxIntegerDigits)", at: start)
        }
        var magnitude: UInt64 = 0
        var fits = digits.count <= 19
        if fits {
            for i in digits {
                let (m, o1) = magnitude.multipliedReportingOverflow(by: 10)
                let (a, o2) = m.addingReportingOverflow(UInt64(base[i] &- UInt8(ascii: "0")))
                if o1 || o2 { fits = false; break }
                magnitude = a
            }
        }
        if fits {
            if !negative && magnitude <= UInt64(Int64.max) { return .int(Int64(magnitude)) }
            if negative && magnitude <= UInt64(Int64.max) + 1 { return .int(Int64(truncatingIfNeeded: 0 &- magnitude)) }
        }
        return .bigInt(String(decoding: UnsafeBufferPointer(start: base + start, count: digits.upperBound - start), as: UTF8.self))
    }

    /// The literal `base[start..<pos]`, correctly rounded.
    private func double(start: Int, intDigits: Range<Int>, fracEnd: Int, exponentStart: Int, negative: Bool) -> Double {
        if let exact = exactDouble(intDigits: intDigits, fracEnd: fracEnd, exponentStart: exponentStart) {
            return negative ? -exact : exact
        }
        let length = pos - start
        return withUnsafeTemporaryAllocation(of: CChar.self, capacity: length + 1) { buffer in
            let p = buffer.baseAddress!
            UnsafeMutableRawPointer(p).copyMemory(from: base + start, byteCount: length)
            p[length] = 0
            return withCNumericLocale { strtod(p, nil) }
        }
    }

    /// Clinger's fast path: when the significand is an integer below 2^53 and the decimal
    /// exponent at most 22 in magnitude, both operands are exact doubles and one IEEE
    /// multiplication or division rounds correctly. Nil when the literal is outside that case.
    private func exactDouble(intDigits: Range<Int>, fracEnd: Int, exponentStart: Int) -> Double? {
        let fracCount = fracEnd == intDigits.upperBound ? 0 : fracEnd - intDigits.upperBound - 1
        guard intDigits.count + fracCount <= 15 else { return nil }
        var significand: UInt64 = 0
        for i in intDigits { significand = significand * 10 + UInt64(base[i] &- UInt8(ascii: "0")) }
        if fracCount > 0 {
            for i in (intDigits.upperBound + 1)..<fracEnd { significand = significand * 10 + UInt64(base[i] &- UInt8(ascii: "0")) }
        }
        var exponent = 0
        if exponentStart >= 0 {
            var i = exponentStart
            let sign = base[i] == UInt8(ascii: "-") ? -1 : 1
            if base[i] == UInt8(ascii: "-") || base[i] == UInt8(ascii: "+") { i += 1 }
            while i < pos {
                exponent = exponent * 10 + Int(base[i] &- UInt8(ascii: "0"))
                if exponent > 400 { return nil }
                i += 1
            }
            exponent *= sign
        }
        exponent -= fracCount
        guard exponent >= -22 && exponent <= 22 else { return nil }
        let value = Double(significand)
        return exponent >= 0 ? value * exactPowersOfTen[exponent] : value / exactPowersOfTen[-exponent]
    }
}

/// 10^0 ... 10^22, every one exactly representable as a Double.
private let exactPowersOfTen: [Double] = [
    1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11,
    1e12, 1e13, 1e14, 1e15, 1e16, 1e17, 1e18, 1e19, 1e20, 1e21, 1e22,
]

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
