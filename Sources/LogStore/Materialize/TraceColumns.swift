/// A plot window's traces as columns of doubles: what a numeric client (the C ABI, numpy)
/// wants instead of window JSON. Read straight from the packed segments, without building a
/// JSON value per point.
///
/// Invariant: for every trace `t` of `content.data` and each of `x`, `y` that is a list,
/// `values[i]` and `kinds[i]` describe exactly element `i` of that list in the window JSON
/// `exportWindow` returns as of the same epoch:
/// - a float: `values[i]` is its IEEE-754 bits (NaN payloads, ±Infinity and -0.0 kept), kind
///   `.float`;
/// - an int: `values[i]` is `Double(int)` (exact up to 2^53), kind `.int`; an integer beyond
///   64 bits is `Double(digits)` with kind `.int` too;
/// - null: `values[i]` is NaN, kind `.null`;
/// - anything else (a string, a bool, a list, an object): NaN, kind `.other`.
public struct TraceColumns: Sendable, Equatable {
    public enum Kind: UInt8, Sendable {
        case float = 0
        case int = 1
        case null = 2
        case other = 3
    }

    public struct Column: Sendable, Equatable {
        public let values: ColumnBuffer<Double>
        /// One `Kind.rawValue` per value; nil when every value is a float.
        public let kinds: ColumnBuffer<UInt8>?

        init(values: ColumnBuffer<Double>, kinds: ColumnBuffer<UInt8>?) {
            self.values = values
            self.kinds = kinds
        }

        /// Equal values bit for bit, and equal kinds.
        public static func == (a: Column, b: Column) -> Bool {
            guard a.values.sameBits(as: b.values) else { return false }
            switch (a.kinds, b.kinds) {
            case (nil, nil): return true
            case (let x?, let y?): return x.sameBits(as: y)
            default: return false
            }
        }
    }

    /// The trace's `name` (usually a string), nil if it has none.
    public let name: JSONValue?
    /// nil when the trace has no `x` (or `y`) or it is not a list.
    public let x: Column?
    public let y: Column?
}

/// Reads series of one window as columns in one pass of the window's segments (the pass of
/// `WindowSegments`), decoding each segment's values straight from SQLite's row into the
/// column, without gathering the encoded bytes first.
///
/// Invariant: `columns[id]` holds series `id`'s appended values (sealed blocks, then append
/// segments, in seq order); `prepends[id]` its prepend segments' bytes in seq order, put in front by `column`.
final class TraceColumnReader {
    private var columns: [Int64: Builder] = [:]
    private var prepends: [Int64: [[UInt8]]] = [:]

    init(_ db: Connection, window: Int64, asOf: Int64, series wanted: [Int64]) throws {
        let store = SeriesStore(db, asOf: asOf)
        try WindowSegments.pass(
            db, window: window, asOf: asOf, series: Set(wanted),
            found: { id, _ in
                columns[id] = Builder(capacity: try store.count(of: id))
            },
            block: { block in
                var bytes: [UInt8] = []
                try block.values(asOf: asOf, into: &bytes)
                try bytes.withUnsafeBytes { try columns[block.seriesID]!.decode($0) }
            },
            segment: { id, prepends, _, data in
                if prepends {
                    self.prepends[id, default: []].append(Array(data))
                } else {
                    try columns[id]!.decode(data)
                }
            })
    }

    /// The column of a trace's `x` or `y`; nil when it is missing or not a list. Called once
    /// per series.
    func column(_ value: PaneValue?) throws -> TraceColumns.Column? {
        switch value {
        case .series(let slot)?:
            guard let appended = columns[slot.id] else { return Builder(capacity: 0).finish() }
            guard let before = prepends[slot.id] else { return appended.finish() }
            var column = Builder(capacity: appended.count)
            for p in before.reversed() { try p.withUnsafeBytes { try column.decode($0) } }
            column.append(contentsOf: appended)
            return column.finish()
        case .array(let items)?:
            var column = Builder(capacity: items.count)
            for item in items {
                switch item {
                case .double(let d): column.append(d, .float)
                case .int(let i): column.append(Double(i), .int)
                case .bigInt(let digits): column.append(Double(digits) ?? .nan, .int)
                case .null: column.append(.nan, .null)
                default: column.append(.nan, .other)
                }
            }
            return column.finish()
        default:
            return nil
        }
    }

    /// Values and kinds being filled; `kinds` is made at the first non-float.
    struct Builder {
        let values: ColumnBuffer<Double>
        private(set) var kinds: ColumnBuffer<UInt8>? = nil
        var count: Int { values.count }

        init(capacity: Int) { values = ColumnBuffer(capacity: capacity) }

        private mutating func makeKinds() {
            guard kinds == nil else { return }
            let k = ColumnBuffer<UInt8>(capacity: values.capacity)
            k.append(repeating: TraceColumns.Kind.float.rawValue, count: values.count)
            kinds = k
        }

        mutating func append(_ v: Double, _ kind: TraceColumns.Kind) {
            if kind != .float { makeKinds() }
            values.append(v)
            kinds?.append(kind.rawValue)
        }

        mutating func append(contentsOf other: Builder) {
            for i in 0..<other.count {
                append(other.values[i], TraceColumns.Kind(rawValue: other.kinds?[i] ?? 0) ?? .other)
            }
        }

        /// Appends the values encoded back to back in `bytes` (a segment's `data`). Floats and
        /// ints, what x and y hold, are decoded inline; the rest through `ValueCodec.Reader`.
        mutating func decode(_ bytes: UnsafeRawBufferPointer) throws {
            guard let base = bytes.baseAddress else { return }
            let end = bytes.count
            var offset = 0
            while offset < end {
                let tag = base.load(fromByteOffset: offset, as: UInt8.self)
                if tag == ValueCodec.Tag.double.rawValue || tag == ValueCodec.Tag.int.rawValue {
                    if tag == ValueCodec.Tag.int.rawValue { makeKinds() }
                    values.reserve(count + 1)
                    kinds?.reserve(values.capacity)
                    offset = try decodeNumbers(base, from: offset, to: end)
                    continue
                }
                var r = ValueCodec.Reader(UnsafeRawBufferPointer(rebasing: bytes[offset...]))
                switch ValueCodec.Tag(rawValue: tag) {
                case .bigInt:
                    guard case .bigInt(let digits) = try r.json() else { throw ValueCodec.DecodeError(offset: offset) }
                    append(Double(digits) ?? .nan, .int)
                case .null:
                    try r.skip()
                    append(.nan, .null)
                default:
                    try r.skip()
                    append(.nan, .other)
                }
                offset += r.offset
            }
        }

        /// Decodes the run of floats and ints starting at `offset` into the reserved room, up
        /// to the capacity; returns the offset of the first value not decoded (or `end`). An
        /// int needs `kinds` to exist already.
        private func decodeNumbers(_ base: UnsafeRawPointer, from start: Int, to end: Int) throws -> Int {
            var offset = start
            var n = values.count
            let dst = values.base
            let room = values.capacity
            let kindBase = kinds?.base
            defer {
                values.setCount(n)
                kinds?.setCount(n)
            }
            if kindBase == nil {
                // Only floats so far (no kinds to write): a run of floats in one pass whose
                // bounds are checked once, `limit` floats fitting both the bytes and the room.
                // Blocks of 8 are copied without looking at their tags, which are checked
                // together once per block; a block holding another tag is redone one by one.
                // (What is written past the run is room not yet counted, overwritten later.)
                let limit = Swift.min(room - n, (end - offset) / 9)
                let from = UnsafeRawPointer(base + offset)
                let to = dst + n
                let double = ValueCodec.Tag.double.rawValue
                var run = 0
                while run &+ 8 <= limit {
                    var other: UInt8 = 0
                    for j in 0..<8 {
                        let at = 9 &* (run &+ j)
                        other |= from.load(fromByteOffset: at, as: UInt8.self) ^ double
                        to[run &+ j] = Double(
                            bitPattern: UInt64(
                                littleEndian: from.loadUnaligned(fromByteOffset: at &+ 1, as: UInt64.self)))
                    }
                    guard other == 0 else { break }
                    run &+= 8
                }
                while run < limit, from.load(fromByteOffset: 9 &* run, as: UInt8.self) == double {
                    to[run] = Double(
                        bitPattern: UInt64(
                            littleEndian: from.loadUnaligned(fromByteOffset: 9 &* run &+ 1, as: UInt64.self)))
                    run &+= 1
                }
                n += run
                offset += 9 * run
            }
            if let kindBase {
                // A run of ints (x as step counts), decoded with nothing else live in the loop.
                let intTag = ValueCodec.Tag.int.rawValue
                // Values to decode one by one before trying a block again (after a block that
                // did not hold 8 ints of one length): bounds the cost of mixed lengths.
                var single = 0
                while n < room, end - offset >= 11, base.load(fromByteOffset: offset, as: UInt8.self) == intTag {
                    if single == 0 {
                        let decoded = Self.decodeIntBlocks(
                            base, from: offset, to: end, into: dst + n, kinds: kindBase + n, room: room - n)
                        if decoded.values > 0 {
                            n += decoded.values
                            offset = decoded.offset
                            continue
                        }
                        single = 8
                    }
                    single -= 1
                    var z: UInt64 = 0
                    var shift: UInt64 = 0
                    var p = offset + 1
                    // Varints of 1 to 3 bytes (|value| < 2^20, steps) taken from one word, by a
                    // branch per length (predictable in a run: lengths change rarely) rather
                    // than per byte; longer ones byte by byte.
                    let word = UInt32(littleEndian: base.loadUnaligned(fromByteOffset: p, as: UInt32.self))
                    if word & 0x80_8080 == 0x00_8080 {
                        z = UInt64(word & 0x7f | (word &>> 1) & 0x3f80 | (word &>> 2) & 0x1f_c000)
                        p &+= 3
                    } else if word & 0x80 == 0 {
                        z = UInt64(word & 0x7f)
                        p &+= 1
                    } else if word & 0x8080 == 0x0080 {
                        z = UInt64(word & 0x7f | (word &>> 1) & 0x3f80)
                        p &+= 2
                    } else {
                        while true {
                            let byte = base.load(fromByteOffset: p, as: UInt8.self)
                            z |= UInt64(byte & 0x7f) &<< shift
                            p += 1
                            if byte < 0x80 { break }
                            // at most 10 bytes (64 bits): within the 11 checked above
                            guard shift < 63 else { throw ValueCodec.DecodeError(offset: offset) }
                            shift += 7
                        }
                    }
                    dst[n] = Double(Int64(bitPattern: (z &>> 1) ^ (0 &- (z & 1))))
                    kindBase[n] = TraceColumns.Kind.int.rawValue
                    n += 1
                    offset = p
                }
            }
            while offset < end, n < room {
                let tag = base.load(fromByteOffset: offset, as: UInt8.self)
                if tag == ValueCodec.Tag.double.rawValue {
                    guard offset + 9 <= end else { throw ValueCodec.DecodeError(offset: offset) }
                    let bits = base.loadUnaligned(fromByteOffset: offset + 1, as: UInt64.self)
                    dst[n] = Double(bitPattern: UInt64(littleEndian: bits))
                    kindBase?[n] = TraceColumns.Kind.float.rawValue
                    offset += 9
                } else if tag == ValueCodec.Tag.int.rawValue, let kindBase {
                    var z: UInt64 = 0
                    var shift: UInt64 = 0
                    var byte: UInt8 = 0x80
                    offset += 1
                    while byte & 0x80 != 0 {
                        guard offset < end, shift < 64 else { throw ValueCodec.DecodeError(offset: offset) }
                        byte = base.load(fromByteOffset: offset, as: UInt8.self)
                        z |= UInt64(byte & 0x7f) << shift
                        shift += 7
                        offset += 1
                    }
                    dst[n] = Double(Int64(bitPattern: (z >> 1) ^ (0 &- (z & 1))))
                    kindBase[n] = TraceColumns.Kind.int.rawValue
                } else {
                    break
                }
                n += 1
            }
            return offset
        }

        /// Decodes blocks of 8 ints whose varints all have the length of the first one's (1 to
        /// 4 bytes: |value| < 2^27, steps) from `start`, into `dst` and `kinds` (room for
        /// `room` values); returns how many values it decoded and the offset after them. The
        /// records of a block are at a fixed stride, so each is read from one 64-bit word
        /// without waiting for the previous one's length, and their tags and lengths are
        /// checked together once per block; a block that fails the check is not counted (what
        /// it wrote in `dst` is room, overwritten later).
        @inline(__always)
        private static func decodeIntBlocks(
            _ base: UnsafeRawPointer, from start: Int, to end: Int, into dst: UnsafeMutablePointer<Double>,
            kinds: UnsafeMutablePointer<UInt8>, room: Int
        ) -> (values: Int, offset: Int) {
            let first = UInt64(littleEndian: base.loadUnaligned(fromByteOffset: start, as: UInt64.self))
            // The varint's length: its bytes (after the tag) up to the first without 0x80.
            let length = ((~first & 0x80_8080_8000) | 1 << 47).trailingZeroBitCount / 8
            guard length <= 4 else { return (0, start) }
            if length == 3 { return decodeInt3Blocks(base, from: start, to: end, into: dst, kinds: kinds, room: room) }
            let stride = length + 1
            // Tag byte, then `length` bytes: all but the last with 0x80 set, the last without.
            let record: UInt64 = 1 &<< UInt64(8 * stride) &- 1
            let varint: UInt64 = 1 &<< UInt64(8 * length) &- 1
            let checked: UInt64 = record & ~0x7f7f_7f7f_7f00
            let expected: UInt64 = UInt64(ValueCodec.Tag.int.rawValue) | (0x80_8080_8000 & varint)
            let payload: UInt64 = record & 0x7f7f_7f7f_00
            var done = 0
            while done &+ 8 <= room, start &+ (done &+ 7) &* stride &+ 8 <= end {
                let from = base + (start &+ done &* stride)
                var bad: UInt64 = 0
                for j in 0..<8 {
                    let w = UInt64(littleEndian: from.loadUnaligned(fromByteOffset: j &* stride, as: UInt64.self))
                    bad |= (w & checked) ^ expected
                    let v = w & payload
                    let z = (v &>> 8) & 0x7f | (v &>> 9) & 0x3f80 | (v &>> 10) & 0x1f_c000 | (v &>> 11) & 0xfe0_0000
                    dst[done &+ j] = Double(Int64(bitPattern: (z &>> 1) ^ (0 &- (z & 1))))
                }
                guard bad == 0 else { break }
                UnsafeMutableRawPointer(kinds + done).storeBytes(
                    of: UInt64(TraceColumns.Kind.int.rawValue) &* 0x0101_0101_0101_0101, as: UInt64.self)
                done &+= 8
            }
            return (done, start &+ done &* stride)
        }

        /// `decodeIntBlocks` for varints of 3 bytes (2^13 <= |value| < 2^20: the steps of a
        /// long run), the records 4 bytes apart: two records per 64-bit word, both decoded by
        /// the same operations (SIMD within a register), and made doubles without a conversion
        /// instruction: the bits of 2^52 + 2^31 + value, minus 2^52 + 2^31, are exactly value.
        @inline(__always)
        private static func decodeInt3Blocks(
            _ base: UnsafeRawPointer, from start: Int, to end: Int, into dst: UnsafeMutablePointer<Double>,
            kinds: UnsafeMutablePointer<UInt8>, room: Int
        ) -> (values: Int, offset: Int) {
            let tag = UInt64(ValueCodec.Tag.int.rawValue)
            let expected: UInt64 = (0x0080_8000 | tag) &* 0x1_0000_0001
            let bias = Double(bitPattern: 0x4330_0000_8000_0000)  // 2^52 + 2^31
            var done = 0
            while done &+ 8 <= room, start &+ (done &+ 8) &* 4 <= end {
                let from = base + (start &+ done &* 4)
                let out = UnsafeMutableRawPointer(dst + done)
                var bad: UInt64 = 0
                for j in 0..<4 {
                    let w = UInt64(littleEndian: from.loadUnaligned(fromByteOffset: j &* 8, as: UInt64.self))
                    bad |= (w & 0x8080_80FF_8080_80FF) ^ expected
                    let x = w &>> 8
                    let z = x & 0x7f_0000_007f | (x &>> 1) & 0x3f80_0000_3f80 | (x &>> 2) & 0x1f_c000_001f_c000
                    // zigzag decoded, each lane's sign bit flipped (value + 2^31)
                    let u =
                        ((z &>> 1) & 0x7fff_ffff_7fff_ffff) ^ ((z & 0x1_0000_0001) &* 0xffff_ffff)
                        ^ 0x8000_0000_8000_0000
                    out.storeBytes(
                        of: Double(bitPattern: 0x4330_0000_0000_0000 | u & 0xffff_ffff) - bias, toByteOffset: j &* 16,
                        as: Double.self)
                    out.storeBytes(
                        of: Double(bitPattern: 0x4330_0000_0000_0000 | u &>> 32) - bias, toByteOffset: j &* 16 &+ 8,
                        as: Double.self)
                }
                guard bad == 0 else { break }
                UnsafeMutableRawPointer(kinds + done).storeBytes(
                    of: UInt64(TraceColumns.Kind.int.rawValue) &* 0x0101_0101_0101_0101, as: UInt64.self)
                done &+= 8
            }
            return (done, start &+ done &* 4)
        }

        func finish() -> TraceColumns.Column { TraceColumns.Column(values: values, kinds: kinds) }
    }
}
