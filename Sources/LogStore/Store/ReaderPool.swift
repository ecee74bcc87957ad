import Foundation

/// Read-only WAL connections for readers. A connection is checked out by one thread at a
/// time (its single owner while checked out), and every read runs inside one read
/// transaction, so it sees the state after some whole committed epoch and never blocks the
/// writer (https://sqlite.org/wal.html: "readers do not block writers and a writer does not
/// block readers").
///
/// Two kinds of connection, kept apart: those of `read`, which map the file (`mmapBytes`), and
/// those of `lookup`, which do not. After any commit, SQLite drops a connection's whole mapping
/// when its next read transaction starts (the pager's reset on a changed WAL), so a mapped
/// connection pays `munmap` (a TLB shootdown on every core), `mmap` and page faults again
/// for each read under a write load: worth it for a read of many pages, not for a lookup of a
/// few (`/win_exists` under load spent a fifth of its time there).
final class ReaderPool: @unchecked Sendable {
    private let path: String
    // `lock` guards the idle connections.
    private let lock = NSLock()
    private var idleMapped: [Connection] = []
    private var idleUnmapped: [Connection] = []
    /// Connections of each kind kept open between reads.
    private let keep = 8

    private enum Kind { case mapped, unmapped }

    /// How much of the file a reader maps instead of reading it page by page
    /// (`PRAGMA mmap_size`; address space, not memory). A read of a large window goes through
    /// SQLite's overflow pages: with mmap they are not copied out of the kernel page by page
    /// (Benchmarks/README.md, "Engine changes made while measuring", has the figures).
    /// `LOGSTORE_READER_MMAP_BYTES` overrides it (0: read with pread, so what a reader reads is
    /// what it asks for, which the browser test of lazy loading counts from outside; the
    /// kernel's read-around of a mapped file would hide it).
    static let mmapBytes: Int64 =
        ProcessInfo.processInfo.environment["LOGSTORE_READER_MMAP_BYTES"].flatMap { Int64($0) } ?? 1 << 30

    init(path: String) { self.path = path }

    func read<R>(_ body: (Connection) throws -> R) throws -> R {
        let db = try checkout(.mapped)
        var healthy = true
        defer { checkin(db, .mapped, healthy: healthy) }
        do {
            // Cached statements, as the writer's: `execute` would parse the SQL on every read
            // (2% of the server's CPU under a load of reads and appends).
            try db.cachedStatement("BEGIN DEFERRED").run()
            defer { try? db.cachedStatement("COMMIT").run() }
            return try body(db)
        } catch {
            healthy = !db.isAutocommit || (error as? SQLiteError).map { !$0.isCorrupt } ?? true
            throw error
        }
    }

    /// A lookup of a few pages: `body` runs exactly one statement, outside an explicit
    /// transaction (SQLite's own read transaction around that statement is the snapshot, of
    /// some whole committed epoch: two statements could see two epochs), on a connection that
    /// does not map the file. No `BEGIN`/`COMMIT` around it: half the statements of a lookup.
    func lookup<R>(_ body: (Connection) throws -> R) throws -> R {
        let db = try checkout(.unmapped)
        var healthy = true
        defer { checkin(db, .unmapped, healthy: healthy) }
        do {
            return try body(db)
        } catch {
            healthy = db.isAutocommit && (error as? SQLiteError).map { !$0.isCorrupt } ?? true
            throw error
        }
    }

    /// Closes the connections not in use (`LogStore.close`).
    func closeIdle() {
        lock.lock()
        let connections = idleMapped + idleUnmapped
        idleMapped = []
        idleUnmapped = []
        lock.unlock()
        for db in connections { try? db.close() }
    }

    private func checkout(_ kind: Kind) throws -> Connection {
        lock.lock()
        let kept = kind == .mapped ? idleMapped.popLast() : idleUnmapped.popLast()
        lock.unlock()
        if let db = kept { return db }
        let db = try Connection.forReading(path: path)
        try db.keepWALFile()  // a reader that closes last must not delete it either
        try db.busyTimeout(ms: 10_000)
        try db.execute("PRAGMA mmap_size = \(kind == .mapped ? Self.mmapBytes : 0)")
        try Schema.prepareForReading(db)
        return db
    }

    private func checkin(_ db: Connection, _ kind: Kind, healthy: Bool) {
        lock.lock()
        defer { lock.unlock() }
        guard healthy else { return }
        switch kind {
        case .mapped: if idleMapped.count < keep { idleMapped.append(db) }
        case .unmapped: if idleUnmapped.count < keep { idleUnmapped.append(db) }
        }
    }
}
