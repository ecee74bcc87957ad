/// Python's `repr(float)`, byte for byte.
///
/// Digits: the shortest decimal that reads back as the same double, the closest one to the
/// exact value when several are that short. This is what Swift's `Double.description`
/// produces too (verified against a Python-generated fixture); only the layout differs.
///
/// Layout, with the value written as d.ddd × 10^e: fixed notation when -4 <= e < 16, always
/// with a fractional part (`1.0`, `0.0001`, `9007199254740994.0`); otherwise `d.ddde±XX` with
/// at least two exponent digits and no `.` when there is a single digit (`1e+16`, `1.5e-05`,
/// `5e-324`). Zeros keep their sign (`-0.0`); non-finite values are `nan`, `inf`, `-inf`.
public enum PythonFloat {
    public static func repr(_ d: Double) -> String {
        var out: [UInt8] = []
        out.reserveCapacity(24)
        append(d, to: &out)
        return String(decoding: out, as: UTF8.self)
    }

    /// Appends `repr(d)` to `out`.
    public static func append(_ d: Double, to out: inout [UInt8]) {
        if d.isNaN { return out.append(contentsOf: "nan".utf8) }
        if d.sign == .minus { out.append(UInt8(ascii: "-")) }
        if d.isInfinite { return out.append(contentsOf: "inf".utf8) }
        if d == 0 { return out.append(contentsOf: "0.0".utf8) }

        withUnsafeTemporaryAllocation(of: UInt8.self, capacity: 32) { digits in
            let (count, pointPosition) = shortestDigits(of: d.magnitude, into: digits)
            layOut(UnsafeBufferPointer(rebasing: digits[..<count]), pointPosition: pointPosition, into: &out)
        }
    }

    /// The shortest round-trip digits of the positive finite `x` (no leading or trailing
    /// zeros) and the position of the decimal point: x ≈ 0.DIGITS × 10^pointPosition.
    static func shortestDigits(of x: Double, into digits: UnsafeMutableBufferPointer<UInt8>) -> (
        count: Int, pointPosition: Int
    ) {
        if let (m, k) = shortDecimal(x) {
            var count = 0
            var rest = m
            repeat {
                digits[count] = UInt8(ascii: "0") + UInt8(rest % 10)
                rest /= 10
                count += 1
            } while rest != 0
            let pointPosition = count - k
            var leading = UnsafeMutableBufferPointer(rebasing: digits[..<count])
            leading.reverse()
            while digits[count - 1] == UInt8(ascii: "0") { count -= 1 }
            return (count, pointPosition)
        }
        var text = x.description
        return text.withUTF8 { parseSwiftDescription($0, into: digits) }
    }

    /// `(m, k)` with x == m / 10^k exactly as doubles and `k` as small as possible, when such
    /// `k <= 3` exists and `m < 2^50`; nil otherwise.
    ///
    /// Why that is the shortest round-trip decimal: `m / 10^k` is one correctly rounded
    /// division of exact operands, so the decimal m×10^-k reads back as `x`; no decimal with
    /// fewer fraction digits does (smaller `k` failed), and none with `k` fraction digits other
    /// than `m`, because below 2^50 the candidates 10^-k apart are wider apart than the
    /// rounding interval of `x`. The bound also makes `x * 10^k` round to `m` exactly: its
    /// error (≤ 1/8) plus the distance from x×10^k to the candidate (≤ 1/8) stays below 1/2.
    private static func shortDecimal(_ x: Double) -> (UInt64, Int)? {
        for k in 0...3 {
            let scaled = x * smallPowersOfTen[k]
            guard scaled < 0x1p50 else { return nil }
            let m = scaled.rounded()
            if m / smallPowersOfTen[k] == x { return (UInt64(m), k) }
        }
        return nil
    }

    /// Reads Swift's rendering of a positive finite nonzero double (`123.45`, `0.0001`,
    /// `1.5e-05`, `9.007199254740994e+15`) into its significant digits, without leading or
    /// trailing zeros, and the position of the decimal point relative to them:
    /// value = 0.DIGITS × 10^pointPosition.
    private static func parseSwiftDescription(
        _ text: UnsafeBufferPointer<UInt8>, into digits: UnsafeMutableBufferPointer<UInt8>
    ) -> (count: Int, pointPosition: Int) {
        var count = 0
        var seen = 0
        var integerDigits = -1
        var leadingZeros = 0
        var i = 0
        while i < text.count {
            let c = text[i]
            if c == UInt8(ascii: "e") { break }
            if c == UInt8(ascii: ".") {
                integerDigits = seen
            } else {
                seen += 1
                if count == 0 && c == UInt8(ascii: "0") {
                    leadingZeros += 1
                } else {
                    digits[count] = c
                    count += 1
                }
            }
            i += 1
        }
        if integerDigits < 0 { integerDigits = seen }
        var exponent = 0
        if i < text.count {
            i += 1
            let negative = text[i] == UInt8(ascii: "-")
            if text[i] == UInt8(ascii: "-") || text[i] == UInt8(ascii: "+") { i += 1 }
            while i < text.count {
                exponent = exponent * 10 + Int(text[i] - UInt8(ascii: "0"))
                i += 1
            }
            if negative { exponent = -exponent }
        }
        while count > 1 && digits[count - 1] == UInt8(ascii: "0") { count -= 1 }
        return (count, integerDigits - leadingZeros + exponent)
    }

    /// Python's `format_float_short` for the `r` format: value = 0.DIGITS × 10^pointPosition.
    private static func layOut(_ digits: UnsafeBufferPointer<UInt8>, pointPosition: Int, into out: inout [UInt8]) {
        let n = digits.count
        if pointPosition <= -4 || pointPosition > 16 {
            out.append(digits[0])
            if n > 1 {
                out.append(UInt8(ascii: "."))
                out.append(contentsOf: UnsafeBufferPointer(rebasing: digits[1...]))
            }
            let e = pointPosition - 1
            out.append(UInt8(ascii: "e"))
            out.append(e < 0 ? UInt8(ascii: "-") : UInt8(ascii: "+"))
            let m = e.magnitude
            if m >= 100 { out.append(UInt8(ascii: "0") + UInt8(m / 100)) }
            out.append(UInt8(ascii: "0") + UInt8(m / 10 % 10))
            out.append(UInt8(ascii: "0") + UInt8(m % 10))
        } else if pointPosition <= 0 {
            out.append(contentsOf: "0.".utf8)
            for _ in 0 ..< -pointPosition { out.append(UInt8(ascii: "0")) }
            out.append(contentsOf: digits)
        } else if pointPosition < n {
            out.append(contentsOf: UnsafeBufferPointer(rebasing: digits[..<pointPosition]))
            out.append(UInt8(ascii: "."))
            out.append(contentsOf: UnsafeBufferPointer(rebasing: digits[pointPosition...]))
        } else {
            out.append(contentsOf: digits)
            for _ in 0..<pointPosition - n { out.append(UInt8(ascii: "0")) }
            out.append(contentsOf: ".0".utf8)
        }
    }
}

private let smallPowersOfTen: [Double] = [1, 10, 100, 1000]
