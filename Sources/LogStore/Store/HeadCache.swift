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
    /// Used by one thread, never reentrantly: not checked for exclusivity at run time.
    @exclusivity(unchecked) private var entries: [Int64: (bytes: [UInt8], pane: PaneValue)] = [:]
    /// Entries kept at most; all are dropped when a new one would exceed it.
    let capacity: Int

    init(capacity: Int = 256) { self.capacity = capacity }

    var count: Int { entries.count }

    /// The entry `pane(window:bytes:)` answered last: a window appended to asks for the same
    /// head every epoch, and comparing its id costs less than hashing it. Same invariant as
    /// `entries` (it is used only when its bytes equal the bytes just read); unchecked
    /// exclusivity, as `entries`.
    @exclusivity(unchecked) private var last: (window: Int64, bytes: [UInt8], pane: PaneValue)?

    /// The pane that `bytes`, the head of `window` just read from the store, decode to.
    func pane(window: Int64, bytes: [UInt8]) throws -> PaneValue {
        if last?.window == window, last!.bytes == bytes { return last!.pane }
        if let entry = entries[window], entry.bytes == bytes {
            last = (window, entry.bytes, entry.pane)
            return entry.pane
        }
        let pane = try bytes.withUnsafeBytes { try ValueCodec.decodePane($0) }
        if entries[window] == nil && entries.count >= capacity { entries.removeAll(keepingCapacity: true) }
        entries[window] = (bytes, pane)
        last = (window, bytes, pane)
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
    static func sameEncoding(_ a: PaneValue, _ b: PaneValue) -> Bool { PaneValue.same(a, b, seriesByID: true) }
}
