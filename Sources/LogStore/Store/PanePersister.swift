/// Turns a pane after the rules ran into rows: pending series operations become segments,
/// arrays that arrived with the message become new series, and what is left is the head.
///
/// Invariant: the returned head holds only `.series` references without pending operations,
/// and resolving them as of `epoch` gives back the pane it was given.
struct PanePersister {
    let series: SeriesStore
    let window: Int64
    let epoch: Int64

    /// `consuming`: the pane the rules built is taken apart in place; a pane still shared
    /// with its caller would be copied, container by container, on the way to its series.
    func persist(_ pane: consuming PaneValue) throws -> PaneValue {
        var head = consume pane
        // Series met so far: a handful per pane, so a list (a Set hashed each id and
        // allocated its storage for every message).
        var seen: [Int64] = []
        // Pending operations are written after the walk: until then the stored series are as
        // the rules saw them, so a copy made below resolves the same as the original.
        var writes: [(id: Int64, ops: [SeriesSlot.Operation])] = []
        try SeriesPositions.forEach(in: &head) { value, kind in
            switch value {
            case .series(var slot) where !seen.contains(slot.id):
                seen.append(slot.id)
                if !slot.pending.isEmpty {
                    writes.append((slot.id, slot.pending))
                    slot.pending = []
                    value = .series(slot)
                }
            case .series(let slot):
                // The same series reached two positions: give this one its own copy.
                value = try newSeries(try slot.resolve(series), kind)
            case .array(let items) where !value.holdsSeries:
                value = try newSeries(items, kind)
            case .array, .string:
                value = try newSeries(try value.json(resolving: series), kind)
            default:
                break
            }
        }
        try series.write(writes, window: window, epoch: epoch)
        // contentID is derived on read from the window's last change (see Materializer), so a
        // new random id does not make a new head version.
        if case .object(var o) = head, o.contains("contentID") {
            head = .null
            o["contentID"] = .null
            head = .object(o)
        }
        return head
    }

    private func newSeries(_ value: JSONValue, _ kind: SeriesSlot.Kind) throws -> PaneValue {
        switch value {
        case .array(let a): return try newSeries(a.map(PaneValue.init), kind)
        case .string(let s): return try newSeries(s.isEmpty ? [] : [.string(s)], kind)
        default: return try newSeries([PaneValue(value)], kind)
        }
    }

    /// A new series holding `values`, which are plain JSON (no series inside).
    private func newSeries(_ values: [PaneValue], _ kind: SeriesSlot.Kind) throws -> PaneValue {
        let id = try series.create(window: window, kind: kind, epoch: epoch)
        guard let op = SeriesSlot.Operation(prepend: false, plain: values) else {
            throw StoreInvariantError("a new series of window \(window) would hold a series")
        }
        try series.write([op], to: id, window: window, epoch: epoch)
        return .series(SeriesSlot(id: id, kind: kind))
    }
}
