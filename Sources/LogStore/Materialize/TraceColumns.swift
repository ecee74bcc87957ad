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
        case float = 0, int = 1, null = 2, other = 3
    }

    public struct Column: Sendable, Equatable {
        public var values: [Double]
        /// One `Kind.rawValue` per value; nil when every value is a float.
        public var kinds: [UInt8]?
        public init(values: [Double] = [], kinds: [UInt8]? = nil) {
            self.values = values
            self.kinds = kinds
        }
    }

    /// The trace's `name` (usually a string), nil if it has none.
    public let name: JSONValue?
    /// nil when the trace has no `x` (or `y`) or it is not a list.
    public let x: Column?
    public let y: Column?
}

extension LogStore {
    /// The traces of window `wid` of env `name` (the objects of its `content.data`, in order),
    /// as of `asOf` (nil: now). A window without `content.data` (text, image) has none.
    public func traces(env name: String, window wid: String, asOf: Int64? = nil) throws(LogStoreError) -> [TraceColumns] {
        try read(asOf: asOf) { db, bound in
            let catalog = Catalog(db: db, asOf: bound)
            guard let env = try catalog.env(name) else { throw LogStoreError.noSuchEnv(name) }
            guard let row = try catalog.window(wid, env: env) else { throw LogStoreError.noSuchWindow(env: name, window: wid) }
            guard let head = try catalog.head(row.windowID) else { throw StoreInvariantError("window \(wid) has no head") }
            guard case .array(let data)? = head.objectValue?["content"]?.objectValue?["data"] else { return [] }
            var wanted: [Int64] = []
            for case .object(let trace) in data {
                for key in ["x", "y"] { if case .series(let slot)? = trace[key] { wanted.append(slot.id) } }
            }
            let segments = try WindowSegments(db, window: row.windowID, asOf: bound, series: wanted)
            return try data.map { trace in
                let o = trace.objectValue
                return TraceColumns(name: o?["name"]?.plainJSON,
                                    x: try TraceColumnReader.column(o?["x"], segments),
                                    y: try TraceColumnReader.column(o?["y"], segments))
            }
        }
    }
}

/// Decodes lists of values into `TraceColumns.Column`s.
enum TraceColumnReader {
    static func column(_ value: PaneValue?, _ segments: WindowSegments) throws -> TraceColumns.Column? {
        switch value {
        case .series(let slot)?:
            guard let s = segments.series[slot.id] else { return TraceColumns.Column() }
            var column = Builder(capacity: Int(s.total))
            for p in s.prepended.reversed() { try p.withUnsafeBytes { try column.decode($0) } }
            try s.appended.withUnsafeBytes { try column.decode($0) }
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

    /// Values and kinds being filled; kinds are materialized at the first non-float.
    struct Builder {
        var values: [Double] = []
        var kinds: [UInt8]? = nil

        init(capacity: Int) { values.reserveCapacity(capacity) }

        mutating func append(_ v: Double, _ kind: TraceColumns.Kind) {
            if kind != .float && kinds == nil {
                kinds = [UInt8](repeating: TraceColumns.Kind.float.rawValue, count: values.count)
                kinds!.reserveCapacity(values.capacity)
            }
            values.append(v)
            kinds?.append(kind.rawValue)
        }

        /// Appends the values encoded back to back in `bytes` (a segment's `data`). Floats, the
        /// common case, are read in a tight loop; everything else goes through `ValueCodec.Reader`.
        mutating func decode(_ bytes: UnsafeRawBufferPointer) throws {
            let float = ValueCodec.Tag.double.rawValue
            var offset = 0
            let end = bytes.count
            while offset < end {
                if bytes[offset] == float, kinds == nil {
                    guard offset + 9 <= end else { throw ValueCodec.DecodeError(offset: offset) }
                    let bits = bytes.loadUnaligned(fromByteOffset: offset + 1, as: UInt64.self)
                    values.append(Double(bitPattern: UInt64(littleEndian: bits)))
                    offset += 9
                    continue
                }
                var r = ValueCodec.Reader(UnsafeRawBufferPointer(rebasing: bytes[offset...]))
                switch ValueCodec.Tag(rawValue: bytes[offset]) {
                case .double, .int:
                    let isInt = bytes[offset] == ValueCodec.Tag.int.rawValue
                    append(try r.number().value!, isInt ? .int : .float)
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

        func finish() -> TraceColumns.Column { TraceColumns.Column(values: values, kinds: kinds) }
    }
}
