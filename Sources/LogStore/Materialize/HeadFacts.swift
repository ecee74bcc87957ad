/// What a listing needs from a head (its type, title, traces and point series), read from
/// the head's encoded bytes without building the pane: decoding whole heads was more than half
/// of a listing's time. Equal, field by field, to what `WindowSummary` and `PointSeries.of`
/// compute from the decoded head (`ListingTests` compares the two on every head it lists):
/// keys are matched by their bytes, as `PyDict` matches them, and a repeated key keeps its last
/// value, as decoding into a `PyDict` does.
///
/// Bytes that `ValueCodec.decodePane` rejects are rejected here too, with a
/// `ValueCodec.DecodeError`: every value is read or stepped over with the decoder's checks (tags,
/// varints, lengths and counts within the bytes, a series reference's id and kind); bytes after
/// the head's value are ignored, as the decoder ignores them. Nothing is read outside `bytes`.
struct HeadFacts {
    /// The pane's `type`, if it is a string.
    var type: String?
    /// The pane's `title`, if it is a string.
    var title: String?
    /// The pane's `content` read as one point source (an image history's images).
    var contentSource: PointSeries.Source?
    /// The number of elements of `content.data`: 0 unless `content` is an object whose `data`
    /// is an array.
    var dataCount = 0
    /// The `type` of `content.data`'s first element, if it is an object whose `type` is a string.
    var firstTraceType: String?
    /// Per element of `content.data` that is an object, in order, its point source if it has
    /// one: its `z` for a heatmap, else its `y`, `x` or `z`, the first that is a point source.
    var traceSources: [PointSeries.Source] = []

    init(_ bytes: UnsafeRawBufferPointer) throws {
        var s = try Scanner(bytes)
        guard try s.enterObject() else {
            try s.skip()
            return
        }
        for _ in 0..<(try s.count()) {
            let key = try s.key()
            if key.is("type") {
                type = try s.stringIfString()
            } else if key.is("title") {
                title = try s.stringIfString()
            } else if key.is("content") {
                contentSource = nil
                dataCount = 0
                firstTraceType = nil
                traceSources = []
                if try s.enterObject() {
                    try content(&s)
                } else {
                    contentSource = try s.source()
                }
            } else {
                try s.skip()
            }
        }
    }

    /// Reads the entries of `content` (an object, its tag consumed).
    private mutating func content(_ s: inout Scanner) throws {
        for _ in 0..<(try s.count()) {
            guard try s.key().is("data") else {
                try s.skip()
                continue
            }
            dataCount = 0
            firstTraceType = nil
            traceSources = []
            guard try s.enterArray() else {
                try s.skip()
                continue
            }
            let n = try s.count()
            dataCount = n
            traceSources.reserveCapacity(n)
            for i in 0..<n {
                guard try s.enterObject() else {
                    try s.skip()
                    continue
                }
                try trace(&s, first: i == 0)
            }
        }
    }

    /// Reads the entries of one trace (an object, its tag consumed).
    private mutating func trace(_ s: inout Scanner, first: Bool) throws {
        var isHeatmap = false
        var x: PointSeries.Source?
        var y: PointSeries.Source?
        var z: PointSeries.Source?
        for _ in 0..<(try s.count()) {
            let key = try s.key()
            if key.is("type") {
                if first {
                    let type = try s.stringIfString()
                    isHeatmap = type == "heatmap"
                    firstTraceType = type
                } else {
                    isHeatmap = try s.stringIsHeatmap()
                }
            } else if key.is("x") {
                x = try s.source()
            } else if key.is("y") {
                y = try s.source()
            } else if key.is("z") {
                z = try s.source()
            } else {
                try s.skip()
            }
        }
        if let source = isHeatmap ? z : y ?? x ?? z { traceSources.append(source) }
    }

    /// The summary's type: the pane's type (`?` if it has none), for plots `plot/` and the
    /// first trace's type.
    var summaryType: String {
        let type = self.type ?? "?"
        if type == "plot", let t = firstTraceType { return "plot/\(t)" }
        return type
    }

    /// Traces as `WindowSummary.traces` counts them: those of a plot's `content.data`.
    var traceCount: Int { type == "plot" ? dataCount : 0 }

    /// `PointSeries.of(head)`.
    var pointSources: [PointSeries.Source] {
        switch type {
        case "image_history"?: contentSource.map { [$0] } ?? []
        case "plot"?: traceSources
        default: []
        }
    }
}

/// An object key's bytes, within the scanned bytes.
private struct Key {
    let start: UnsafePointer<UInt8>
    let count: Int

    /// Whether the key's bytes are `name`'s bytes: compared as one or two (overlapping)
    /// 4-byte words for names of 4 to 8 bytes, else byte by byte.
    @inline(__always)
    func `is`(_ name: StaticString) -> Bool {
        let n = name.utf8CodeUnitCount
        guard count == n else { return false }
        let a = UnsafeRawPointer(start)
        let b = UnsafeRawPointer(name.utf8Start)
        if n >= 4 && n <= 8 {
            return a.loadUnaligned(as: UInt32.self) == b.loadUnaligned(as: UInt32.self)
                && a.loadUnaligned(fromByteOffset: n - 4, as: UInt32.self)
                    == b.loadUnaligned(fromByteOffset: n - 4, as: UInt32.self)
        }
        for i in 0..<n where start[i] != name.utf8Start[i] { return false }
        return true
    }
}

/// Reads encoded values (`ValueCodec`) front to back with the checks of `ValueCodec.Reader`'s
/// `pane()`: every read is bounds-checked against `end` and throws `ValueCodec.DecodeError`
/// on bytes the decoder rejects.
private struct Scanner {
    let base: UnsafePointer<UInt8>
    /// The number of bytes.
    let end: Int
    /// The next byte to read, `0...end`.
    var offset = 0

    /// Throws on empty bytes, which hold no value.
    init(_ bytes: UnsafeRawBufferPointer) throws {
        guard let start = bytes.baseAddress, bytes.count > 0 else { throw ValueCodec.DecodeError(offset: 0) }
        base = start.assumingMemoryBound(to: UInt8.self)
        end = bytes.count
    }

    private func error() -> ValueCodec.DecodeError { ValueCodec.DecodeError(offset: offset) }

    /// Consumes the next tag if it is `tag`; otherwise (an unknown tag included) consumes nothing.
    @inline(__always)
    private mutating func enter(_ tag: ValueCodec.Tag) throws -> Bool {
        guard offset < end else { throw error() }
        guard base[offset] == tag.rawValue else { return false }
        offset &+= 1
        return true
    }

    /// Consumes the next tag if it is the object tag (its count follows).
    @inline(__always)
    mutating func enterObject() throws -> Bool { try enter(.object) }

    /// Consumes the next tag if it is the array tag (its count follows).
    @inline(__always)
    mutating func enterArray() throws -> Bool { try enter(.array) }

    /// A count or a length: a varint no greater than the bytes left.
    @inline(__always)
    mutating func count() throws -> Int { try ValueCodec.count(base, end, &offset) }

    /// An object's next key.
    @inline(__always)
    mutating func key() throws -> Key {
        let n = try count()
        let key = Key(start: base + offset, count: n)
        offset &+= n
        return key
    }

    /// The next value's bytes if it is a string, else nil, stepping over it.
    @inline(__always)
    private mutating func stringBytes() throws -> Key? {
        guard offset < end else { throw error() }
        guard base[offset] == ValueCodec.Tag.string.rawValue else {
            try skip()
            return nil
        }
        offset &+= 1
        return try key()
    }

    /// The next value as a string if it is one (decoded as `String(decoding:as:)` decodes it,
    /// as the decoder does), else nil, stepping over it.
    mutating func stringIfString() throws -> String? {
        guard let key = try stringBytes() else { return nil }
        if key.is("plot") { return "plot" }
        if key.is("scatter") { return "scatter" }
        return String(decoding: UnsafeBufferPointer(start: key.start, count: key.count), as: UTF8.self)
    }

    /// Whether the next value is a string equal to `"heatmap"` (as a `String` compares), stepping
    /// over it.
    mutating func stringIsHeatmap() throws -> Bool {
        guard let key = try stringBytes() else { return false }
        if key.is("heatmap") { return true }
        // Bytes other than "heatmap"'s may still decode to a String equal to it unless all ASCII.
        let bytes = UnsafeBufferPointer(start: key.start, count: key.count)
        var ascii = true
        for b in bytes where b >= 0x80 { ascii = false }
        if ascii { return false }
        return String(decoding: bytes, as: UTF8.self) == "heatmap"
    }

    /// The next value as a point source (a list series, or an inline array counted by its
    /// length), or nil, stepping over it.
    mutating func source() throws -> PointSeries.Source? {
        guard offset < end else { throw error() }
        switch base[offset] {
        case ValueCodec.Tag.series.rawValue:
            offset &+= 1
            let slot = try Self.series(base, end, &offset)
            return slot.kind == .list ? .series(slot.id) : nil
        case ValueCodec.Tag.array.rawValue:
            offset &+= 1
            let n = try count()
            for _ in 0..<n { try skip() }
            return .inline(n)
        default:
            try skip()
            return nil
        }
    }

    /// Steps over one value: a string, null or a bool here, any other by `skipValue()`.
    @inline(__always)
    mutating func skip() throws {
        if offset < end {
            let tag = base[offset]
            if tag == ValueCodec.Tag.string.rawValue {
                offset &+= 1
                offset &+= try count()
                return
            }
            if tag <= ValueCodec.Tag.trueValue.rawValue {
                offset &+= 1
                return
            }
        }
        try skipValue()
    }

    /// Steps over one value.
    @inline(never)
    private mutating func skipValue() throws { try Self.skip(base, end, &offset) }

    // The primitives read at `i` in `base[0..<end]` and advance it.

    /// A series reference's payload, as the decoder reads it (`ValueCodec.seriesSlot`).
    @inline(__always)
    static func series(_ base: UnsafePointer<UInt8>, _ end: Int, _ i: inout Int) throws -> SeriesSlot {
        guard let slot = try ValueCodec.seriesSlot(base, end, &i) else { throw ValueCodec.DecodeError(offset: i) }
        return slot
    }

    /// Steps over one value: a scalar or a string here, an array or an object by
    /// `skipContainer`.
    @inline(__always)
    static func skip(_ base: UnsafePointer<UInt8>, _ end: Int, _ i: inout Int) throws {
        guard i < end else { throw ValueCodec.DecodeError(offset: i) }
        let tag = base[i]
        i &+= 1
        switch tag {
        case ValueCodec.Tag.null.rawValue, ValueCodec.Tag.falseValue.rawValue, ValueCodec.Tag.trueValue.rawValue:
            break
        case ValueCodec.Tag.int.rawValue:
            _ = try ValueCodec.varint(base, end, &i)
        case ValueCodec.Tag.double.rawValue:
            guard end &- i >= 8 else { throw ValueCodec.DecodeError(offset: i) }
            i &+= 8
        case ValueCodec.Tag.string.rawValue, ValueCodec.Tag.bigInt.rawValue:
            i &+= try ValueCodec.count(base, end, &i)
        case ValueCodec.Tag.array.rawValue, ValueCodec.Tag.object.rawValue:
            try skipContainer(tag, base, end, &i)
        case ValueCodec.Tag.series.rawValue:
            _ = try series(base, end, &i)
        default:
            throw ValueCodec.DecodeError(offset: i &- 1)
        }
    }

    /// Steps over an array's or an object's count and entries, its tag consumed.
    @inline(never)
    private static func skipContainer(_ tag: UInt8, _ base: UnsafePointer<UInt8>, _ end: Int, _ at: inout Int) throws {
        var i = at
        let n = try ValueCodec.count(base, end, &i)
        if tag == ValueCodec.Tag.array.rawValue {
            for _ in 0..<n { try skip(base, end, &i) }
        } else {
            for _ in 0..<n {
                i &+= try ValueCodec.count(base, end, &i)
                try skip(base, end, &i)
            }
        }
        at = i
    }
}
