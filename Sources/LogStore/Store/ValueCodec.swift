/// LogStore's value encoding: how heads and segment values are stored in blobs.
///
/// Each value is one tag byte and its payload (docs/FORMAT.md, "Value encoding"):
///
///     0x00 null        0x01 false        0x02 true
///     0x03 int         zigzag LEB128 varint of the Int64
///     0x04 float       8 bytes, little-endian IEEE-754 bit pattern (NaN, ±Infinity, -0.0 exact)
///     0x05 string      varint byte length, UTF-8 bytes (NUL allowed)
///     0x06 big int     varint length, ASCII digits with optional '-'
///     0x07 array       varint count, that many values
///     0x08 object      varint count, then count × (varint key length, key UTF-8, value)
///     0x09 series ref  varint series_id, 1 byte kind (heads only)
///
/// A segment's `data` is its `count` values back to back. Blobs, unlike SQLite REAL columns,
/// keep NaN distinct from NULL; tags keep ints and floats apart.
enum ValueCodec {
    enum Tag: UInt8 {
        case null = 0
        case falseValue = 1
        case trueValue = 2
        case int = 3
        case double = 4
        case string = 5
        case bigInt = 6
        case array = 7
        case object = 8
        case series = 9
    }

    struct DecodeError: Error, CustomStringConvertible {
        let offset: Int
        var description: String { "corrupt value encoding at byte \(offset)" }
    }

    // MARK: encoding

    // The two trees encode their common cases through the same primitives (`putInt`,
    // `putDouble`, `putBytes`, `putArray`, `putObject`), so equal values give equal bytes.

    static func encode(_ v: JSONValue, into out: inout [UInt8]) {
        switch v {
        case .null: out.append(Tag.null.rawValue)
        case .bool(let b): out.append(b ? Tag.trueValue.rawValue : Tag.falseValue.rawValue)
        case .int(let i): putInt(i, &out)
        case .double(let d): putDouble(d, &out)
        case .string(let s): putBytes(.string, s, &out)
        case .bigInt(let s): putBytes(.bigInt, s, &out)
        case .array(let a): putArray(a, &out, encode)
        case .object(let o): putObject(o, &out, encode)
        }
    }

    static func encode(_ v: PaneValue, into out: inout [UInt8]) {
        switch v {
        case .null: out.append(Tag.null.rawValue)
        case .bool(let b): out.append(b ? Tag.trueValue.rawValue : Tag.falseValue.rawValue)
        case .int(let i): putInt(i, &out)
        case .double(let d): putDouble(d, &out)
        case .string(let s): putBytes(.string, s, &out)
        case .bigInt(let s): putBytes(.bigInt, s, &out)
        case .array(let a): putArray(a, &out, encode)
        case .object(let o): putObject(o, &out, encode)
        case .series(let slot):
            out.append(Tag.series.rawValue)
            putVarint(UInt64(slot.id), &out)
            out.append(UInt8(slot.kind.rawValue))
        }
    }

    static func encode(_ values: [JSONValue]) -> [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(values.count * 9)
        for v in values { encode(v, into: &out) }
        return out
    }

    /// A segment's `data`: `values` back to back. They must be plain JSON (no `.series`).
    ///
    /// A segment of numbers, null and bools (what a trace's x and y hold) is written in one
    /// pass straight into a buffer large enough for any such values (at most 11 bytes each),
    /// with the same bytes as `encode(_:into:)` writes (the tests compare the two); at the
    /// first value of another kind, everything goes through `encode(_:into:)` instead.
    static func encodeValues(_ values: [PaneValue]) -> [UInt8] {
        let scalars = values.withUnsafeBufferPointer { values in
            [UInt8](unsafeUninitializedCapacity: values.count * 11) { buffer, written in
                written = 0
                guard let start = buffer.baseAddress else { return }
                var p = start
                for i in values.indices {
                    switch values[i] {
                    case .double(let d):
                        p[0] = Tag.double.rawValue
                        UnsafeMutableRawPointer(p + 1).storeBytes(of: d.bitPattern.littleEndian, as: UInt64.self)
                        p += 9
                    case .int(let i):
                        p[0] = Tag.int.rawValue
                        p += 1
                        var z = UInt64(bitPattern: (i << 1) ^ (i >> 63))
                        while z >= 0x80 {
                            p[0] = UInt8(truncatingIfNeeded: z) | 0x80
                            p += 1
                            z >>= 7
                        }
                        p[0] = UInt8(z)
                        p += 1
                    case .bool(let b):
                        p[0] = b ? Tag.trueValue.rawValue : Tag.falseValue.rawValue
                        p += 1
                    case .null:
                        p[0] = Tag.null.rawValue
                        p += 1
                    default:
                        return  // written stays 0: not all scalars
                    }
                }
                written = start.distance(to: p)
            }
        }
        if scalars.count > 0 || values.isEmpty { return scalars }
        var out: [UInt8] = []
        out.reserveCapacity(values.count * 9)
        for v in values { encode(v, into: &out) }
        return out
    }

    static func encodePane(_ v: PaneValue) -> [UInt8] {
        var out: [UInt8] = []
        encode(v, into: &out)
        return out
    }

    // MARK: decoding

    /// Reads values from a blob: `json()` reads plain JSON (a series reference is an error),
    /// `pane()` a head, series references included.
    struct Reader {
        let bytes: UnsafeRawBufferPointer
        var offset = 0

        init(_ bytes: UnsafeRawBufferPointer) { self.bytes = bytes }

        var atEnd: Bool { offset >= bytes.count }

        mutating func json() throws -> JSONValue {
            let start = offset
            switch try tag() {
            case .null: return .null
            case .falseValue: return .bool(false)
            case .trueValue: return .bool(true)
            case .int:
                let z = try varint()
                return .int(Int64(bitPattern: (z >> 1) ^ (0 &- (z & 1))))
            case .double: return .double(Double(bitPattern: try fixed64()))
            case .string: return .string(try string())
            case .bigInt: return .bigInt(try string())
            case .array:
                let n = try count()
                var a: [JSONValue] = []
                a.reserveCapacity(n)
                for _ in 0..<n { a.append(try json()) }
                return .array(a)
            case .object:
                let n = try count()
                var o = JSONObject()
                o.reserveCapacity(n)
                for _ in 0..<n {
                    let k = try string()
                    o[k] = try json()
                }
                return .object(o)
            case .series: throw DecodeError(offset: start)
            }
        }

        mutating func pane() throws -> PaneValue {
            let start = offset
            guard offset < bytes.count else { throw DecodeError(offset: offset) }
            switch Tag(rawValue: bytes[offset]) {
            case .array:
                offset += 1
                let n = try count()
                var a: [PaneValue] = []
                a.reserveCapacity(n)
                for _ in 0..<n { a.append(try pane()) }
                return .array(a)
            case .object:
                offset += 1
                let n = try count()
                var o = PyDict<PaneValue>()
                o.reserveCapacity(n)
                for _ in 0..<n {
                    let k = try string()
                    o[k] = try pane()
                }
                return .object(o)
            case .series:
                offset += 1
                guard let base = bytes.baseAddress,
                    let slot = try ValueCodec.seriesSlot(base.assumingMemoryBound(to: UInt8.self), bytes.count, &offset)
                else { throw DecodeError(offset: start) }
                return .series(slot)
            default:
                return PaneValue(try json())
            }
        }

        /// Steps over one value without building it.
        mutating func skip() throws {
            switch try tag() {
            case .null, .falseValue, .trueValue: break
            case .int: _ = try varint()
            case .double:
                guard offset + 8 <= bytes.count else { throw DecodeError(offset: offset) }
                offset += 8
            case .string, .bigInt: offset += try count()
            case .array: for _ in 0..<(try count()) { try skip() }
            case .object:
                for _ in 0..<(try count()) {
                    offset += try count()
                    try skip()
                }
            case .series:
                _ = try varint()
                offset += 1
            }
            guard offset <= bytes.count else { throw DecodeError(offset: offset) }
        }

        /// The next value as a number (an int or a float, NaN and infinities included), or
        /// nil; `isString` tells a string apart from the other non-numbers.
        mutating func number() throws -> (value: Double?, isString: Bool) {
            guard offset < bytes.count else { throw DecodeError(offset: offset) }
            switch Tag(rawValue: bytes[offset]) {
            case .double:
                offset += 1
                return (Double(bitPattern: try fixed64()), false)
            case .int:
                offset += 1
                let z = try varint()
                return (Double(Int64(bitPattern: (z >> 1) ^ (0 &- (z & 1)))), false)
            case .string:
                try skip()
                return (nil, true)
            default:
                try skip()
                return (nil, false)
            }
        }

        private mutating func tag() throws -> Tag {
            guard offset < bytes.count, let t = Tag(rawValue: bytes[offset]) else { throw DecodeError(offset: offset) }
            offset += 1
            return t
        }

        /// An unsigned LEB128 varint (lengths and counts here; a pack row's fields, `SegmentPack`).
        mutating func varint() throws -> UInt64 {
            guard let base = bytes.baseAddress else { throw DecodeError(offset: offset) }
            return try ValueCodec.varint(base.assumingMemoryBound(to: UInt8.self), bytes.count, &offset)
        }

        /// A count or a length: a varint no greater than the bytes left.
        mutating func count() throws -> Int {
            guard let base = bytes.baseAddress else { throw DecodeError(offset: offset) }
            return try ValueCodec.count(base.assumingMemoryBound(to: UInt8.self), bytes.count, &offset)
        }

        private mutating func fixed64() throws -> UInt64 {
            guard offset + 8 <= bytes.count else { throw DecodeError(offset: offset) }
            var v: UInt64 = 0
            for i in 0..<8 { v |= UInt64(bytes[offset + i]) << (8 * UInt64(i)) }
            offset += 8
            return v
        }

        private mutating func string() throws -> String {
            let n = try count()
            let s = String(decoding: UnsafeRawBufferPointer(rebasing: bytes[offset..<offset + n]), as: UTF8.self)
            offset += n
            return s
        }
    }

    static func decodeValues(_ bytes: UnsafeRawBufferPointer, into out: inout [JSONValue]) throws {
        var r = Reader(bytes)
        while !r.atEnd { out.append(try r.json()) }
    }

    static func decodeFirst(_ bytes: UnsafeRawBufferPointer) throws -> JSONValue? {
        var r = Reader(bytes)
        return r.atEnd ? nil : try r.json()
    }

    static func decodePane(_ bytes: UnsafeRawBufferPointer) throws -> PaneValue {
        var r = Reader(bytes)
        return try r.pane()
    }

    // MARK: primitives

    /// An unsigned LEB128 varint of at most 10 bytes at `base[i]`, the bytes being
    /// `base[0..<end]`; `i` moves past it. One- to three-byte varints (lengths, counts, series
    /// ids up to 2^21) are read without the loop.
    @inline(__always)
    static func varint(_ base: UnsafePointer<UInt8>, _ end: Int, _ i: inout Int) throws -> UInt64 {
        guard i < end else { throw DecodeError(offset: i) }
        let b = base[i]
        if b < 0x80 {
            i &+= 1
            return UInt64(b)
        }
        if end &- i >= 2 && base[i &+ 1] < 0x80 {
            let v = UInt64(b & 0x7f) | UInt64(base[i &+ 1]) << 7
            i &+= 2
            return v
        }
        return try longVarint(base, end, &i)
    }

    private static func longVarint(_ base: UnsafePointer<UInt8>, _ end: Int, _ i: inout Int) throws -> UInt64 {
        if end &- i >= 3 && base[i] >= 0x80 && base[i &+ 1] >= 0x80 && base[i &+ 2] < 0x80 {
            let v = UInt64(base[i] & 0x7f) | UInt64(base[i &+ 1] & 0x7f) << 7 | UInt64(base[i &+ 2]) << 14
            i &+= 3
            return v
        }
        var result: UInt64 = 0
        var shift: UInt64 = 0
        while true {
            guard i < end, shift < 64 else { throw DecodeError(offset: i) }
            let b = base[i]
            i &+= 1
            result |= UInt64(b & 0x7f) << shift
            if b & 0x80 == 0 { return result }
            shift &+= 7
        }
    }

    /// A series reference's payload at `base[i]`: its id (a varint that fits an Int64), then
    /// its kind byte. Throws where the varint is malformed; nil where the id or the kind is not
    /// one (`i` then stays past the id). `i` moves past the payload.
    @inline(__always)
    static func seriesSlot(_ base: UnsafePointer<UInt8>, _ end: Int, _ i: inout Int) throws -> SeriesSlot? {
        let id = try varint(base, end, &i)
        guard id <= UInt64(Int64.max), i < end, let kind = SeriesSlot.Kind(rawValue: Int(base[i])) else { return nil }
        i &+= 1
        return SeriesSlot(id: Int64(id), kind: kind)
    }

    /// A count or a length at `base[i]`: a varint no greater than the bytes left after it.
    @inline(__always)
    static func count(_ base: UnsafePointer<UInt8>, _ end: Int, _ i: inout Int) throws -> Int {
        let n = try varint(base, end, &i)
        guard n <= UInt64(end &- i) else { throw DecodeError(offset: i) }
        return Int(truncatingIfNeeded: n)
    }

    @inline(__always)
    static func putVarint(_ value: UInt64, _ out: inout [UInt8]) {
        var v = value
        while v >= 0x80 {
            out.append(UInt8(truncatingIfNeeded: v) | 0x80)
            v >>= 7
        }
        out.append(UInt8(v))
    }

    @inline(__always)
    static func putFixed64(_ value: UInt64, _ out: inout [UInt8]) {
        withUnsafeBytes(of: value.littleEndian) { out.append(contentsOf: $0) }
    }

    @inline(__always)
    private static func putInt(_ i: Int64, _ out: inout [UInt8]) {
        out.append(Tag.int.rawValue)
        putVarint(UInt64(bitPattern: (i << 1) ^ (i >> 63)), &out)
    }

    @inline(__always)
    private static func putDouble(_ d: Double, _ out: inout [UInt8]) {
        out.append(Tag.double.rawValue)
        putFixed64(d.bitPattern, &out)
    }

    private static func putArray<T>(_ a: [T], _ out: inout [UInt8], _ element: (T, inout [UInt8]) -> Void) {
        out.append(Tag.array.rawValue)
        putVarint(UInt64(a.count), &out)
        for e in a { element(e, &out) }
    }

    private static func putObject<T>(_ o: PyDict<T>, _ out: inout [UInt8], _ element: (T, inout [UInt8]) -> Void) {
        out.append(Tag.object.rawValue)
        putVarint(UInt64(o.count), &out)
        for (k, e) in o.pairs {
            putString(k, &out)
            element(e, &out)
        }
    }

    private static func putString(_ s: String, _ out: inout [UInt8]) {
        var s = s
        s.withUTF8 { u in
            putVarint(UInt64(u.count), &out)
            out.append(contentsOf: u)
        }
    }

    private static func putBytes(_ tag: Tag, _ s: String, _ out: inout [UInt8]) {
        out.append(tag.rawValue)
        putString(s, &out)
    }
}

extension ValueCodec.Reader {
    /// The tag of the next value, not consumed; nil at the end or on an unknown tag.
    var nextTag: ValueCodec.Tag? { offset < bytes.count ? ValueCodec.Tag(rawValue: bytes[offset]) : nil }

    /// Reads an object entry by entry: `body` gets each key's bytes and must read or skip
    /// exactly that key's value. A value that is not an object is skipped, calling nothing.
    mutating func forEachEntry(_ body: (UnsafeRawBufferPointer, inout Self) throws -> Void) throws {
        guard nextTag == .object else { return try skip() }
        offset += 1
        for _ in 0..<(try count()) {
            let n = try count()
            let key = UnsafeRawBufferPointer(rebasing: bytes[offset..<offset + n])
            offset += n
            try body(key, &self)
        }
    }

    /// Reads an array element by element: `body` must read or skip exactly one value. A value
    /// that is not an array is skipped, calling nothing.
    mutating func forEachElement(_ body: (inout Self) throws -> Void) throws {
        guard nextTag == .array else { return try skip() }
        offset += 1
        for _ in 0..<(try count()) { try body(&self) }
    }
}
