internal import CSQLite

/// Settings of the SQLite library itself, for the whole process, made once before the first
/// connection opens: SQLite accepts them only before it initializes
/// (https://sqlite.org/c3ref/config.html: "sqlite3_config() [...] must be invoked [...] prior
/// to sqlite3_initialize() or after sqlite3_shutdown()"; otherwise it returns SQLITE_MISUSE
/// and changes nothing, as when the host process used SQLite first).
///
/// Memory statistics are off: with them on, every allocation SQLite makes takes a global
/// mutex to count it (~60 per one-point save, about 3% of its instructions). LogStore never
/// reads them (`sqlite3_memory_used`, `sqlite3_status64`, heap limits), and they change nothing
/// that is written.
enum SQLiteLibrary {
    /// Whether SQLite took the settings (false when it was initialized before LogStore).
    static let configured: Bool = logstore_sqlite_config_memstatus(0) == SQLITE_OK

    /// Bytes SQLite has allocated, as its memory statistics count them: 0 while they are off.
    static var memoryUsed: Int64 { sqlite3_memory_used() }
}
