import Foundation

/// The small text formats the commands share.
enum Format {
    /// `1 message`, `2 messages`.
    static func count(_ n: Int, _ singular: String, _ plural: String? = nil) -> String {
        "\(n) \(n == 1 ? singular : plural ?? singular + "s")"
    }

    /// Bytes in binary units with one decimal: `512 B`, `1.5 KiB`, `3.0 MiB`.
    static func bytes(_ n: Int64) -> String {
        let units = ["B", "KiB", "MiB", "GiB", "TiB"]
        var v = Double(n)
        var u = 0
        while v >= 1024 && u < units.count - 1 {
            v /= 1024
            u += 1
        }
        return u == 0 ? "\(n) B" : String(format: "%.1f %@", v, units[u])
    }

    /// Seconds with two decimals: `0.25 s`.
    static func seconds(_ s: Double) -> String { String(format: "%.2f s", s) }

    /// `m:ss` or `h:mm:ss`, for an ETA.
    static func duration(_ seconds: Double) -> String {
        let s = Int(max(0, seconds.rounded()))
        return s >= 3600
            ? String(format: "%d:%02d:%02d", s / 3600, s / 60 % 60, s % 60) : String(format: "%d:%02d", s / 60, s % 60)
    }

    /// ISO-8601 in UTC with milliseconds: `2025-01-31T23:59:59.123Z`. Proleptic Gregorian
    /// calendar (Howard Hinnant's civil_from_days), valid for any millisecond count.
    static func timestamp(ms: Int64) -> String {
        let (days, msOfDay) = ms.quotientAndRemainder(dividingBy: 86_400_000)
        let (d, t) = msOfDay < 0 ? (days - 1, msOfDay + 86_400_000) : (days, msOfDay)
        let z = d + 719_468
        let era = (z >= 0 ? z : z - 146_096) / 146_097
        let doe = z - era * 146_097
        let yoe = (doe - doe / 1460 + doe / 36524 - doe / 146_096) / 365
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100)
        let mp = (5 * doy + 2) / 153
        let day = doy - (153 * mp + 2) / 5 + 1
        let month = mp < 10 ? mp + 3 : mp - 9
        let year = yoe + era * 400 + (month <= 2 ? 1 : 0)
        var out: [UInt8] = []
        out.reserveCapacity(24)
        func digits(_ v: Int64, _ n: Int) {
            var v = v
            var buffer = [UInt8](repeating: 0x30, count: n)
            for i in stride(from: n - 1, through: 0, by: -1) {
                buffer[i] = 0x30 + UInt8(v % 10)
                v /= 10
            }
            out += buffer
        }
        // As printf's %04lld: at least 4 characters, a sign included.
        if year < 0 {
            out.append(UInt8(ascii: "-"))
            if -year < 1000 { digits(-year, 3) } else { out += Array(String(-year).utf8) }
        } else if year > 9999 {
            out += Array(String(year).utf8)
        } else {
            digits(year, 4)
        }
        for (separator, value, width) in [
            (UInt8(ascii: "-"), month, 2), (UInt8(ascii: "-"), day, 2), (UInt8(ascii: "T"), t / 3_600_000, 2),
            (UInt8(ascii: ":"), t / 60_000 % 60, 2), (UInt8(ascii: ":"), t / 1000 % 60, 2),
            (UInt8(ascii: "."), t % 1000, 3),
        ] {
            out.append(separator)
            digits(value, width)
        }
        out.append(UInt8(ascii: "Z"))
        return String(decoding: out, as: UTF8.self)
    }
}
