/// Exact conversion of a decimal literal `significand × 10^exponent` to the nearest Double,
/// without `strtod`, for the literals that fit in 64-bit integer arithmetic.
///
/// Invariant: `convert` returns either nil or the correctly rounded Double (round half to
/// even), bit for bit what `strtod` returns for the same literal. It returns nil, and the
/// caller must use `strtod`, unless `significand < 10^19` and `|exponent| <= 22`; there the
/// value lies in [1e-41, 1e41] or is zero, so neither overflow nor subnormals can occur.
enum DecimalToDouble {
    /// The most significant decimal digits a `significand` may have (10^19 < 2^64).
    static let maxDigits = 19

    static func convert(significand w: UInt64, exponent e: Int) -> Double? {
        guard e >= -22 && e <= 22, w < tenToThe19 else { return nil }
        if w == 0 { return 0 }
        // Clinger's fast path: both operands are exact doubles, one IEEE operation rounds.
        if w <= 1 << 53 {
            let value = Double(w)
            return e >= 0 ? value * exactPowersOfTen[e] : value / exactPowersOfTen[-e]
        }
        if e >= 0 {
            guard e <= 19 else { return nil }
            // w × 10^e exactly, as a 128-bit integer, then rounded once.
            let (hi, lo) = w.multipliedFullWidth(by: powersOfTen[e])
            if hi == 0 { return Double(lo) }  // UInt64 → Double rounds to nearest even
            let s = hi.leadingZeroBitCount
            let top = s == 0 ? hi : hi << s | lo >> (64 - s)
            let rest = lo << s
            return scaled(top, sticky: rest != 0, by: 64 - s)
        }
        guard -e <= 19 else { return nil }
        // w / 10^k: normalize both to a top bit of 1 (a, b in [2^63, 2^64)), so that the
        // quotient of a·2^64 (or a·2^63 when a >= b) by b lies in [2^63, 2^64).
        let d = powersOfTen[-e]
        let lzw = w.leadingZeroBitCount
        let lzd = d.leadingZeroBitCount
        let a = w << lzw
        let b = d << lzd
        let (q, r): (UInt64, UInt64)
        let shift: Int
        if a < b {
            (q, r) = b.dividingFullWidth((high: a, low: 0))
            shift = 64
        } else {
            (q, r) = b.dividingFullWidth((high: a >> 1, low: a << 63))
            shift = 63
        }
        return scaled(q, sticky: r != 0, by: lzd - lzw - shift)
    }

    /// `(m + f) × 2^exponent` rounded to nearest even, where `m >= 2^63` holds the leading bits
    /// and `0 <= f < 1` is nonzero exactly when `sticky`: bit 0 of `m` lies 10 bits below the
    /// rounding position, so OR-ing the sticky bit into it decides only ties, as it must. The
    /// power-of-two scaling is exact because the caller's result is a normal number.
    @inline(__always)
    private static func scaled(_ m: UInt64, sticky: Bool, by exponent: Int) -> Double {
        Double(sign: .plus, exponent: exponent, significand: Double(m | (sticky ? 1 : 0)))
    }

    private static let tenToThe19: UInt64 = 10_000_000_000_000_000_000
}

/// 10^0 ... 10^19, every one exact in UInt64.
private let powersOfTen: [UInt64] = (0...19).map { n in (0..<n).reduce(UInt64(1)) { p, _ in p * 10 } }

/// 10^0 ... 10^22, every one exactly representable as a Double.
private let exactPowersOfTen: [Double] = [
    1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11,
    1e12, 1e13, 1e14, 1e15, 1e16, 1e17, 1e18, 1e19, 1e20, 1e21, 1e22,
]
