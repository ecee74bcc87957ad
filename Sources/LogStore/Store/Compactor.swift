/// `logstore compact [--before N]`: drops the history before epoch N that no longer affects
/// any state from N on, the one deliberate exception to the append-only rule.
///
/// What goes: env and window incarnations that were dead by N (with their heads, series and
/// segments); head versions superseded by N; series no remaining head references; and, for the
/// series that stay, every segment up to N is merged into one. What stays: every row a read
/// as of N or later uses, byte for byte, so current exports (contentID included) do not change.
/// Epoch rows and sealed epochs stay (they are the log's index; their `window_id` forgets
/// dropped windows), but a refused or failed epoch (never sealed) keeps at most
/// `EpochRow.refusedTextLimit` bytes of its env, window and detail, as such rows are written
/// now; reads as of an epoch before N are refused afterwards (`meta.compacted_before`).
struct Compactor {
    let db: Connection
    let before: Int64

    struct Report: Sendable, Equatable {
        /// Rows deleted outright: dead incarnations, superseded versions, unreferenced series.
        var rowsDeleted = 0
        /// Per-epoch segments up to N merged into one, whether segment rows or the segments a
        /// sealed block records (`block.epochs`).
        var segmentsMerged = 0
        /// Sealed block rows rewritten because they held more than one segment up to N.
        var blocksRewritten = 0
        /// Epoch rows that became unreadable: before N, and at or after the previous `compacted_before`.
        var epochsCompacted = 0
    }

    /// Refused and failed epochs up to N written before their texts were bounded keep, like
    /// those written since, at most `EpochRow.refusedTextLimit` bytes of each.
    func boundRefusedEpochs() throws {
        let limit = SQLValue.integer(Int64(EpochWriter.EpochRow.refusedTextLimit))
        var long: [(epoch: Int64, env: String?, win: String?, detail: String)] = []
        try db.forEach(
            """
            SELECT epoch, env, win, detail FROM epoch WHERE epoch <= ?1 AND status <> 'ok'
              AND (length(CAST(env AS BLOB)) > ?2 OR length(CAST(win AS BLOB)) > ?2 OR length(CAST(detail AS BLOB)) > ?2)
            """, [.integer(before), limit]
        ) { st in
            var row = st.columns
            long.append((row.int64(), row.optionalText(), row.optionalText(), row.text()))
        }
        for row in long {
            let cut = EpochWriter.EpochRow.cut
            try db.run(
                "UPDATE epoch SET env = ?, win = ?, detail = ? WHERE epoch = ?",
                [
                    row.env.map { .text(cut($0)) } ?? .null, row.win.map { .text(cut($0)) } ?? .null,
                    .text(cut(row.detail)), .integer(row.epoch),
                ])
        }
    }

    /// Sealed epochs, like epoch rows, forget the windows in `dead_window`: the kinds that name
    /// one name none (a run's kinds are rewritten; its epochs are unchanged otherwise).
    private func forgetDeadWindowsInEpochRuns() throws {
        let dead = Set(try db.ints("SELECT window_id FROM dead_window", []))
        guard !dead.isEmpty else { return }
        for run in try EpochTable.runs(after: .min, through: .max, db) {
            var kinds = run.kinds
            for i in kinds.indices where kinds[i].windowID.map(dead.contains) == true { kinds[i].windowID = nil }
            guard kinds != run.kinds else { continue }
            try db.run(
                "UPDATE epoch_run SET kinds = ? WHERE first_epoch = ?",
                [.blob(EpochRun.encodeKinds(kinds)), .integer(run.firstEpoch)])
        }
    }

    func run() throws -> Report {
        try SegmentPack.unpackAll(db)  // what follows works on segment rows of one series each
        var report = Report()
        let previous = try EpochTable.compactedBefore(db) ?? 0
        report.epochsCompacted = Int(
            try db.int(
                """
                SELECT (SELECT count(*) FROM epoch WHERE epoch < ?1 AND epoch >= ?2)
                  + (SELECT coalesce(sum(max(0, min(last_epoch, ?1 - 1) - max(first_epoch, ?2) + 1)), 0) FROM epoch_run)
                """, [.integer(before), .integer(previous)])
                ?? 0)
        func exec(_ sql: String, _ args: [SQLValue] = []) throws {
            try db.run(sql, args)
            report.rowsDeleted += db.changes
        }
        let n = SQLValue.integer(before)
        // 1. Dead env incarnations take their windows with them. (Not `exec`: after a CREATE,
        // sqlite3_changes() still counts the connection's last INSERT, UPDATE or DELETE.)
        try db.run("CREATE TEMP TABLE IF NOT EXISTS dead_window(window_id INTEGER PRIMARY KEY)", [])
        try db.run("DELETE FROM dead_window", [])
        try db.run(
            """
            INSERT OR IGNORE INTO dead_window SELECT w.window_id FROM window w
            WHERE w.window_id IN (SELECT window_id FROM window_end WHERE epoch <= ?1)
               OR w.env_id IN (SELECT env_id FROM env_end WHERE epoch <= ?1)
            """, [n])
        // Epoch rows stay, but no row may name a window that is gone.
        try db.run("UPDATE epoch SET window_id = NULL WHERE window_id IN (SELECT window_id FROM dead_window)", [])
        try forgetDeadWindowsInEpochRuns()
        try boundRefusedEpochs()
        for table in [
            "segment WHERE window_id IN (SELECT window_id FROM dead_window)",
            "block WHERE window_id IN (SELECT window_id FROM dead_window)",
            "series WHERE window_id IN (SELECT window_id FROM dead_window)",
            "head WHERE window_id IN (SELECT window_id FROM dead_window)",
            "window_change WHERE window_id IN (SELECT window_id FROM dead_window)",
            "window_end WHERE window_id IN (SELECT window_id FROM dead_window)",
            "window WHERE window_id IN (SELECT window_id FROM dead_window)",
        ] {
            try exec("DELETE FROM \(table)")
        }
        for table in ["env_reload", "env"] {
            try exec("DELETE FROM \(table) WHERE env_id IN (SELECT env_id FROM env_end WHERE epoch <= ?)", [n])
        }
        try exec("DELETE FROM env_end WHERE epoch <= ?", [n])
        // 2. Head and reload versions superseded by N.
        try exec(
            """
            DELETE FROM head WHERE epoch < ?1 AND epoch < (SELECT max(h.epoch) FROM head h
              WHERE h.window_id = head.window_id AND h.epoch <= ?1)
            """, [n])
        try exec(
            """
            DELETE FROM env_reload WHERE epoch < ?1 AND epoch < (SELECT max(r.epoch) FROM env_reload r
              WHERE r.env_id = env_reload.env_id AND r.epoch <= ?1)
            """, [n])
        try exec("DELETE FROM page_layout WHERE epoch < (SELECT max(epoch) FROM page_layout WHERE epoch <= ?1)", [n])
        try exec(
            """
            DELETE FROM window_change WHERE epoch < ?1 AND epoch < (SELECT max(c.epoch) FROM window_change c
              WHERE c.window_id = window_change.window_id AND c.epoch <= ?1)
            """, [n])
        // 3. Series that no remaining head references.
        var referenced = Set<Int64>()
        try db.forEach("SELECT doc FROM head", []) { st in
            var row = st.columns
            let pane = try row.withBlob { try ValueCodec.decodePane($0) }
            pane.forEachSeries { _, slot in
                referenced.insert(slot.id)
                return true
            }
        }
        var unreferenced: [(series: Int64, window: Int64)] = []
        try db.forEach("SELECT series_id, window_id FROM series", []) { st in
            var row = st.columns
            let (id, window) = (row.int64(), row.int64())
            if !referenced.contains(id) { unreferenced.append((id, window)) }
        }
        for (id, window) in unreferenced {
            try exec("DELETE FROM segment WHERE window_id = ? AND series_id = ?", [.integer(window), .integer(id)])
            try exec("DELETE FROM block WHERE window_id = ? AND series_id = ?", [.integer(window), .integer(id)])
            try exec("DELETE FROM series WHERE series_id = ?", [.integer(id)])
        }
        // 4. Each remaining series: its values up to N become one segment; what later epochs
        // wrote stays a segment per epoch (sealing, after this, makes blocks of them again).
        let store = SeriesStore(db, asOf: before)
        for id in referenced.sorted() {
            guard let window = try db.int("SELECT window_id FROM series WHERE series_id = ?", [.integer(id)]) else {
                continue
            }
            let (w, s) = (SQLValue.integer(window), SQLValue.integer(id))
            let blocks = try SealedBlock.of(series: id, window: window, asOf: .max, db)
            let blockSegments = try blocks.map { try $0.segments() }
            // A sealed block keeps every epoch's segment: those up to N are history to merge.
            let old =
                try
                (db.int("SELECT count(*) FROM segment WHERE window_id = ? AND series_id = ? AND epoch <= ?", [w, s, n])
                ?? 0)
                + Int64(blockSegments.reduce(0) { $0 + $1.filter { $0.epoch <= before }.count })
            guard old > 1 else { continue }
            let values = try store.elements(of: id)
            var last =
                try db.int(
                    "SELECT max(epoch) FROM segment WHERE window_id = ? AND series_id = ? AND epoch <= ?", [w, s, n])
                ?? 0
            var later: [(epoch: Int64, op: Int64, count: Int64, data: [UInt8])] = []
            for (block, segments) in zip(blocks, blockSegments) {
                var bytes: [UInt8] = []
                try block.values(into: &bytes)
                var all: [JSONValue] = []
                try bytes.withUnsafeBytes { try ValueCodec.decodeValues($0, into: &all) }
                var at = 0
                for segment in segments {
                    let part = Array(all[at..<at + Int(segment.count)])
                    at += Int(segment.count)
                    if segment.epoch <= before {
                        last = max(last, segment.epoch)
                    } else {
                        later.append((segment.epoch, 0, segment.count, ValueCodec.encode(part)))
                    }
                }
            }
            try db.forEach(
                "SELECT epoch, op, count, data FROM segment WHERE window_id = ? AND series_id = ? AND epoch > ? ORDER BY epoch, seq",
                [w, s, n]
            ) { st in
                var row = st.columns
                later.append((row.int64(), row.int64(), row.int64(), row.blob()))
            }
            try db.run("DELETE FROM segment WHERE window_id = ? AND series_id = ?", [w, s])
            try db.run("DELETE FROM block WHERE window_id = ? AND series_id = ?", [w, s])
            var total = Int64(values.count)
            try SegmentRow(
                windowID: window, seriesID: id, seq: 0, epoch: last, op: 0, count: total, total: total,
                data: ValueCodec.encode(values)
            ).insert(db)
            for (i, g) in later.enumerated() {
                total += g.count
                try SegmentRow(
                    windowID: window, seriesID: id, seq: Int64(i + 1), epoch: g.epoch, op: g.op, count: g.count,
                    total: total, data: g.data
                ).insert(db)
            }
            report.segmentsMerged += Int(old)
            report.blocksRewritten += blocks.count
        }
        try db.run("INSERT OR REPLACE INTO meta(key, value) VALUES ('compacted_before', ?)", [n])
        return report
    }
}
