/// Maintenance: history dropped (`compact`) and invariants checked (`check`).
extension LogStore {
    public struct CompactionReport: Sendable, Equatable {
        /// The epoch before which history was merged.
        public let before: Int64
        public let rowsDeleted: Int
        public let segmentsMerged: Int
        /// Size of the database file (plus its WAL) before and after.
        public let bytesBefore: Int64
        public let bytesAfter: Int64
        public var bytesReclaimed: Int64 { bytesBefore - bytesAfter }
    }

    /// Drops history before epoch `before` (default: the newest epoch) that no state from then
    /// on depends on, and returns the freed space to the file system. Current exports do not
    /// change; reads as of earlier epochs are refused afterwards.
    public func compact(before: Int64? = nil) throws(LogStoreError) -> CompactionReport {
        let path = self.path
        func size() -> Int64 { (fileSize(atPath: path) ?? 0) + (fileSize(atPath: path + "-wal") ?? 0) }
        return try write(alone: true) { ctx in
            let last = try ctx.db.int("SELECT max(epoch) FROM epoch", []) ?? 0
            let n = before ?? last
            guard n >= 0, n <= last else { throw LogStoreError.noSuchEpoch(n) }
            let sizeBefore = size()
            let report = try ctx.db.transaction(.immediate) { try Compactor(db: ctx.db, before: n).run() }
            if try ctx.db.int("PRAGMA auto_vacuum", []) == 2 {  // incremental
                try ctx.db.execute("PRAGMA incremental_vacuum")
            } else {
                // A store created before its auto_vacuum setting took effect (see Schema.create)
                // keeps freed pages in its file: rewritten once, in the new mode, it gives them
                // back, and every later compaction gives back its own.
                try ctx.db.execute("PRAGMA auto_vacuum = INCREMENTAL")
                try ctx.db.execute("VACUUM")
            }
            try ctx.db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
            return CompactionReport(before: n, rowsDeleted: report.rowsDeleted, segmentsMerged: report.segmentsMerged,
                                    bytesBefore: sizeBefore, bytesAfter: size())
        }
    }

    /// Problems found in the store, one line each, in the order of `Checker`'s invariants;
    /// empty when the store is healthy. Throws only when the store cannot be read at all.
    /// Reads every row, so it takes time proportional to the store's size.
    public func check() throws(LogStoreError) -> [String] {
        try read(asOf: nil) { db, _ in
            var checker = Checker(db: db)
            return checker.run()
        }
    }
}
