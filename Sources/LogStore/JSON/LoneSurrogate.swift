/// Python strings may hold lone UTF-16 surrogates (`json.loads('"\\ud83d"')` keeps one, and
/// `json.dumps` writes it back as `\ud83d`); Swift strings cannot. The reader therefore maps a
/// lone surrogate U+D800…U+DFFF to the private-use scalar U+10D800…U+10DFFF (the surrogate
/// plus 0x100000), and the writer maps that range back to a `\uDXXX` escape, so such strings
/// round-trip exactly as visdom keeps them (one exception, so that a lone high surrogate and a
/// lone low one that follows it do not read back as a pair: see `JSONStringEscaper`).
///
/// The price: a genuine U+10D800…U+10DFFF (Supplementary Private Use Area-B) in input is
/// written back as a lone-surrogate escape.
enum LoneSurrogate {
    static let offset: UInt32 = 0x10_0000
    static let mapped: ClosedRange<UInt32> = 0x10_D800...0x10_DFFF

    static func scalar(for surrogate: UInt32) -> UInt32 { surrogate + offset }

    /// The surrogate a scalar stands for, if it is in the mapped range.
    static func surrogate(for scalar: UInt32) -> UInt32? {
        mapped.contains(scalar) ? scalar - offset : nil
    }
}
