/// The heads of windows as the writer last read or wrote them, kept for the consecutive epochs
/// of ONE writer job (`LogStore.apply` of a batch), so that a window updated by many messages
/// in a row is read from the table and decoded once instead of once per message.
///
/// Invariant: an entry for window incarnation W holds exactly the `doc` of W's newest `head`
/// row on the writer connection, and `pane` is that doc decoded. It stays true because, while
/// the job runs, only the job's own `EpochWriter`s write head rows, and each one records what
/// it writes here (`EpochWriter.writeHead`). If the job fails, its savepoint is rolled back and
/// the cache, which lives only as long as the job, goes with it.
final class HeadCache {
    struct Entry {
        let bytes: [UInt8]
        let pane: PaneValue
    }

    private var entries: [Int64: Entry] = [:]

    subscript(window: Int64) -> Entry? {
        get { entries[window] }
        set { entries[window] = newValue }
    }
}
