/// Seals series: rewrites each run of a series' append segments as sealed blocks
/// (`SealedBlock`) of at most `capacity` values, keeping every epoch's values (docs/FORMAT.md,
/// "Sealed blocks"). Run by `compact`, inside its transaction.
///
/// A series is sealed from its first segment on, after its existing blocks, so its blocks
/// cover seqs 0 ... k and its segments the rest. Its segments in pack rows (`SegmentPack`) are
/// sealed like its rows: `compact` unpacks every pack first; the writer seals a pack's series
/// together and deletes the pack rows they emptied in one statement. `compact` (`sealAll`)
/// also rewrites the series' blocks from its first one that is not full, so blocks the writer
/// sealed small end up full; the writer (`sealRecent`) only adds a block, of small segments
/// only. A series with a prepend segment (heatmap prependRow) is left as it is by both.
struct Sealer {
    let db: Connection
    /// The most values one block holds: a read decodes whole blocks, so a block is a
    /// bounded amount of work (64 Ki values: about 0.5 MiB decoded).
    var capacity: Int64 = 1 << 16

    struct Report: Equatable {
        var segmentsSealed = 0
        var blocksWritten = 0
    }

    /// Seals every series that has at least one append segment and no prepend segment, and
    /// merges the small blocks the writer sealed.
    func sealAll() throws -> Report {
        try SegmentPack.unpackAll(db)
        var candidates: [(window: Int64, series: Int64)] = []
        try db.forEach(
            """
            SELECT window_id, series_id FROM segment GROUP BY window_id, series_id HAVING max(op) = 0
            UNION
            SELECT window_id, series_id FROM block GROUP BY window_id, series_id HAVING count(*) > 1 AND min(count) < ?1
              AND series_id NOT IN (SELECT series_id FROM segment WHERE op = 1)
            ORDER BY 1, 2
            """, [.integer(capacity)]
        ) { st in
            var row = st.columns
            candidates.append((row.int64(), row.int64()))
        }
        var report = Report()
        var packs = SealedParts()  // none: unpacked above
        for (window, series) in candidates {
            let r = try seal(series, window: window, refill: true, packs: &packs)
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

    /// How many segments of one series the writer lets pile up before it seals them
    /// (`SeriesStore.write`): a one-point append costs a segment row and an index entry, ~150
    /// bytes; sealed, a point costs its encoded bytes plus 1/128 of a block row.
    static let writerRun: Int64 = 128

    /// Whether the writer seals series `id` once its segment `nextSeq - 1` is written: every
    /// `writerRun`-th segment, counted from a point of the run that depends on the series
    /// (`id` modulo `writerRun`), so the series' first block holds `writerRun - id % writerRun`
    /// segments and the later ones `writerRun`. Series appended to in turn (a script's many
    /// windows, or a window's traces) reach their seals in different messages, so a group
    /// commit holds a seal or two, not one per series (Benchmarks/README.md, issue 17).
    static func writerSeals(series id: Int64, nextSeq: Int64) -> Bool {
        (nextSeq + id % writerRun) % writerRun == 0
    }

    /// The most values a segment the writer seals may hold: the writer seals one-point appends
    /// (`SeriesStore.write` calls it only after appends of at most this many values).
    static let writerSegmentValues: Int64 = 8

    /// What one writer's seal may take: at most `segments` segments of at most `values` values
    /// each, from the first segment after the series' blocks on.
    struct Limit {
        var segments: Int64
        var values: Int64
    }

    /// The writer's limit: twice its run, so a backlog of small segments (a bulk import of
    /// one-point appends) is sealed a run per call, and never a bulk-written segment.
    static let writerLimit = Limit(segments: 2 * writerRun, values: writerSegmentValues)

    /// Seals the run of small append segments after the blocks of series `id` of `window` into
    /// a new block, unless the series has a prepend segment. The writer's seal: at most
    /// `writerLimit` segments, so O(1) per call whatever the series holds. The run stops at the
    /// first segment of more than `writerLimit.values` values: blocks cover a series' first
    /// seqs (docs/FORMAT.md), so the small segments after a bulk-written segment stay segments
    /// until `compact` seals the series whole; the writer never rewrites what a bulk import
    /// wrote compactly.
    func sealRecent(_ id: Int64, window: Int64) throws {
        try sealRecent([id], window: window)
    }

    /// `sealRecent` for each of `ids` (series of `window`, a pack's), then their sealed parts
    /// leave the window's pack rows: the packs they emptied are deleted in one statement, any
    /// other is rewritten without them (a series sealed apart from the others of its packs).
    func sealRecent(_ ids: [Int64], window: Int64) throws {
        var packs = SealedParts()
        for id in ids {
            guard try db.int("SELECT 1 FROM segment WHERE series_id = ? AND op = 1 LIMIT 1", [.integer(id)]) == nil
            else { continue }
            _ = try seal(id, window: window, refill: false, limit: Self.writerLimit, packs: &packs)
        }
        try packs.drop(db)
    }

    /// The pack rows a seal took parts from: per row, its series and those sealed.
    struct SealedParts {
        var rows: [Int64: (all: [Int64], sealed: Set<Int64>)] = [:]

        mutating func note(row: Int64, series: Int64, pack: UnsafeRawBufferPointer) throws {
            if rows[row] == nil {
                var all: [Int64] = []
                try SegmentPack.forEach(pack) { part in
                    all.append(part.seriesID)
                    return true
                }
                rows[row] = (all, [])
            }
            rows[row]!.sealed.insert(series)
        }

        /// Takes the sealed parts out of their pack rows.
        func drop(_ db: Connection) throws {
            guard !rows.isEmpty else { return }
            var emptied: [Int64] = []
            for (row, parts) in rows.sorted(by: { $0.key < $1.key }) {
                if parts.all.allSatisfy(parts.sealed.contains) {
                    emptied.append(row)
                    continue
                }
                let rest = try db.one("SELECT data FROM segment WHERE rowid = ?", [.integer(row)]) { st in
                    var columns = st.columns
                    return try columns.withBlob { pack -> (data: [UInt8], count: Int64) in
                        var count: Int64 = 0
                        try SegmentPack.forEach(pack) { part in
                            if !parts.sealed.contains(part.seriesID) { count += part.count }
                            return true
                        }
                        return (try SegmentPack.removing(parts.sealed, from: pack) ?? [], count)
                    }
                }
                if let rest {
                    try db.run(
                        "UPDATE segment SET data = ?, count = ? WHERE rowid = ?",
                        [.blob(rest.data), .integer(rest.count), .integer(row)])
                }
            }
            if !emptied.isEmpty {
                try db.run(
                    "DELETE FROM segment WHERE rowid IN (SELECT value FROM json_each(?))",
                    [.text("[" + emptied.map(String.init).joined(separator: ",") + "]")])
            }
        }
    }

    /// Seals the segments of series `id` of `window` (all of them append segments); with
    /// `refill`, rewrites its blocks from the first that holds fewer than `capacity` values;
    /// with `limit`, seals only the segments it allows (see `Limit`). Its parts of pack rows are
    /// noted in `packs`, for the caller to take out (`SealedParts.drop`).
    func seal(_ id: Int64, window: Int64, refill: Bool, limit: Limit? = nil, packs: inout SealedParts) throws
        -> Report
    {
        var report = Report()
        var run: Run?
        let w = SQLValue.integer(window)
        let s = SQLValue.integer(id)
        // Where the run starts: after the series' last block (its segments are no older than
        // that block's last epoch, so the walk of the window's index starts there).
        var nextSeq: Int64 = 0
        // No segment of a series is older than the series (`SeriesStore.birthOfSeries`).
        var from = try db.int("SELECT epoch FROM series WHERE series_id = ?", [s]) ?? 0
        try db.one(SeriesStore.blockTailSQL, [s, w]) { st in
            var row = st.columns  // last_seq, total, last_epoch
            nextSeq = row.int64() + 1
            _ = row.int64()
            from = row.int64()
        }
        var blocks: [SealedBlock] = []
        if refill {  // `compact`: the blocks themselves, to merge the small ones
            try db.forEach(SealedBlock.ofSeriesSQL, [s, w, .integer(.max)]) { blocks.append(SealedBlock($0)) }
        }
        if let open = blocks.firstIndex(where: { $0.count < capacity }) {
            // Those blocks' segments go through the run again, in order.
            for block in blocks[open...] {
                try db.run(
                    "DELETE FROM block WHERE window_id = ? AND series_id = ? AND first_seq = ?",
                    [w, s, .integer(block.firstSeq)])
                var plain: [UInt8] = []
                try block.values(into: &plain)
                var total = block.total - block.count
                try plain.withUnsafeBytes { bytes in
                    var reader = ValueCodec.Reader(bytes)
                    for (i, segment) in try block.segments().enumerated() {
                        let start = reader.offset
                        for _ in 0..<segment.count { try reader.skip() }
                        total += segment.count
                        try add(
                            &run, seq: block.firstSeq + Int64(i), segment, bytes[start..<reader.offset], total: total,
                            series: id, window: window, report: &report)
                    }
                }
            }
        }
        // The run sealed here: seqs `firstSealed ..< nextSeq`, epochs `from ... lastEpoch`. In
        // (epoch, seq) order, which is the series' seq order and the index's: no sort.
        let firstSealed = nextSeq
        var lastEpoch = from
        var ownRows = 0  // segment rows of the series sealed (not parts of packs)
        struct Stop: Error {}
        do {
            try db.forEach(
                "SELECT rowid, series_id, seq, op, epoch, count, total, data FROM segment WHERE window_id = ?1 AND epoch >= ?3 AND series_id IN (0, ?2) ORDER BY epoch, seq",
                [w, s, .integer(from)]
            ) { st in
                var row = st.columns
                let rowid = row.int64()
                let inPack = row.int64() == 0
                var (seq, op, epoch, count, total) = (row.int64(), row.int64(), row.int64(), row.int64(), row.int64())
                try row.withBlob { data in
                    var bytes = data[...]
                    if inPack {
                        guard let part = try SegmentPack.part(of: id, in: data) else { return }
                        (seq, op, count, total, bytes) = (part.seq, 0, part.count, part.total, data[part.values])
                    }
                    // Only the contiguous run after the blocks (`check` reports any gap).
                    guard op == 0, seq == nextSeq else { return }
                    let segment = BlockEpochs.Segment(epoch: epoch, count: count)
                    if let limit, segment.count > limit.values || nextSeq - firstSealed >= limit.segments {
                        throw Stop()  // the writer's seal ends before a bulk-written segment
                    }
                    nextSeq += 1
                    lastEpoch = epoch
                    if inPack {
                        try packs.note(row: rowid, series: id, pack: data)
                    } else {
                        ownRows += 1
                    }
                    try add(&run, seq: seq, segment, bytes, total: total, series: id, window: window, report: &report)
                }
            }
        } catch is Stop {}
        if let run, !run.segments.isEmpty {
            try write(run, series: id, window: window)
            report.blocksWritten += 1
        }
        // One statement for the run, not one per segment: (series_id, seq) is unique, so these
        // are exactly the rows read above (a DELETE per row cost ~9k instructions per segment).
        if ownRows > 0 {
            try db.run(
                """
                DELETE FROM segment WHERE window_id = ?1 AND epoch BETWEEN ?3 AND ?4 AND series_id = ?2
                  AND seq BETWEEN ?5 AND ?6
                """, [w, s, .integer(from), .integer(lastEpoch), .integer(firstSealed), .integer(nextSeq - 1)])
        }
        report.segmentsSealed = Int(nextSeq - firstSealed)
        return report
    }

    /// Adds segment `seq` (its values' bytes, the series' length after it) to `run`, and writes
    /// the run as a block once it holds `capacity` values.
    private func add(
        _ run: inout Run?, seq: Int64, _ segment: BlockEpochs.Segment, _ bytes: Slice<UnsafeRawBufferPointer>,
        total: Int64,
        series: Int64, window: Int64, report: inout Report
    ) throws {
        if run == nil { run = Run(firstSeq: seq, lastSeq: seq) }
        run!.segments.append(segment)
        run!.plain.append(contentsOf: bytes)
        run!.count += segment.count
        run!.total = total
        run!.lastSeq = seq
        if run!.count >= capacity {
            try write(run!, series: series, window: window)
            report.blocksWritten += 1
            run = nil
        }
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
