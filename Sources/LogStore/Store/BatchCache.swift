/// What the epochs of ONE writer job (`LogStore.apply` of a batch) learn about the rows they
/// write and pass on to each other, so that a window updated by many messages in a row is not
/// looked up and decoded again for each one.
///
/// Invariants, for the rows on the writer connection:
/// - `heads[W]` holds exactly the `doc` of window incarnation W's newest `head` row, and the
///   pane it decodes to;
/// - `tails[S]` holds the `seq` and `total` of series S's last segment;
/// - `lookups` holds env and window incarnations as the `env`, `env_end`, `window` and
///   `window_end` rows make them.
///
/// They stay true because, while the job runs, only the job's own `EpochWriter`s write those
/// rows, and each records here what it writes (`EpochWriter.writeHead`, `SeriesStore.write`)
/// or, for env and window rows, clears `lookups`. If the job fails, its savepoint is rolled back and the cache, which
/// lives only as long as the job, goes with it.
final class BatchCache {
    struct Head {
        let bytes: [UInt8]
        let pane: PaneValue
    }

    struct Tail {
        let seq: Int64
        let total: Int64
    }

    var heads: [Int64: Head] = [:]
    var tails: [Int64: Tail] = [:]
    let lookups = CatalogLookups()
}

/// Env ids by name and window rows by (env id, window id), as looked up on the writer
/// connection; `nil` values record that there is none. Whoever writes an env or window row
/// clears both.
final class CatalogLookups {
    struct WindowKey: Hashable {
        let env: Int64
        let wid: ExactKey
    }

    var envs: [ExactKey: Int64?] = [:]
    var windows: [WindowKey: Catalog.WindowRow?] = [:]
}
