/// Where each series written on the writer's connection ends: the seq its next segment gets
/// and its total length. Appending a segment needs both, and looking them up was an index
/// seek and a statement per series per message (~7k instructions each for a one-point append).
///
/// Invariant: an entry for series `id` equals what
/// `SELECT seq + 1, total FROM segment WHERE series_id = id ORDER BY seq DESC LIMIT 1`
/// answers on the writer's connection right now. It is kept so because
/// - entries are set only by `SeriesStore.write`, after its inserts succeeded, and removed when
///   any of them failed;
/// - every segment written on the writer's connection in a transaction goes through
///   `SeriesStore.write` with this cache, or is written for a series created in the same job
///   (`SeriesStore.copy`), which no entry can name;
/// - whatever else can change segments empties it: `Writer` calls `removeAll()` when a job's
///   savepoint or a transaction is rolled back (a failed epoch, a full quota), around a job that
///   runs alone (compaction deletes and rewrites segments), and `revalidate(_:)` at the start of
///   each transaction, which empties it if anything committed since the writer's last commit
///   (`committed(_:)`): another connection (another `LogStore` handle or process), or this one
///   outside the writer's transactions.
/// Used only by whoever owns the writer's connection (see `Writer`).
final class SeriesTails {
    struct Tail: Equatable {
        /// The seq of the series' next segment (0 for a series without segments).
        var nextSeq: Int64
        /// The series length after its last segment.
        var total: Int64

        /// Moves past a segment of `count` values; the tail it now is.
        @inline(__always)
        @discardableResult
        mutating func append(_ count: Int64) -> Tail {
            nextSeq += 1
            total += count
            return self
        }
    }

    /// Only its owner's thread uses it, and never reentrantly: no dynamic exclusivity checks.
    /// A series held in `front` has its entry here too, which may be behind it.
    @exclusivity(unchecked) private var entries: [Int64: Tail] = [:]
    /// The tails `append(count:to:)` moved last, newest first, in front of `entries`: a save
    /// appends to the same series every time (a trace's x and y), and comparing ids costs less
    /// than hashing them. A series' tail is its front slot's when it has one, else its entry;
    /// a slot pushed out writes its tail back. Unchecked exclusivity, as `entries`.
    @exclusivity(unchecked) private var front: (Slot?, Slot?)

    private struct Slot {
        let id: Int64
        var tail: Tail
    }
    /// The connection's data version (`Connection.dataVersion`) at which the entries describe
    /// the database: read after each of the writer's commits, or when `revalidate(_:)` emptied
    /// the cache; nil before either.
    private var validAt: UInt32?
    /// Empty storage that `SeriesStore.writePack` builds each pack row of the writer in and gives
    /// back: a pack is built once per save, and a new array allocated its storage every time.
    @exclusivity(unchecked) var packBuffer: [UInt8] = []
    /// Entries kept at most; all are dropped when a new one would exceed it.
    let capacity: Int

    init(capacity: Int = 4096) { self.capacity = capacity }

    var count: Int { entries.count }

    subscript(id: Int64) -> Tail? {
        get {
            if front.0?.id == id { return front.0!.tail }
            if front.1?.id == id { return front.1!.tail }
            return entries[id]
        }
        set {
            if front.0?.id == id { front.0 = nil }
            if front.1?.id == id { front.1 = nil }
            // One hash of `id` for the usual case (the cache below its capacity).
            if newValue != nil, entries.count >= capacity, entries[id] == nil { removeAll() }
            entries[id] = newValue
        }
    }

    /// For a segment of `count` values appended to series `id`: its tail moved past it, and
    /// the tail it now holds; nil, changing nothing, when there is no entry for `id`. The tail
    /// moves in its front slot, or takes the newest one (one lookup, no write of the entry).
    func append(count: Int64, to id: Int64) -> Tail? {
        if front.0?.id == id { return front.0!.tail.append(count) }
        if front.1?.id == id { return front.1!.tail.append(count) }
        guard var tail = entries[id] else { return nil }
        tail.append(count)
        if let pushedOut = front.1 { entries[pushedOut.id] = pushedOut.tail }
        front = (Slot(id: id, tail: tail), front.0)
        return tail
    }

    func removeAll() {
        front = (nil, nil)
        entries.removeAll(keepingCapacity: true)
    }

    /// Empties the cache unless the database is as the writer's last commit left it, and says
    /// whether it did (the writer's other caches of rows must then be emptied too). Call at the
    /// start of the writer's transaction, once it holds the write lock, so nobody else can commit
    /// until it ends. Any commit since `committed(_:)` changed the connection's data version:
    /// another connection's, or one on this connection outside the writer's transactions (the
    /// cache then empties although it need not: it is only refilled).
    @discardableResult
    func revalidate(_ db: Connection) -> Bool {
        let version = db.dataVersion
        guard version != validAt else { return false }
        removeAll()
        validAt = version
        return true
    }

    /// Records that the writer's transaction committed, with the entries as they now are: the
    /// database is as they describe it at the connection's present data version.
    func committed(_ db: Connection) { validAt = db.dataVersion }
}
