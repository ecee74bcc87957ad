import Foundation

/// Window JSON already materialized, kept in memory by one store handle.
///
/// **Why it is valid.** A window's JSON is a function of its incarnation (`window_id`) and the
/// last epoch that changed it (`Catalog.lastChange`: the newest of its head versions, its
/// segments and its `window_change` rows, so every epoch that writes a head or a segment of
/// the window counts), and `contentID` is derived from the same pair. So an entry
/// made for (window, last change) serves any later read that finds the same last change, at
/// the cost of the index lookups that find it, instead of rebuilding the window from its
/// segments. Compaction and sealing keep each window's last change (and its bytes), so entries
/// survive them.
///
/// **Why in memory.** Readers use read-only connections and never write, so they cannot keep
/// materialized windows in the store; the writer could, but only by materializing windows on
/// the append path, which must stay O(delta). A store handle that serves a window keeps its
/// bytes instead.
///
/// One entry per window (the newest materialized), at most `capacity` bytes in all; the least
/// recently used entries go first. A lock guards the table; entries are immutable byte arrays,
/// shared copy-on-write with the callers they are returned to.
final class WindowCache: @unchecked Sendable {
    private struct Entry {
        let change: Int64
        let bytes: [UInt8]
        var used: UInt64
    }

    /// Bytes kept at most.
    let capacity: Int
    // `lock` guards everything below.
    private let lock = NSLock()
    private var entries: [Int64: Entry] = [:]
    private var total = 0
    private var clock: UInt64 = 0

    init(capacity: Int) { self.capacity = capacity }

    /// The bytes of `window` as of its last change `change`, if they are kept.
    func bytes(window: Int64, change: Int64) -> [UInt8]? {
        lock.lock()
        defer { lock.unlock() }
        guard var e = entries[window], e.change == change else { return nil }
        clock += 1
        e.used = clock
        entries[window] = e
        return e.bytes
    }

    /// Keeps `bytes` as `window`'s JSON as of its last change `change`, replacing what the
    /// window had; windows larger than the whole cache are not kept.
    func keep(_ bytes: [UInt8], window: Int64, change: Int64) {
        guard bytes.count <= capacity else { return }
        lock.lock()
        defer { lock.unlock() }
        if let old = entries.removeValue(forKey: window) { total -= old.bytes.count }
        while total + bytes.count > capacity, let victim = entries.min(by: { $0.value.used < $1.value.used }) {
            total -= victim.value.bytes.count
            entries[victim.key] = nil
        }
        clock += 1
        entries[window] = Entry(change: change, bytes: bytes, used: clock)
        total += bytes.count
    }
}
