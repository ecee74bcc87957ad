/// How many terminal columns text takes, for aligning columns: East Asian wide and fullwidth
/// characters and emoji take 2, combining marks and other zero-width characters 0, the rest
/// 1. A small table of the Unicode ranges that matter, not a full UAX #11 implementation:
/// ambiguous-width characters count 1, as most terminals show them.
enum DisplayWidth {
    static func of(_ text: String) -> Int {
        if isPlainASCII(text) { return text.utf8.count }
        return text.reduce(0) { $0 + of($1) }
    }

    /// Printable ASCII only (U+0020…U+007E): one column per byte, nothing to escape.
    static func isPlainASCII(_ text: String) -> Bool {
        text.utf8.allSatisfy { $0 >= 0x20 && $0 < 0x7F }
    }

    /// One grapheme cluster: its base scalar's width, or 2 for an emoji shown as emoji (an
    /// emoji-presentation scalar, or any emoji followed by U+FE0F, or a ZWJ sequence).
    static func of(_ c: Character) -> Int {
        let scalars = c.unicodeScalars
        guard let first = scalars.first else { return 0 }
        if scalars.contains(where: { $0.properties.isEmojiPresentation })
            || (first.properties.isEmoji && scalars.contains("\u{FE0F}"))
        {
            return 2
        }
        return width(of: first)
    }

    static func width(of s: Unicode.Scalar) -> Int {
        let v = s.value
        switch s.properties.generalCategory {
        case .nonspacingMark, .enclosingMark, .format: return 0
        default: break
        }
        if v == 0 || (0x1160...0x11FF).contains(v) || v == 0x200B { return 0 }
        return isWide(v) ? 2 : 1
    }

    private static func isWide(_ v: UInt32) -> Bool {
        switch v {
        case 0x1100...0x115F, 0x231A...0x231B, 0x2329...0x232A, 0x2E80...0x303E, 0x3041...0x33FF,
            0x3400...0x4DBF, 0x4E00...0x9FFF, 0xA000...0xA4CF, 0xA960...0xA97F, 0xAC00...0xD7A3,
            0xF900...0xFAFF, 0xFE10...0xFE19, 0xFE30...0xFE6F, 0xFF00...0xFF60, 0xFFE0...0xFFE6,
            0x16FE0...0x16FE4, 0x17000...0x18AFF, 0x1B000...0x1B2FF, 0x1F200...0x1F2FF,
            0x1F300...0x1F64F, 0x1F900...0x1F9FF, 0x1FA70...0x1FAFF, 0x20000...0x2FFFD, 0x30000...0x3FFFD:
            return true
        default:
            return false
        }
    }

    /// `text` made safe to print on a terminal: every character that could move the cursor,
    /// send an escape sequence or reorder what follows is shown as an escape instead (`\n`,
    /// `\t`, `\r`, `\u{1b}`, `\u{202e}`), so a name or a detail can neither break a table's
    /// lines nor disguise itself or the text after it. Escaped: C0 and C1 controls and DEL,
    /// the bidirectional controls (U+061C, U+200E, U+200F, U+202A…U+202E, U+2066…U+2069),
    /// and the line and paragraph separators U+2028, U+2029. Everything else prints as is.
    static func sanitize(_ text: String) -> String {
        guard !isPlainASCII(text), text.unicodeScalars.contains(where: isUnsafe) else { return text }
        var out = ""
        for s in text.unicodeScalars {
            guard isUnsafe(s) else {
                out.unicodeScalars.append(s)
                continue
            }
            switch s {
            case "\n": out += "\\n"
            case "\t": out += "\\t"
            case "\r": out += "\\r"
            default: out += "\\u{\(String(s.value, radix: 16))}"
            }
        }
        return out
    }

    private static func isUnsafe(_ s: Unicode.Scalar) -> Bool {
        switch s.value {
        case 0..<0x20, 0x7F...0x9F, 0x061C, 0x200E, 0x200F, 0x202A...0x202E, 0x2066...0x2069, 0x2028, 0x2029:
            return true
        default: return false
        }
    }

    /// The longest prefix of `text` that fits in `columns`, with `…` when cut. Reads no more
    /// of `text` than it shows (a name may be megabytes long).
    static func truncate(_ text: String, to columns: Int) -> String {
        if isPlainASCII(text) {
            return text.utf8.count <= columns ? text : String(text.utf8.prefix(max(0, columns - 1)))! + "…"
        }
        var out = ""
        var used = 0
        var cut: (text: String, used: Int)? = nil  // the prefix that leaves room for `…`
        for c in text {
            let w = of(c)
            if cut == nil && used + w > columns - 1 { cut = (out, used) }
            if used + w > columns { return cut!.text + "…" }
            out.append(c)
            used += w
        }
        return out
    }

    /// `text` padded with spaces to `columns` display columns, on the right (left-aligned
    /// text) or on the left.
    static func pad(_ text: String, to columns: Int, alignRight: Bool = false) -> String {
        let fill = String(repeating: " ", count: max(0, columns - of(text)))
        return alignRight ? fill + text : text + fill
    }
}
