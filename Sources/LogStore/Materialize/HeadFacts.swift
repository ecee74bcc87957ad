/// What a listing needs from a head (its type, title, traces and point series), read from
/// the head's encoded bytes without building the pane: decoding whole heads was more than half
/// of a listing's time. Equal, field by field, to what `WindowSummary` and `PointSeries.of`
/// compute from the decoded head (`ListingTests` compares the two on every head it lists):
/// keys are matched by their bytes, as `PyDict` matches them, and a repeated key keeps its last
/// value, as decoding into a `PyDict` does.
struct HeadFacts {
    /// The pane's `type`, if it is a string.
    var type: String?
    /// The pane's `title`, if it is a string.
    var title: String?
    /// The pane's `content` read as one point source (an image history's images).
    var contentSource: PointSeries.Source?
    /// The traces of `content.data`, if `content` is an object whose `data` is an array.
    var traces: [Trace]?

    struct Trace {
        /// False for an element of `data` that is not an object.
        var isObject = false
        var type: String?
        var x, y, z: PointSeries.Source?
    }

    init(_ bytes: UnsafeRawBufferPointer) throws {
        var r = ValueCodec.Reader(bytes)
        try r.forEachEntry { key, r in
            if Self.equal(key, "type") {
                type = try r.pane().stringValueIfString
            } else if Self.equal(key, "title") {
                title = try r.pane().stringValueIfString
            } else if Self.equal(key, "content") {
                contentSource = nil
                traces = nil
                if r.nextTag == .object {
                    try r.forEachEntry { key, r in
                        guard Self.equal(key, "data") else { return try r.skip() }
                        traces = nil
                        guard r.nextTag == .array else { return try r.skip() }
                        var list: [Trace] = []
                        try r.forEachElement { r in list.append(try Self.trace(&r)) }
                        traces = list
                    }
                } else {
                    contentSource = try Self.source(&r)
                }
            } else {
                try r.skip()
            }
        }
    }

    /// The summary's type: the pane's type (`?` if it has none), for plots `plot/` and the
    /// first trace's type.
    var summaryType: String {
        let type = self.type ?? "?"
        if type == "plot", let traces, let t = traces.first?.type { return "plot/\(t)" }
        return type
    }

    /// Traces as `WindowSummary.traces` counts them: those of a plot's `content.data`.
    var traceCount: Int { type == "plot" ? traces?.count ?? 0 : 0 }

    /// `PointSeries.of(head)`.
    var pointSources: [PointSeries.Source] {
        switch type {
        case "image_history"?:
            return contentSource.map { [$0] } ?? []
        case "plot"?:
            return (traces ?? []).compactMap { t in
                guard t.isObject else { return nil }
                if t.type == "heatmap" { return t.z }
                return t.y ?? t.x ?? t.z
            }
        default:
            return []
        }
    }

    private static func trace(_ r: inout ValueCodec.Reader) throws -> Trace {
        var t = Trace()
        guard r.nextTag == .object else {
            try r.skip()
            return t
        }
        t.isObject = true
        try r.forEachEntry { key, r in
            if equal(key, "type") {
                t.type = try r.pane().stringValueIfString
            } else if equal(key, "x") {
                t.x = try source(&r)
            } else if equal(key, "y") {
                t.y = try source(&r)
            } else if equal(key, "z") {
                t.z = try source(&r)
            } else {
                try r.skip()
            }
        }
        return t
    }

    /// A value as a point source: a list series, or an inline array counted by its length.
    private static func source(_ r: inout ValueCodec.Reader) throws -> PointSeries.Source? {
        switch r.nextTag {
        case .series:
            guard case .series(let slot) = try r.pane(), slot.kind == .list else { return nil }
            return .series(slot.id)
        case .array:
            var n = 0
            try r.forEachElement { r in
                n += 1
                try r.skip()
            }
            return .inline(n)
        default:
            try r.skip()
            return nil
        }
    }

    @inline(__always)
    private static func equal(_ key: UnsafeRawBufferPointer, _ name: StaticString) -> Bool {
        guard key.count == name.utf8CodeUnitCount else { return false }
        for i in 0..<key.count where key[i] != name.utf8Start[i] { return false }
        return true
    }
}
