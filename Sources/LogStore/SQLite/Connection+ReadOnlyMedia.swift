import Foundation

/// Reading a store on read-only media (an archived run, a dataset mount).
///
/// A store is in WAL mode, and SQLite reads a WAL database through its `-shm` file, which it
/// must create if it is missing: on a read-only file system holding only the store file, every
/// read fails with "unable to open database file". There nobody can write the store, so it is
/// opened immutable instead, which needs no `-shm`. A `-wal` file with content might hold
/// commits the store file lacks (after a crash), and an immutable open would not read it: that
/// case is refused with a clear error instead of being read without them.
extension Connection {
    /// A read-only connection to `path`, immutable when the store is on read-only media and
    /// SQLite cannot read it otherwise.
    static func forReading(path: String) throws -> Connection {
        let db = try Connection(path: path, mode: .readOnly)
        do {
            _ = try db.int("SELECT count(*) FROM sqlite_schema", [])  // the first read opens the -shm
            return db
        } catch let error as SQLiteError where error.isCantOpen && onReadOnlyMedia(path) {
            try? db.close()
            let wal = (try? FileManager.default.attributesOfItem(atPath: path + "-wal")[.size] as? NSNumber)?.int64Value ?? 0
            guard wal == 0 else {
                throw LogStoreError.io(path: path, reason: "on read-only media with a \(path)-wal file that may hold commits the store "
                                       + "file lacks; copy the store's files to writable storage to read them")
            }
            return try Connection(path: path, mode: .immutable)
        }
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
