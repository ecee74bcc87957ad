import Foundation

/// What SQLite itself costs for the rows a store writes, measured through the same SQLite layer
/// (`Connection`, prepared `Statement`s, `SQLValue` binding) with the store's own schema and
/// settings (WAL, `synchronous` per `LogStore.Durability`). The benchmark
/// (`Benchmarks/logstore-bench`) puts the engine next to these floors, measured in the same run:
///
/// - `insert(_:intoNewStoreAt:)`: a store's segment rows inserted again with ONE prepared
///   statement in ONE transaction, nothing else: the floor under bulk ingest;
/// - `OneRowCommits`: one small row per transaction: the floor under a single committed epoch.
///
/// Nothing here reads or writes a store the engine uses; the files it creates are scratch.
package enum RawInsertFloor {
    /// The segment rows of a store, in memory (blobs included).
    package struct Segments: Sendable {
        let rows: [SegmentRow]
        /// Number of segment rows.
        package var rowCount: Int { rows.count }
        /// Values the rows hold (the sum of their `count`).
        package var values: Int { rows.reduce(0) { $0 + Int($1.count) } }
        /// Bytes of packed data the rows hold.
        package var bytes: Int { rows.reduce(0) { $0 + $1.data.count } }
    }

    /// Reads every segment row of the store at `path`, in the order the store wrote them.
    package static func segments(ofStoreAt path: String) throws(LogStoreError) -> Segments {
        do {
            let db = try Connection(path: path, mode: .readOnly)
            defer { try? db.close() }
            return Segments(
                rows: try db.all("SELECT \(SegmentRow.columns) FROM segment ORDER BY rowid", [], SegmentRow.init))
        } catch {
            throw LogStore.classify(error, path: path)
        }
    }

    /// Creates a new, empty store at `path` and inserts `segments` into its segment table with
    /// one prepared statement in one transaction (`synchronous=NORMAL`, as bulk imports run).
    /// Returns the seconds from BEGIN to the end of COMMIT.
    package static func insert(_ segments: Segments, intoNewStoreAt path: String) throws(LogStoreError) -> Double {
        do {
            let db = try newStore(at: path, durability: .normal)
            defer { try? db.close() }
            let start = DispatchTime.now().uptimeNanoseconds
            try db.transaction(.immediate) {
                let st = try db.prepare(SegmentRow.insertSQL)
                for r in segments.rows { try st.run(r.values) }
            }
            return Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
        } catch {
            throw LogStore.classify(error, path: path)
        }
    }

    /// One small row per transaction on a new store: SQLite's own cost of a commit, with
    /// `durability`'s `synchronous` setting. The benchmark alternates its commits with the
    /// engine's, so both meet the same disk.
    package final class OneRowCommits {
        private let db: Connection
        private var next: Int64 = 0
        private var blob: [UInt8] = []

        /// Creates the store at `path` (which must not exist).
        package init(newStoreAt path: String, durability: LogStore.Durability) throws(LogStoreError) {
            do { db = try RawInsertFloor.newStore(at: path, durability: durability) } catch {
                throw LogStore.classify(error, path: path)
            }
        }

        /// Commits one segment row (a one-point blob) in its own transaction; returns the
        /// nanoseconds from BEGIN to the end of COMMIT.
        package func commit() throws(LogStoreError) -> UInt64 {
            blob.removeAll(keepingCapacity: true)
            ValueCodec.encode(JSONValue.double(Double(next) * 0.5), into: &blob)
            let row: [SQLValue] = [
                .integer(1), .integer(1), .integer(next), .integer(0), .integer(0), .integer(1), .integer(next + 1),
                .blob(blob),
            ]
            next += 1
            let start = DispatchTime.now().uptimeNanoseconds
            do {
                try db.transaction(.immediate) {
                    try db.run(SegmentRow.insertSQL, row)
                }
            } catch {
                throw LogStore.classify(error, path: db.path)
            }
            return DispatchTime.now().uptimeNanoseconds - start
        }
    }

    /// The version of the SQLite library the store runs on (`sqlite_version()`).
    package static var sqliteVersion: String {
        guard let db = try? Connection(path: ":memory:", mode: .readWriteCreate),
            let v = try? db.one("SELECT sqlite_version()", [], { $0.firstText })
        else { return "?" }
        return v
    }

    /// A new file with the store's schema, opened read-write as the store's writer opens it.
    private static func newStore(at path: String, durability: LogStore.Durability) throws -> Connection {
        if FileManager.default.fileExists(atPath: path) {
            throw LogStoreError.io(path: path, reason: "already exists; the floor needs a new file")
        }
        let db = try Connection(path: path, mode: .readWriteCreate)
        try Schema.create(on: db, time: LogStore.nowMS())
        try db.execute("PRAGMA synchronous=\(durability == .full ? "FULL" : "NORMAL")")
        return db
    }
}
