/// Decoded heads on the writer's connection, by window. visdom's update rules start from the
/// window's head, so every append to a window decoded the same head bytes into the same pane
/// again: a third of the writer's instructions for a one-point append.
///
/// Invariant: `pane(window:bytes:)` returns exactly `ValueCodec.decodePane(bytes)`. An entry
/// is used only when the bytes just read from the store are equal to the bytes it was decoded
/// from, so nothing that happens between two epochs (a rolled-back job, a window id reused
/// after one, another process writing the file) can make it stale; the window id only says
/// where to look. Used only by whoever owns the writer's connection (see `Writer`).
final class HeadCache {
    private var entries: [Int64: (bytes: [UInt8], pane: PaneValue)] = [:]
    /// Entries kept at most; all are dropped when a new one would exceed it.
    let capacity: Int

    init(capacity: Int = 256) { self.capacity = capacity }

    var count: Int { entries.count }

    /// The pane that `bytes`, the head of `window` just read from the store, decode to.
    func pane(window: Int64, bytes: [UInt8]) throws -> PaneValue {
        if let entry = entries[window], entry.bytes == bytes { return entry.pane }
        let pane = try bytes.withUnsafeBytes { try ValueCodec.decodePane($0) }
        if entries[window] == nil && entries.count >= capacity { entries.removeAll(keepingCapacity: true) }
        entries[window] = (bytes, pane)
        return pane
    }
}

extension ValueCodec {
    /// Whether `encodePane(a) == encodePane(b)`, found without encoding either: the same cases
    /// with the same payloads, floats by bit pattern (NaN equals itself, -0.0 differs from 0.0),
    /// strings and keys by their UTF-8 bytes (not Swift's canonical equivalence), objects in
    /// the same key order, series by id and kind (pending operations are not encoded). The
    /// encoding is one tag and a length-prefixed or fixed payload per value, so equal
    /// encodings mean exactly this.
    static func sameEncoding(_ a: PaneValue, _ b: PaneValue) -> Bool {
        switch (a, b) {
        case (.null, .null): return true
        case (.bool(let x), .bool(let y)): return x == y
        case (.int(let x), .int(let y)): return x == y
        case (.bigInt(let x), .bigInt(let y)), (.string(let x), .string(let y)): return ExactKey.equal(x, y)
        case (.double(let x), .double(let y)): return x.bitPattern == y.bitPattern
        case (.array(let x), .array(let y)):
            return sameElements(x, y)
        case (.object(let x), .object(let y)):
            // After an append the keys are usually the loaded pane's own buffer: then only the
            // values need a look.
            guard sharesStorage(x.keys, y.keys) || x.keys.elementsEqual(y.keys, by: ExactKey.equal) else { return false }
            return sameElements(x.values, y.values)
        case (.series(let x), .series(let y)): return x.id == y.id && x.kind == y.kind
        default: return false
        }
    }

    /// Element by element, with an index loop: this runs on every append, and the closure
    /// `zip(...).allSatisfy` built for each pair cost more than most comparisons themselves.
    private static func sameElements(_ x: [PaneValue], _ y: [PaneValue]) -> Bool {
        if sharesStorage(x, y) { return true }
        guard x.count == y.count else { return false }
        for i in x.indices where !sameEncoding(x[i], y[i]) { return false }
        return true
    }

    /// Whether two live arrays are one buffer (so the same elements): the rules change a copy
    /// of the loaded pane, and the parts they did not touch still share the loaded pane's
    /// storage. Arrays in separate buffers, or not in contiguous storage, answer false.
    private static func sharesStorage<T>(_ a: [T], _ b: [T]) -> Bool {
        a.count == b.count && a.withUnsafeBufferPointer { p in b.withUnsafeBufferPointer { q in p.baseAddress == q.baseAddress } }
    }
}
