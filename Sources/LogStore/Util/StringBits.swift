/// Compares two strings by the two machine words a Swift `String` is made of, without reading
/// their bytes: the first step of comparing keys (`ExactKey.equal`), which visdom's dict
/// lookups do dozens of times per message.
///
/// What it relies on (the standard library's `_StringObject` on 64-bit platforms): a string is
/// two words. A string of at most 15 UTF-8 bytes may be stored inline ("small"): then the words
/// hold its bytes, zero-filled, its count and flags derived from the bytes, and bit 61 of the
/// second word is set. Otherwise the words hold a count, flags and a reference to storage. So
/// - equal words are the same text (inline: the same bytes; otherwise: the same storage
///   and count);
/// - two inline strings whose words differ are different texts.
/// Anything else (an inline string next to a stored one of the same few bytes, two stored
/// strings) is `.unknown`: the caller compares the bytes. `StringBitsTests` checks these
/// facts on the toolchain that builds the project.
enum StringBits {
    enum Answer: Equatable {
        case same
        case different
        case unknown
    }

    @inline(__always)
    static func compare(_ a: String, _ b: String) -> Answer {
        #if (arch(x86_64) || arch(arm64)) && _endian(little)
            let x = unsafeBitCast(a, to: (UInt64, UInt64).self)
            let y = unsafeBitCast(b, to: (UInt64, UInt64).self)
            if x.0 == y.0 && x.1 == y.1 { return .same }
            if x.1 & y.1 & inlineFlag != 0 { return .different }
            return .unknown
        #else
            return .unknown
        #endif
    }

    /// Whether `s` is stored inline (its words are its bytes).
    static func isInline(_ s: String) -> Bool {
        #if (arch(x86_64) || arch(arm64)) && _endian(little)
            return unsafeBitCast(s, to: (UInt64, UInt64).self).1 & inlineFlag != 0
        #else
            return false
        #endif
    }

    /// Whether `s` holds the byte `byte` (not 0), read from its words when it is stored inline;
    /// nil when it is not (the caller reads its bytes). The inline bytes are the first word's
    /// eight and the second word's low seven, zero past the count; a byte of a word that is
    /// `byte` is a zero byte of the word xor `byte` in every byte, which one subtraction finds.
    @inline(__always)
    static func inlineContains(_ s: String, _ byte: UInt8) -> Bool? {
        #if (arch(x86_64) || arch(arm64)) && _endian(little)
            assert(byte != 0, "zero bytes fill an inline string past its count")
            let w = unsafeBitCast(s, to: (UInt64, UInt64).self)
            guard w.1 & inlineFlag != 0 else { return nil }
            let ones: UInt64 = 0x0101_0101_0101_0101
            let pattern = ones &* UInt64(byte)
            func holds(_ x: UInt64) -> Bool {
                let y = x ^ pattern
                return (y &- ones) & ~y & (ones << 7) != 0
            }
            return holds(w.0) || holds(w.1 & 0x00FF_FFFF_FFFF_FFFF)
        #else
            return nil
        #endif
    }

    /// Bit 61 of the second word: the string is stored inline.
    private static var inlineFlag: UInt64 { 1 << 61 }
}
