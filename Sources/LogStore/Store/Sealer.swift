/// Seals series: rewrites each run of a series' append segments as sealed blocks
/// (`SealedBlock`) of at most `capacity` values, keeping every epoch's values (docs/FORMAT.md,
/// "Sealed blocks"). Run by `compact`, inside its transaction.
///
/// A series is sealed from its first segment on (after its existing blocks, whose last one
/// is refilled when it is not full), so its blocks cover seqs 0 ... k and its segments the
/// rest. A series with a prepend segment (heatmap prependRow) is left as it is: its values'
/// order is not its segments' order.
struct Sealer {
    let db: Connection
    /// The most values one block holds: a read decodes whole blocks, so a block is a
    /// bounded amount of work (64 Ki values: about 0.5 MiB decoded).
    var capacity: Int64 = 1 << 16

    struct Report: Equatable {
        var segmentsSealed = 0
        var blocksWritten = 0
    }

    /// Seals every series that has at least one append segment and no prepend segment.
    func sealAll() throws -> Report {
        var candidates: [(window: Int64, series: Int64)] = []
        try db.forEach("SELECT window_id, series_id FROM segment GROUP BY window_id, series_id HAVING max(op) = 0", []) {
            candidates.append(($0.int64(0), $0.int64(1)))
        }
        var report = Report()
        for (window, series) in candidates {
            let r = try seal(series, window: window)
            report.segmentsSealed += r.segmentsSealed
            report.blocksWritten += r.blocksWritten
        }
        return report
    }

    private struct Run {
        var firstSeq: Int64
        var segments: [BlockEpochs.Segment] = []
        var plain: [UInt8] = []
        var count: Int64 = 0
        var total: Int64 = 0
        var lastSeq: Int64
    }

    /// Seals the segments of series `id` of `window` (all of them append segments).
    func seal(_ id: Int64, window: Int64) throws -> Report {
        var report = Report()
        var run: Run?
        let w = SQLValue.integer(window), s = SQLValue.integer(id)
        var nextSeq: Int64 = 0
        if let last = try db.one(SealedBlock.ofSeriesSQL.replacingOccurrences(of: "ORDER BY first_seq", with: "ORDER BY first_seq DESC LIMIT 1"),
                                 [s, w, .integer(.max)], { SealedBlock($0) })
        {
            nextSeq = last.lastSeq + 1
            if last.count < capacity {
                var r = Run(firstSeq: last.firstSeq, lastSeq: last.lastSeq)
                r.segments = try last.segments()
                try last.values(into: &r.plain)
                (r.count, r.total) = (last.count, last.total)
                run = r
                try db.run("DELETE FROM block WHERE window_id = ? AND series_id = ? AND first_seq = ?", [w, s, .integer(last.firstSeq)])
            }
        }
        var sealed: [Int64] = []  // rowids
        try db.forEach("SELECT seq, epoch, count, total, data, op, rowid FROM segment WHERE window_id = ?1 AND series_id = ?2 ORDER BY seq",
                       [w, s]) { st in
            let seq = st.int64(0)
            // Only the contiguous run after the blocks (`check` reports any gap).
            guard st.int64(5) == 0, seq == nextSeq else { return }
            nextSeq += 1
            if run == nil { run = Run(firstSeq: seq, lastSeq: seq) }
            run!.segments.append(BlockEpochs.Segment(epoch: st.int64(1), count: st.int64(2)))
            st.withBlob(4) { run!.plain.append(contentsOf: $0) }
            run!.count += st.int64(2)
            run!.total = st.int64(3)
            run!.lastSeq = seq
            sealed.append(st.int64(6))
            if run!.count >= capacity {
                try write(run!, series: id, window: window)
                report.blocksWritten += 1
                run = nil
            }
        }
        if let run, !run.segments.isEmpty {
            try write(run, series: id, window: window)
            report.blocksWritten += 1
        }
        for rowid in sealed {
            try db.run("DELETE FROM segment WHERE rowid = ?", [.integer(rowid)])
        }
        report.segmentsSealed = sealed.count
        return report
    }

    private func write(_ run: Run, series: Int64, window: Int64) throws {
        let first = run.segments[0].epoch
        try SealedBlock(
            seriesID: series, firstSeq: run.firstSeq, lastSeq: run.lastSeq, firstEpoch: first,
            lastEpoch: run.segments[run.segments.count - 1].epoch, count: run.count, total: run.total,
            epochs: BlockEpochs.encode(run.segments, firstEpoch: first),
            data: BlockValues.encode(run.plain, count: Int(run.count))
        ).insert(window: window, db)
    }
}
