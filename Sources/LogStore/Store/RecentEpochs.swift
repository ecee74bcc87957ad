/// The epoch rows the writer wrote last, as it wrote them: what `EpochSealer.sealRecent` needs
/// of each (number, time, kind, whether ok), so that the writer's seal takes them from memory
/// instead of reading the rows back.
///
/// Invariant: the entries are consecutive epochs, each exactly the row its epoch has in the
/// writer's transaction. It is kept so because epoch rows are written on the writer's
/// connection only by `EpochWriter`, which notes each once written (`note`), and `Writer` calls
/// `removeAll()` whenever rows may have changed behind it (as it empties `SeriesTails` and
/// `CatalogLookups`): a job or transaction rolled back, a job that runs alone (compaction
/// rewrites epoch rows), another connection's commit. An epoch noted out of sequence (a number
/// given back and used again) drops all before it too. A seal uses the entries only when they
/// cover its whole range (`covering`); else it reads the rows, so what it writes never depends
/// on what is remembered. Holds at most `capacity` entries (the seal's `2 * every`), oldest
/// dropped first. Used only by whoever owns the writer's connection (see `Writer`).
final class RecentEpochs {
    /// An epoch row as written: its texts only for an `ok` row (the seal needs no more of
    /// another: it ends a run).
    struct Epoch {
        var epoch: Int64
        var timeMS: Int64
        /// Whether the row's status is "ok" (byte for byte).
        var ok: Bool
        var source = ""
        var endpoint = ""
        var env: String?
        var win: String?
        var detail = ""
        var windowID: Int64?
    }

    let capacity: Int
    /// A ring: `count` entries from `slots[head]` on, wrapping at `capacity`. Unchecked
    /// exclusivity: every access is a short read or write in this class.
    @exclusivity(unchecked) private var slots: [Epoch] = []
    private var head = 0
    private(set) var count = 0

    init(capacity: Int) { self.capacity = max(0, capacity) }

    var first: Int64? { count > 0 ? slots[head].epoch : nil }
    var last: Int64? { count > 0 ? slots[(head + count - 1) % capacity].epoch : nil }

    /// Calls `body` with each entry from the `start`-th oldest on, in order: a pointer, valid
    /// during the call, so that no entry is copied (a copy retains and releases its texts).
    func forEach(from start: Int, _ body: (UnsafePointer<Epoch>) throws -> Void) rethrows {
        try slots.withUnsafeBufferPointer { ring in
            guard let base = ring.baseAddress else { return }
            var i = (head + start) % capacity
            for _ in start..<count {
                try body(base + i)
                i += 1
                if i == capacity { i = 0 }
            }
        }
    }

    /// Remembers `e`, just written. One out of sequence drops every entry before it.
    func note(_ e: consuming Epoch) {
        guard capacity > 0 else { return }
        if let last, e.epoch != last &+ 1 { removeAll() }
        if count < capacity {
            let slot = (head + count) % capacity
            if slot == slots.count { slots.append(e) } else { slots[slot] = e }
            count += 1
        } else {
            slots[head] = e
            head = (head + 1) % capacity
        }
    }

    /// Forgets every entry (their texts too).
    func removeAll() {
        slots.removeAll(keepingCapacity: true)
        head = 0
        count = 0
    }

    /// The position of epoch `from`, counted from the oldest entry as `forEach` takes it, when
    /// the entries hold every epoch `from ..< below` and end at `below - 1` (older ones may
    /// precede them); nil otherwise.
    func covering(from: Int64, below: Int64) -> Int? {
        guard let first, let last, from < below, last == below - 1, first <= from else { return nil }
        return Int(from - first)
    }
}
