internal import CSQLite

/// The write-ahead log file across sessions.
///
/// SQLite deletes the WAL file when the last connection to a database closes, so every session
/// starts with an empty file and its first commits append to it. A durable commit that appends
/// to a file costs more than one that overwrites blocks the file already has (about 1.5x on
/// ext4, Benchmarks/README.md), because the file system must allocate blocks and write the
/// inode as well. So a store keeps its WAL file
/// (`SQLITE_FCNTL_PERSIST_WAL`) and its size (`journal_size_limit` bounds it), and, before the
/// writer's last close, rewinds it (`rewindWALForNextSession`) so that the next session starts
/// writing at the head of the file without first scanning the frames this one left.
extension Connection {
    /// Keeps the WAL file, at its size, when this connection closes: "the WAL file is not
    /// deleted ... [it] is truncated ... if journal_size_limit is non-negative, or left as is"
    /// (https://sqlite.org/c3ref/c_fcntl_begin_atomic_write.html#sqlitefcntlpersistwal).
    func keepWALFile() throws(SQLiteError) {
        let db = try openHandle()
        var on: Int32 = 1
        try SQLiteError.check(sqlite3_file_control(db, "main", SQLITE_FCNTL_PERSIST_WAL, &on), db: db)
    }

    /// `PRAGMA wal_checkpoint(mode)`: whether it was blocked, the frames in the WAL, and the
    /// frames copied into the database (https://sqlite.org/pragma.html#pragma_wal_checkpoint).
    func checkpoint(_ mode: CheckpointMode) throws(SQLiteError) -> (busy: Bool, log: Int64, checkpointed: Int64) {
        let statement = try cachedStatement("PRAGMA wal_checkpoint(\(mode.rawValue))")
        defer { statement.reset() }
        guard try statement.step() else { return (false, 0, 0) }
        return (statement.int64(0) != 0, statement.int64(1), statement.int64(2))
    }

    enum CheckpointMode: String, Sendable {
        case passive = "PASSIVE"
        case restart = "RESTART"
        case truncate = "TRUNCATE"
    }

    /// Readies a kept WAL file for the next session, on the writer's connection just before it
    /// closes; never throws (the store is consistent whatever happens here). If every frame can
    /// be copied into the database now (no reader holds an older snapshot: this does not wait),
    /// one page-1 rewrite (`user_version` set to itself) makes SQLite start the log over with
    /// fresh salts, so the file holds one valid frame followed by stale ones that recovery stops
    /// at. A file larger than `maxBytes` is truncated instead. If a reader is busy, the file is
    /// left as it is: the next session's recovery scans its frames, as after a crash.
    func rewindWALForNextSession(maxBytes: Int64, fileSize: Int64) {
        do {
            try execute("PRAGMA journal_size_limit = -1")  // else closing truncates a kept WAL to 0 bytes
            try busyTimeout(ms: 0)
            if fileSize > maxBytes {
                _ = try checkpoint(.truncate)
                return
            }
            let (busy, log, copied) = try checkpoint(.restart)
            guard !busy, log > 0, copied == log else { return }
            try setUserVersion(try userVersion)
        } catch {
            return
        }
    }
}

/// What a connection calls after each of its commits, with the number of frames then in the
/// WAL (`sqlite3_wal_hook`); it answers whether that commit checkpoints (PASSIVE) before it
/// returns. The connection holds it unretained: its owner keeps it alive for as long as the
/// connection is open.
final class WALCommitHook: Sendable {
    let onCommit: @Sendable (Int) -> Bool
    init(_ onCommit: @escaping @Sendable (Int) -> Bool) { self.onCommit = onCommit }
}

extension Connection {
    /// Calls `hook` after every commit instead of running SQLite's automatic checkpoint at
    /// 1,000 frames: "the sqlite3_wal_autocheckpoint() and sqlite3_wal_hook() interfaces [...]
    /// will overwrite each other's settings" (https://sqlite.org/c3ref/wal_hook.html). The
    /// commit checkpoints when the hook says so, as SQLite's own hook does (PASSIVE).
    func replaceAutoCheckpoint(with hook: WALCommitHook) throws(SQLiteError) {
        let db = try openHandle()
        sqlite3_wal_hook(
            db,
            { context, db, name, frames in
                let hook = Unmanaged<WALCommitHook>.fromOpaque(context!).takeUnretainedValue()
                if hook.onCommit(Int(frames)) {
                    // PASSIVE never waits: with another checkpoint running, it returns
                    // SQLITE_BUSY at once (https://sqlite.org/c3ref/wal_checkpoint_v2.html).
                    _ = sqlite3_wal_checkpoint_v2(db, name, SQLITE_CHECKPOINT_PASSIVE, nil, nil)
                }
                return SQLITE_OK
            }, Unmanaged.passUnretained(hook).toOpaque())
    }
}
