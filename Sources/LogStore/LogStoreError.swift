/// Everything the library reports to its callers. Each case says where the problem is
/// (a path, an env, a window, a line) so the CLI can print it as one line.
public enum LogStoreError: Error, Sendable, CustomStringConvertible, Equatable {
    /// The file exists but is not a LogStore store; it was not modified.
    case notAStore(path: String, reason: String)
    /// The store was written by a newer LogStore; it was not modified.
    case newerSchema(path: String, version: Int64)
    case noSuchEnv(String)
    /// A write that must not replace an env found one by that name (`forkEnv(replace: false)`).
    case envExists(String)
    case noSuchWindow(env: String, window: String)
    /// An epoch that the store has not reached (time travel).
    case noSuchEpoch(Int64)
    /// History before this epoch was compacted away; reads as of earlier epochs are refused.
    case compacted(before: Int64)
    /// Input that cannot be read as visdom messages: `place` is FILE:LINE or FILE.
    case badInput(place: String, reason: String)
    case readOnly(path: String)
    /// The disk (or the store's quota) is full; the epoch that hit it was not written, the
    /// store is consistent and readable, and writes work again once there is room.
    case full(path: String)
    case io(path: String, reason: String)
    /// A write to a store after `close()` (reads still work: they reopen a connection).
    case closed(path: String)
    case sqlite(SQLiteError)
    /// The store's rows break one of its invariants.
    case corrupt(String)

    public var description: String {
        switch self {
        case .notAStore(let path, let reason): return "\(path): not a LogStore store (\(reason)); left untouched"
        case .newerSchema(let path, let v):
            return
                "\(path): written by a newer LogStore (schema version \(v), this build reads \(Schema.version)); left untouched"
        case .noSuchEnv(let e): return "no env named '\(e)'"
        case .envExists(let e): return "an env named '\(e)' exists"
        case .noSuchWindow(let e, let w): return "no window '\(w)' in env '\(e)'"
        case .noSuchEpoch(let n): return "no epoch \(n) in this store"
        case .compacted(let n): return "history before epoch \(n) was compacted; it can no longer be read"
        case .badInput(let place, let reason): return "\(place): \(reason)"
        case .readOnly(let path): return "\(path): the store is read-only (it can be read, not written)"
        case .full(let path):
            return "\(path): the disk or the store's quota is full; nothing of the failed write was kept"
        case .io(let path, let reason): return "\(path): \(reason)"
        case .closed(let path): return "\(path): the store was closed; it takes no more writes"
        case .sqlite(let e): return e.description
        case .corrupt(let what): return "corrupt store: \(what)"
        }
    }
}
