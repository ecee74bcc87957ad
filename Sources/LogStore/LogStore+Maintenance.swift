/// Maintenance: history dropped (`compact`), series sealed into blocks (`seal`), and
/// invariants checked (`check`).
extension LogStore {
    public struct CompactionReport: Sendable, Equatable {
        /// The epoch before which history was merged; nil when all history was kept (`seal`).
        public let before: Int64?
        /// Rows deleted outright: dead env and window incarnations with their rows, superseded
        /// head, reload and change versions, and series no head references.
        public let rowsDeleted: Int
        /// Per-epoch segments up to `before` merged into one per series, counting the segments
        /// a sealed block records as well as segment rows.
        public let segmentsMerged: Int
        /// Sealed blocks rewritten because they held more than one segment up to `before`.
        public let blocksRewritten: Int
        /// Epochs whose history became unreadable: before `before` and not compacted already.
        public let epochsCompacted: Int
        /// Segments rewritten as sealed blocks, and the blocks written.
        public let segmentsSealed: Int
        public let blocksWritten: Int
        /// Epoch rows rewritten as sealed runs (`epoch_run`), and the runs written.
        public let epochsSealed: Int
        public let epochRunsWritten: Int
        /// Size of the database file (plus its WAL) before and after.
        public let bytesBefore: Int64
        public let bytesAfter: Int64
        public var bytesReclaimed: Int64 { bytesBefore - bytesAfter }
    }

    /// Drops history before epoch `before` (default: the newest epoch) that no state from then
    /// on depends on, seals what remains (`seal`), and returns the freed space to the file
    /// system. Current exports do not change; reads as of earlier epochs are refused afterwards.
    public func compact(before: Int64? = nil) throws(LogStoreError) -> CompactionReport {
        try rewrite { db in
            let last = try EpochTable.latest(db) ?? 0
            let n = before ?? last
            guard n >= 0, n <= last else { throw LogStoreError.noSuchEpoch(n) }
            let dropped = try Compactor(db: db, before: n).run()
            return (n, dropped, try Sealer(db: db).sealAll(), try EpochSealer(db: db).sealAll())
        }
    }

    /// The oldest epoch written at or after `timeMS` (milliseconds since 1970), nil if none.
    public func firstEpoch(writtenSince timeMS: Int64) throws(LogStoreError) -> Int64? {
        try read(asOf: nil) { db, _ in try EpochTable.first(writtenSince: timeMS, db)
        }
    }

    /// Seals every series' runs of append segments into blocks (docs/FORMAT.md, "Sealed
    /// blocks") and runs of epoch rows into sealed runs ("Sealed epoch runs"), and returns the
    /// freed space to the file system, keeping all history: every read, as of every epoch,
    /// returns the same bytes before and after. Refused and failed epochs keep at most
    /// `EpochWriter.EpochRow.refusedTextLimit` bytes of their texts, as those written now do.
    public func seal() throws(LogStoreError) -> CompactionReport {
        try rewrite { db in
            // Refused epochs written before their texts were bounded keep as much as new ones.
            try Compactor(db: db, before: try EpochTable.latest(db) ?? 0).boundRefusedEpochs()
            return (nil, Compactor.Report(), try Sealer(db: db).sealAll(), try EpochSealer(db: db).sealAll())
        }
    }

    /// Runs `body` in one immediate transaction on the writer, alone, then gives freed pages
    /// back and rewinds the WAL.
    private func rewrite(
        _ body:
            @escaping (Connection) throws -> (
                before: Int64?, dropped: Compactor.Report, sealed: Sealer.Report, epochs: EpochSealer.Report
            )
    ) throws(LogStoreError) -> CompactionReport {
        let path = self.path
        let checkpointer = self.checkpointer
        func size() -> Int64 { (fileSize(atPath: path) ?? 0) + (fileSize(atPath: path + "-wal") ?? 0) }
        return try write(alone: true) { ctx in
            let sizeBefore = size()
            let r = try ctx.db.transaction(.immediate) { try body(ctx.db) }
            if try ctx.db.int("PRAGMA auto_vacuum", []) == 2 {  // incremental
                try ctx.db.execute("PRAGMA incremental_vacuum")
            } else {
                // A store created before its auto_vacuum setting took effect (see Schema.create)
                // keeps freed pages in its file: rewritten once, in the new mode, it gives them
                // back, and every later compaction gives back its own.
                try ctx.db.execute("PRAGMA auto_vacuum = INCREMENTAL")
                try ctx.db.execute("VACUUM")
            }
            // Would fail (busy) while another checkpoint runs: the store's own thread waits.
            let truncate = { try ctx.db.execute("PRAGMA wal_checkpoint(TRUNCATE)") }
            if let checkpointer { try checkpointer.holdingOff(truncate) } else { try truncate() }
            return CompactionReport(
                before: r.before, rowsDeleted: r.dropped.rowsDeleted, segmentsMerged: r.dropped.segmentsMerged,
                blocksRewritten: r.dropped.blocksRewritten, epochsCompacted: r.dropped.epochsCompacted,
                segmentsSealed: r.sealed.segmentsSealed, blocksWritten: r.sealed.blocksWritten,
                epochsSealed: r.epochs.epochsSealed, epochRunsWritten: r.epochs.runsWritten,
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
