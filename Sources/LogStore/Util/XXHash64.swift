/// XXH64 (xxHash, 64-bit: https://github.com/Cyan4973/xxHash/blob/dev/doc/xxhash_spec.md),
/// streaming: `update` any number of times, then `digest`, which does not end the stream, so
/// the hash of every prefix of a stream can be taken on the way. A value type: a copy is an
/// independent hasher at the same point of the stream.
///
/// Recognises an imported replay log by the hash of every byte imported from it
/// (`ImportResume`). Not for security: it tells a user's files apart, which nobody crafts to
/// collide, and two different files share a hash with probability 2^-64. It is used instead
/// of SHA-256 for its speed: a SHA-256 in Swift (no hardware instructions) costs about half of
/// what importing the file costs (Benchmarks/README.md, "Engine changes made while measuring").
struct XXHash64: Sendable {
    private static let p1: UInt64 = 0x9E37_79B1_85EB_CA87
    private static let p2: UInt64 = 0xC2B2_AE3D_27D4_EB4F
    private static let p3: UInt64 = 0x1656_67B1_9E37_79F9
    private static let p4: UInt64 = 0x85EB_CA77_C2B2_AE63
    private static let p5: UInt64 = 0x27D4_EB2F_1656_67C5

    private var v1: UInt64 = p1 &+ p2
    private var v2: UInt64 = p2
    private var v3: UInt64 = 0
    private var v4: UInt64 = 0 &- p1
    /// Bytes of an incomplete 32-byte stripe, `pendingCount < 32`.
    private var pending: (UInt64, UInt64, UInt64, UInt64) = (0, 0, 0, 0)
    private var pendingCount = 0
    /// Bytes hashed so far.
    private(set) var count: Int64 = 0

    init() {}

    @inline(__always) private static func round(_ acc: UInt64, _ input: UInt64) -> UInt64 {
        (acc &+ input &* p2).rotl(31) &* p1
    }

    @inline(__always) private static func merge(_ acc: UInt64, _ v: UInt64) -> UInt64 {
        (acc ^ round(0, v)) &* p1 &+ p4
    }

    mutating func update<C: Collection>(_ bytes: C) where C.Element == UInt8 {
        let done: Void? = bytes.withContiguousStorageIfAvailable { update(UnsafeRawBufferPointer($0)) }
        if done == nil { Array(bytes).withUnsafeBytes { update($0) } }
    }

    mutating func update(byte: UInt8) {
        withUnsafeBytes(of: byte) { update($0) }
    }

    mutating func update(_ bytes: UnsafeRawBufferPointer) {
        guard var p = bytes.baseAddress, !bytes.isEmpty else { return }
        var n = bytes.count
        count += Int64(n)
        if pendingCount > 0 {
            let have = pendingCount
            let take = min(32 - have, n)
            withUnsafeMutableBytes(of: &pending) {
                $0.baseAddress!.advanced(by: have).copyMemory(from: p, byteCount: take)
            }
            pendingCount += take
            p += take
            n -= take
            guard pendingCount == 32 else { return }
            withUnsafeBytes(of: pending) { stripes($0.baseAddress!, 32) }
            pendingCount = 0
        }
        let whole = n & ~31
        if whole > 0 { stripes(p, whole) }
        if n > whole {
            withUnsafeMutableBytes(of: &pending) { $0.baseAddress!.copyMemory(from: p + whole, byteCount: n - whole) }
            pendingCount = n - whole
        }
    }

    /// Consumes `length` bytes (a multiple of 32) at `p`.
    @inline(__always) private mutating func stripes(_ p: UnsafeRawPointer, _ length: Int) {
        var (a, b, c, d) = (v1, v2, v3, v4)
        var i = 0
        while i < length {
            a = Self.round(a, UInt64(littleEndian: p.loadUnaligned(fromByteOffset: i, as: UInt64.self)))
            b = Self.round(b, UInt64(littleEndian: p.loadUnaligned(fromByteOffset: i + 8, as: UInt64.self)))
            c = Self.round(c, UInt64(littleEndian: p.loadUnaligned(fromByteOffset: i + 16, as: UInt64.self)))
            d = Self.round(d, UInt64(littleEndian: p.loadUnaligned(fromByteOffset: i + 24, as: UInt64.self)))
            i += 32
        }
        (v1, v2, v3, v4) = (a, b, c, d)
    }

    /// The hash of everything given so far.
    var value: UInt64 {
        var h: UInt64
        if count >= 32 {
            h = v1.rotl(1) &+ v2.rotl(7) &+ v3.rotl(12) &+ v4.rotl(18)
            h = Self.merge(h, v1)
            h = Self.merge(h, v2)
            h = Self.merge(h, v3)
            h = Self.merge(h, v4)
        } else {
            h = Self.p5
        }
        h &+= UInt64(count)
        let pendingCount = self.pendingCount
        withUnsafeBytes(of: pending) { tail in
            var i = 0
            while i + 8 <= pendingCount {
                h ^= Self.round(0, UInt64(littleEndian: tail.loadUnaligned(fromByteOffset: i, as: UInt64.self)))
                h = h.rotl(27) &* Self.p1 &+ Self.p4
                i += 8
            }
            if i + 4 <= pendingCount {
                h ^= UInt64(UInt32(littleEndian: tail.loadUnaligned(fromByteOffset: i, as: UInt32.self))) &* Self.p1
                h = h.rotl(23) &* Self.p2 &+ Self.p3
                i += 4
            }
            while i < pendingCount {
                h ^= UInt64(tail[i]) &* Self.p5
                h = h.rotl(11) &* Self.p1
                i += 1
            }
        }
        h ^= h >> 33
        h &*= Self.p2
        h ^= h >> 29
        h &*= Self.p3
        h ^= h >> 32
        return h
    }

    /// `value` as 8 bytes, most significant first (as `xxhsum` prints it).
    func digest() -> [UInt8] {
        let v = value
        return (0..<8).map { UInt8(truncatingIfNeeded: v >> (56 - 8 * UInt64($0))) }
    }

    static func hash<C: Collection>(_ bytes: C) -> [UInt8] where C.Element == UInt8 {
        var h = XXHash64()
        h.update(bytes)
        return h.digest()
    }
}

extension UInt64 {
    @inline(__always) fileprivate func rotl(_ n: UInt64) -> UInt64 { (self << n) | (self >> (64 - n)) }
}
