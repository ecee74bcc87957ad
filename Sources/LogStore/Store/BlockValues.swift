/// The values of a sealed block (`block.data`): one codec byte, then the values in that codec
/// (docs/FORMAT.md, "Sealed blocks"). Sealing encodes a run of segments every way that
/// applies and keeps the smallest; it keeps a codec only if decoding gives back exactly the
/// segments' bytes, so every codec is exact by construction (ints stay ints, every float bit
/// — NaN payloads, ±Infinity, -0.0 — is kept), and `plain` is the fallback for anything else.
///
/// | codec | applies to | payload |
/// |---|---|---|
/// | 0 plain | anything | the values in `ValueCodec`, back to back, as segments hold them |
/// | 1 int steps | ints `a, a+d, a+2d, …` | zigzag varints `a`, `d` |
/// | 2 float steps | floats with `v[i] == a + Double(i) * d` bit for bit | 8-byte `a`, 8-byte `d` |
/// | 3 int deltas | ints | zigzag varint of each value minus the one before (the first minus 0) |
/// | 4 float XOR | floats | Gorilla's XOR encoding of the bit patterns (below) |
///
/// Float XOR (Pelkonen et al., "Gorilla", VLDB 2015, §4.1.2, with 6-bit fields): the first
/// value's 64 bits; then per value its XOR with the one before: `0` when equal; else `1`, then
/// `0` and the XOR's meaningful bits when they fit in the previous value's window of leading
/// and trailing zeros, or `1`, 6 bits of leading zeros, 6 bits of (meaningful bits − 1) and
/// the meaningful bits. (The encoder starts a new window also when the previous one would
/// waste more than 12 bits; the decoder just follows the control bits.) Bits are written most significant first; the last byte is padded
/// with zeros.
enum BlockValues {
    enum Codec: UInt8, CaseIterable {
        case plain = 0
        case intSteps = 1
        case floatSteps = 2
        case intDeltas = 3
        case floatXOR = 4
    }

    struct DecodeError: Error, CustomStringConvertible {
        let reason: String
        var description: String { "corrupt block values: \(reason)" }
    }

    // MARK: encoding

    /// The smallest exact encoding of `count` values given as `ValueCodec` bytes.
    static func encode(_ plain: [UInt8], count: Int) -> [UInt8] {
        var best: [UInt8] = [Codec.plain.rawValue] + plain
        let numbers = plain.withUnsafeBytes { Self.numbers($0) }
        var candidates: [[UInt8]] = []
        switch numbers {
        case .ints(let ints)?:
            if let steps = intSteps(ints) { candidates.append(steps) }
            candidates.append(intDeltas(ints))
        case .floats(let bits)?:
            if let steps = floatSteps(bits) { candidates.append(steps) }
            candidates.append(floatXOR(bits))
        case nil:
            break
        }
        for c in candidates where c.count < best.count {
            var decoded: [UInt8] = []
            let ok = (try? c.withUnsafeBytes { try decode($0, count: count, into: &decoded) }) != nil
            if ok && decoded == plain { best = c }
        }
        return best
    }

    private enum Numbers {
        case ints([Int64])
        case floats([UInt64])
    }

    /// The values as ints or as float bit patterns, when they are all one or the other.
    private static func numbers(_ bytes: UnsafeRawBufferPointer) -> Numbers? {
        var ints: [Int64] = []
        var floats: [UInt64] = []
        var offset = 0
        while offset < bytes.count {
            let tag = bytes[offset]
            offset += 1
            if tag == ValueCodec.Tag.int.rawValue {
                var v: UInt64 = 0
                var shift: UInt64 = 0
                while true {
                    guard offset < bytes.count, shift < 64 else { return nil }
                    let b = bytes[offset]
                    offset += 1
                    v |= UInt64(b & 0x7f) << shift
                    if b & 0x80 == 0 { break }
                    shift += 7
                }
                ints.append(Int64(bitPattern: v >> 1) ^ -Int64(bitPattern: v & 1))
            } else if tag == ValueCodec.Tag.double.rawValue {
                guard offset + 8 <= bytes.count else { return nil }
                var v: UInt64 = 0
                for i in 0..<8 { v |= UInt64(bytes[offset + i]) << (8 * UInt64(i)) }
                offset += 8
                floats.append(v)
            } else {
                return nil
            }
            if !ints.isEmpty && !floats.isEmpty { return nil }
        }
        if !ints.isEmpty { return .ints(ints) }
        if !floats.isEmpty { return .floats(floats) }
        return nil
    }

    private static func zigzag(_ i: Int64) -> UInt64 { UInt64(bitPattern: (i << 1) ^ (i >> 63)) }

    private static func intSteps(_ v: [Int64]) -> [UInt8]? {
        let step = v.count > 1 ? v[1] &- v[0] : 0
        for i in 1..<max(v.count, 1) where v[i] &- v[i - 1] != step { return nil }
        var out = [Codec.intSteps.rawValue]
        ValueCodec.putVarint(zigzag(v[0]), &out)
        ValueCodec.putVarint(zigzag(step), &out)
        return out
    }

    private static func intDeltas(_ v: [Int64]) -> [UInt8] {
        var out = [Codec.intDeltas.rawValue]
        var previous: Int64 = 0
        for x in v {
            ValueCodec.putVarint(zigzag(x &- previous), &out)
            previous = x
        }
        return out
    }

    private static func floatSteps(_ bits: [UInt64]) -> [UInt8]? {
        let a = Double(bitPattern: bits[0])
        let d = bits.count > 1 ? Double(bitPattern: bits[1]) - a : 0
        guard a.isFinite, d.isFinite else { return nil }
        for (i, b) in bits.enumerated() where (a + Double(i) * d).bitPattern != b { return nil }
        var out = [Codec.floatSteps.rawValue]
        ValueCodec.putFixed64(a.bitPattern, &out)
        ValueCodec.putFixed64(d.bitPattern, &out)
        return out
    }

    private static func floatXOR(_ bits: [UInt64]) -> [UInt8] {
        var w = BitWriter()
        w.bytes.append(Codec.floatXOR.rawValue)
        w.write(bits[0], 64)
        var previous = bits[0]
        var window: (leading: Int, trailing: Int)?
        for b in bits.dropFirst() {
            let x = b ^ previous
            previous = b
            if x == 0 {
                w.write(0, 1)
                continue
            }
            let leading = min(x.leadingZeroBitCount, 63)
            let trailing = x.trailingZeroBitCount
            // The previous window, when it fits and wastes no more bits than a new one's
            // 12-bit description costs (after an outlier, a wide window would be kept forever).
            if let (l, t) = window, leading >= l, trailing >= t, (leading - l) + (trailing - t) <= 12 {
                w.write(0b10, 2)
                w.write(x >> UInt64(t), 64 - l - t)
            } else {
                let meaningful = 64 - leading - trailing
                w.write(0b11, 2)
                w.write(UInt64(leading), 6)
                w.write(UInt64(meaningful - 1), 6)
                w.write(x >> UInt64(trailing), meaningful)
                window = (leading, trailing)
            }
        }
        return w.finish()
    }

    // MARK: decoding

    /// Appends the first `limit` (default: all `count`) values of a block's `data`, as
    /// `ValueCodec` bytes (what a segment's `data` holds), to `out`.
    static func decode(_ data: UnsafeRawBufferPointer, count: Int, limit: Int? = nil, into out: inout [UInt8]) throws {
        let n = min(limit ?? count, count)
        guard let first = data.first, let codec = Codec(rawValue: first) else {
            throw DecodeError(reason: "unknown codec")
        }
        let payload = UnsafeRawBufferPointer(rebasing: data[1...])
        var r = ByteReader(bytes: payload)
        switch codec {
        case .plain:
            var reader = ValueCodec.Reader(payload)
            for _ in 0..<n { try reader.skip() }
            out.append(contentsOf: UnsafeRawBufferPointer(rebasing: payload[..<reader.offset]))
        case .intSteps:
            let a = try r.zigzag()
            let d = try r.zigzag()
            var v = a
            for _ in 0..<n {
                putInt(v, &out)
                v = v &+ d
            }
        case .intDeltas:
            var v: Int64 = 0
            for _ in 0..<n {
                v = v &+ (try r.zigzag())
                putInt(v, &out)
            }
        case .floatSteps:
            let a = Double(bitPattern: try r.fixed64())
            let d = Double(bitPattern: try r.fixed64())
            for i in 0..<n { putDouble((a + Double(i) * d).bitPattern, &out) }
        case .floatXOR:
            guard n > 0 else { return }
            var bits = BitReader(bytes: payload)
            var v = try bits.read(64)
            putDouble(v, &out)
            var window = (leading: 0, trailing: 0)
            for _ in 1..<n {
                if try bits.read(1) == 1 {
                    if try bits.read(1) == 1 {
                        let leading = Int(try bits.read(6))
                        let meaningful = Int(try bits.read(6)) + 1
                        guard leading + meaningful <= 64 else { throw DecodeError(reason: "XOR window") }
                        window = (leading, 64 - leading - meaningful)
                    }
                    let width = 64 - window.leading - window.trailing
                    guard width > 0 else { throw DecodeError(reason: "XOR window") }
                    v ^= try bits.read(width) << UInt64(window.trailing)
                }
                putDouble(v, &out)
            }
        }
    }

    @inline(__always)
    private static func putInt(_ i: Int64, _ out: inout [UInt8]) {
        out.append(ValueCodec.Tag.int.rawValue)
        ValueCodec.putVarint(zigzag(i), &out)
    }

    @inline(__always)
    private static func putDouble(_ bits: UInt64, _ out: inout [UInt8]) {
        out.append(ValueCodec.Tag.double.rawValue)
        ValueCodec.putFixed64(bits, &out)
    }

    private struct ByteReader {
        let bytes: UnsafeRawBufferPointer
        var offset = 0

        mutating func zigzag() throws -> Int64 {
            var v: UInt64 = 0
            var shift: UInt64 = 0
            while true {
                guard offset < bytes.count, shift < 64 else { throw DecodeError(reason: "varint") }
                let b = bytes[offset]
                offset += 1
                v |= UInt64(b & 0x7f) << shift
                if b & 0x80 == 0 { break }
                shift += 7
            }
            return Int64(bitPattern: v >> 1) ^ -Int64(bitPattern: v & 1)
        }

        mutating func fixed64() throws -> UInt64 {
            guard offset + 8 <= bytes.count else { throw DecodeError(reason: "truncated") }
            var v: UInt64 = 0
            for i in 0..<8 { v |= UInt64(bytes[offset + i]) << (8 * UInt64(i)) }
            offset += 8
            return v
        }
    }

    private struct BitWriter {
        var bytes: [UInt8] = []
        private var pending: UInt64 = 0
        private var pendingBits = 0

        /// Writes the low `n` bits of `value` (0 < n <= 64), most significant first.
        mutating func write(_ value: UInt64, _ n: Int) {
            var n = n
            while n > 0 {
                let take = min(n, 8 - pendingBits)
                let chunk = (value >> UInt64(n - take)) & ((1 << UInt64(take)) - 1)
                pending = (pending << UInt64(take)) | chunk
                pendingBits += take
                n -= take
                if pendingBits == 8 {
                    bytes.append(UInt8(pending))
                    pending = 0
                    pendingBits = 0
                }
            }
        }

        consuming func finish() -> [UInt8] {
            if pendingBits > 0 { bytes.append(UInt8(pending << UInt64(8 - pendingBits))) }
            return bytes
        }
    }

    private struct BitReader {
        let bytes: UnsafeRawBufferPointer
        private var bit = 0

        init(bytes: UnsafeRawBufferPointer) { self.bytes = bytes }

        /// Reads `n` bits (0 < n <= 64), most significant first.
        mutating func read(_ n: Int) throws -> UInt64 {
            guard bit + n <= bytes.count * 8 else { throw DecodeError(reason: "truncated bits") }
            var v: UInt64 = 0
            var n = n
            while n > 0 {
                let byte = UInt64(bytes[bit >> 3])
                let used = bit & 7
                let take = min(n, 8 - used)
                let chunk = (byte >> UInt64(8 - used - take)) & ((1 << UInt64(take)) - 1)
                v = (v << UInt64(take)) | chunk
                bit += take
                n -= take
            }
            return v
        }
    }
}
