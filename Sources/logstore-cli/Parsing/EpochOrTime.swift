/// A `--since`/`--until` value of `logstore log`: an epoch number, or a date or time.
///
/// A date or time names a span as long as its precision (`2026-12-06` a day, `2026-12-06T10:00`
/// a minute, `…T10:00:05` a second, `…T10:00:05.250` a millisecond): `--since` starts at the
/// span's first millisecond, `--until` includes its last, so `--until 2026-12-06` takes all of
/// that day. Accepted forms: `YYYY-MM-DD`, then optionally `T` (or a space) and `HH:MM`,
/// `HH:MM:SS` or `HH:MM:SS.f` (1 to 9 digits), then optionally `Z` or an offset `+HH:MM` or
/// `-HH:MM`. Without an offset a time is UTC, as `log` prints times
/// (`2026-12-06T10:00:05.250Z` pastes back as is).
enum EpochOrTime: Equatable {
    case epoch(Int64)
    /// Milliseconds since 1970 (UTC): the span's first and last millisecond.
    case time(first: Int64, last: Int64)

    init?(_ text: String) {
        let bytes = Array(text.utf8)
        if !bytes.isEmpty && bytes.allSatisfy({ $0 >= 0x30 && $0 <= 0x39 }) {
            guard let n = Int64(text) else { return nil }
            self = .epoch(n)
            return
        }
        var p = Scanner(bytes)
        guard let year = p.digits(4), p.take("-"), let month = p.digits(2), p.take("-"), let day = p.digits(2),
            (1...12).contains(month), day >= 1, day <= Self.daysIn(month: month, year: year)
        else { return nil }
        var ms = Self.daysFromCivil(year, month, day) * 86_400_000
        var span: Int64 = 86_400_000
        if p.take("T") || p.take("t") || p.take(" ") {
            guard let hour = p.digits(2), hour < 24, p.take(":"), let minute = p.digits(2), minute < 60 else {
                return nil
            }
            ms += (hour * 60 + minute) * 60_000
            span = 60_000
            if p.take(":") {
                guard let second = p.digits(2), second < 60 else { return nil }
                ms += second * 1000
                span = 1000
                if p.take(".") {
                    // 1 to 9 digits: `.2` is a tenth of a second long, `.250` and finer one ms.
                    var n = 0
                    var fraction: Int64 = 0
                    while n < 9, let d = p.digits(1) {
                        if n < 3 { fraction = fraction * 10 + d }
                        n += 1
                    }
                    guard n > 0 else { return nil }
                    for _ in min(n, 3)..<3 { fraction *= 10 }
                    ms += fraction
                    span = n >= 3 ? 1 : (n == 2 ? 10 : 100)
                }
            }
            if p.take("Z") || p.take("z") {
            } else if let sign = p.peek, sign == UInt8(ascii: "+") || sign == UInt8(ascii: "-") {
                p.index += 1
                guard let h = p.digits(2), h < 24 else { return nil }
                _ = p.take(":")
                guard let m = p.digits(2), m < 60 else { return nil }
                let offset = (h * 60 + m) * 60_000
                ms += sign == UInt8(ascii: "+") ? -offset : offset
            }
        }
        guard p.atEnd else { return nil }
        self = .time(first: ms, last: ms + span - 1)
    }

    /// Days since 1970-01-01 of a proleptic Gregorian date (Howard Hinnant's days_from_civil).
    static func daysFromCivil(_ y0: Int64, _ m: Int64, _ d: Int64) -> Int64 {
        let y = m <= 2 ? y0 - 1 : y0
        let era = (y >= 0 ? y : y - 399) / 400
        let yoe = y - era * 400
        let doy = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + d - 1
        let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy
        return era * 146_097 + doe - 719_468
    }

    static func daysIn(month: Int64, year: Int64) -> Int64 {
        switch month {
        case 2: return (year % 4 == 0 && year % 100 != 0) || year % 400 == 0 ? 29 : 28
        case 4, 6, 9, 11: return 30
        default: return 31
        }
    }

    private struct Scanner {
        let bytes: [UInt8]
        var index = 0
        init(_ bytes: [UInt8]) { self.bytes = bytes }
        var atEnd: Bool { index == bytes.count }
        var peek: UInt8? { index < bytes.count ? bytes[index] : nil }

        mutating func take(_ c: Character) -> Bool {
            guard let b = peek, b == c.asciiValue else { return false }
            index += 1
            return true
        }

        /// Exactly `n` decimal digits.
        mutating func digits(_ n: Int) -> Int64? {
            guard index + n <= bytes.count else { return nil }
            var v: Int64 = 0
            for b in bytes[index..<index + n] {
                guard b >= 0x30 && b <= 0x39 else { return nil }
                v = v * 10 + Int64(b - 0x30)
            }
            index += n
            return v
        }
    }
}
