import Foundation

/// Reading a store on read-only media (an archived run, a dataset mount).
///
/// A store is in WAL mode, and SQLite reads a WAL database through its `-shm` file, which it
/// must create if it is missing: on a read-only file system holding only the store file, every
/// read fails with "unable to open database file". There nobody can write the store, so it is
/// opened immutable instead, which needs no `-shm`. A `-wal` file with content might hold
/// commits the store file lacks (after a crash), and an immutable open would not read it: that
/// case is refused with a clear error instead of being read without them.
///
/// A writer killed mid-transaction can leave a state only a read-write connection repairs: a
/// hot rollback journal (the store's creation commits in rollback mode until it is switched to
/// WAL), or a WAL index that must be rebuilt. A read-only connection then fails with
/// `SQLITE_READONLY_ROLLBACK`, `_RECOVERY` or `_CANTINIT`, although nothing is read-only. On
/// writable storage a transient read-write connection repairs it — it opens, reads the schema,
/// which rolls back or recovers what SQLite would for any writer, and closes, never writing a
/// row — and the store is read as the writer last committed it.
extension Connection {
    /// A read-only connection to `path`, immutable when the store is on read-only media and
    /// SQLite cannot read it otherwise.
    static func forReading(path: String) throws -> Connection {
        var db = try Connection(path: path, mode: .readOnly)
        do {
            do {
                _ = try db.int("SELECT count(*) FROM sqlite_schema", [])  // the first read opens the -shm
            } catch let error as SQLiteError where error.needsWriterRepair && !onReadOnlyMedia(path) {
                try? db.close()
                try repairAfterCrashedWriter(path: path)
                db = try Connection(path: path, mode: .readOnly)
                _ = try db.int("SELECT count(*) FROM sqlite_schema", [])
            }
            return db
        } catch let error as SQLiteError where error.isCantOpen && onReadOnlyMedia(path) {
            try? db.close()
            let wal =
                (try? FileManager.default.attributesOfItem(atPath: path + "-wal")[.size] as? NSNumber)?.int64Value ?? 0
            guard wal == 0 else {
                throw LogStoreError.io(
                    path: path,
                    reason: "on read-only media with a \(path)-wal file that may hold commits the store "
                        + "file lacks; copy the store's files to writable storage to read them")
            }
            return try Connection(path: path, mode: .immutable)
        }
    }

    /// Rolls back or recovers what a crashed writer left in `path` (see the type's comment)
    /// through a read-write connection that only reads the schema; the busy timeout waits out
    /// another process doing the same.
    private static func repairAfterCrashedWriter(path: String) throws {
        let repair = try Connection(path: path, mode: .readWrite)
        defer { try? repair.close() }
        try repair.busyTimeout(ms: 10_000)
        _ = try repair.int("SELECT count(*) FROM sqlite_schema", [])
    }

    /// Whether the file system holding `path` is mounted read-only.
    static func onReadOnlyMedia(_ path: String) -> Bool {
        var fs = statvfs()
        guard statvfs(path, &fs) == 0 else { return false }
        return fs.f_flag & UInt(ST_RDONLY) != 0
    }

    /// `file:` URI of `path` with `immutable=1`; `%`, `?` and `#` are escaped, as a URI filename
    /// needs (https://sqlite.org/uri.html).
    static func immutableURI(_ path: String) -> String {
        var uri = "file:"
        for c in path.unicodeScalars {
            switch c {
            case "%": uri += "%25"
            case "?": uri += "%3f"
            case "#": uri += "%23"
            default: uri.unicodeScalars.append(c)
            }
        }
        return uri + "?immutable=1"
    }
}
