/// The rows that break an invariant of the schema (schema.sql, docs/FORMAT.md), found by SQL
/// and decoded here; `Checker` (Inspect/) words them. Each query reads the whole store.
struct StoreAudit {
    let db: Connection

    /// For each table with epoch columns: an SQL expression naming one of its rows, and the column.
    private static let epochColumns: [(table: String, row: String, column: String)] = [
        ("env", "'env ' || env_id || ' ''' || name || ''''", "epoch"),
        ("env_end", "'tombstone of env ' || env_id", "epoch"),
        ("env_reload", "'reload of env ' || env_id", "epoch"),
        ("window", "'window ' || window_id || ' ''' || wid || ''''", "epoch"),
        ("window_end", "'tombstone of window ' || window_id", "epoch"),
        ("head", "'head of window ' || window_id", "epoch"),
        ("series", "'series ' || series_id", "epoch"),
        (
            "segment",
            "CASE series_id WHEN 0 THEN 'pack row of window ' || window_id ELSE 'segment ' || seq || ' of series ' || series_id END",
            "epoch"
        ),
        ("window_change", "'change of window ' || window_id", "epoch"),
        ("import_progress", "'import progress of ' || path", "epoch"),
        ("page_layout", "'page layouts of epoch ' || epoch", "epoch"),
        ("block", "'block of series ' || series_id || ' from seq ' || first_seq", "first_epoch"),
        ("block", "'block of series ' || series_id || ' from seq ' || first_seq", "last_epoch"),
    ]

    /// Whether epoch `expression` is an epoch row or an epoch of a sealed run, in SQL (one
    /// index probe each: the run that could hold it is the last one starting at or before it).
    static func epochExists(_ expression: String) -> String {
        """
        (EXISTS (SELECT 1 FROM epoch e WHERE e.epoch = \(expression))
          OR coalesce((SELECT r.last_epoch FROM epoch_run r WHERE r.first_epoch <= \(expression)
                       ORDER BY r.first_epoch DESC LIMIT 1) >= \(expression), 0))
        """
    }

    /// Rows of any table whose epoch is neither an epoch row nor sealed in a run: the row,
    /// named, and its epoch. Tables a read-only handle on an older store lacks are skipped.
    func rowsOfUnknownEpochs() throws -> [(row: String, epoch: Int64)] {
        var out: [(row: String, epoch: Int64)] = []
        for (table, row, column) in Self.epochColumns {
            guard
                try db.int("SELECT count(*) FROM sqlite_schema WHERE type = 'table' AND name = ?", [.text(table)]) == 1
            else { continue }
            try db.forEach(
                "SELECT \(row), \(column) FROM \(table) t WHERE NOT \(Self.epochExists("t.\(column)"))", []
            ) { st in
                var columns = st.columns
                out.append((columns.text(), columns.int64()))
            }
        }
        return out
    }

    /// Epochs naming as the window they changed one born after them (none in a store whose
    /// epoch rows do not name their window), rows and sealed epochs, by epoch.
    func epochsChangingUnbornWindows() throws -> [(epoch: Int64, window: Int64, born: Int64)] {
        guard try Schema.epochRowsNameTheirWindow(db) else { return [] }
        var out = try db.all(
            "SELECT e.epoch, w.window_id, w.epoch FROM epoch e JOIN window w USING (window_id) WHERE w.epoch > e.epoch",
            []
        ) { st in
            var row = st.columns
            return (epoch: row.int64(), window: row.int64(), born: row.int64())
        }
        for run in try EpochTable.runs(after: .min, through: .max, db) {
            guard let epochs = try? run.epochs() else { continue }  // `brokenEpochRuns` reports it
            var born: [Int64: Int64?] = [:]
            for e in epochs {
                guard let id = run.kinds[e.kind].windowID else { continue }
                if born[id] == nil {
                    born[id] = .some(try db.int("SELECT epoch FROM window WHERE window_id = ?", [.integer(id)]))
                }
                if let b = born[id] ?? nil, b > e.epoch { out.append((e.epoch, id, b)) }
            }
        }
        return out.sorted { $0.epoch < $1.epoch }
    }

    /// Sealed runs that break `EpochRun`'s invariants: each run's first epoch and the problem.
    func brokenEpochRuns() throws -> [(run: Int64, problem: String)] {
        var out: [(run: Int64, problem: String)] = []
        var previous: EpochRun?
        // Oldest first, so each run is compared with the one before it.
        for run in try EpochTable.runs(after: .min, through: .max, db).reversed() {
            func problem(_ p: String) { out.append((run.firstEpoch, p)) }
            if let p = previous, p.lastEpoch >= run.firstEpoch {
                problem("overlaps the run of epochs \(p.firstEpoch)…\(p.lastEpoch)")
            }
            previous = run
            if run.lastEpoch < run.firstEpoch { problem("ends (\(run.lastEpoch)) before it starts") }
            let rows =
                try db.int(
                    "SELECT count(*) FROM epoch WHERE epoch BETWEEN ? AND ?",
                    [.integer(run.firstEpoch), .integer(run.lastEpoch)]) ?? 0
            if rows > 0 { problem("\(rows) of its epochs are also epoch rows") }
            do {
                let epochs = try run.epochs()
                let times = epochs.map(\.timeMS)
                if times.min() != run.minTimeMS || times.max() != run.maxTimeMS {
                    problem("its times are not min_time_ms \(run.minTimeMS) … max_time_ms \(run.maxTimeMS)")
                }
                if Set(epochs.map(\.kind)).count != run.kinds.count { problem("lists a kind no epoch has") }
            } catch {
                problem("\(error)")
            }
        }
        if let newest = try EpochTable.latest(db), let last = previous, last.lastEpoch >= newest {
            out.append((last.firstEpoch, "holds the newest epoch, which must be an epoch row"))
        }
        return out
    }

    /// Two incarnations of one name alive at once (alive over [birth, tombstone)): the env
    /// (for windows, the env id), the name, both incarnations and when both are alive.
    struct Overlap {
        let env: Int64?
        let name: String
        let first, second, epoch: Int64
    }

    func overlappingEnvs() throws -> [Overlap] {
        try db.all(
            """
            SELECT a.name, a.env_id, b.env_id, max(a.epoch, b.epoch) FROM env a
            JOIN env b ON b.name = a.name AND b.env_id > a.env_id
            WHERE a.epoch < coalesce((SELECT epoch FROM env_end x WHERE x.env_id = b.env_id), 9223372036854775807)
              AND b.epoch < coalesce((SELECT epoch FROM env_end x WHERE x.env_id = a.env_id), 9223372036854775807)
            ORDER BY a.env_id, b.env_id
            """, []
        ) { st in
            var row = st.columns
            return Overlap(env: nil, name: row.text(), first: row.int64(), second: row.int64(), epoch: row.int64())
        }
    }

    func overlappingWindows() throws -> [Overlap] {
        try db.all(
            """
            SELECT a.env_id, a.wid, a.window_id, b.window_id, max(a.epoch, b.epoch) FROM window a
            JOIN window b ON b.env_id = a.env_id AND b.wid = a.wid AND b.window_id > a.window_id
            WHERE a.epoch < coalesce((SELECT epoch FROM window_end x WHERE x.window_id = b.window_id), 9223372036854775807)
              AND b.epoch < coalesce((SELECT epoch FROM window_end x WHERE x.window_id = a.window_id), 9223372036854775807)
            ORDER BY a.window_id, b.window_id
            """, []
        ) { st in
            var row = st.columns
            return Overlap(
                env: row.int64(), name: row.text(), first: row.int64(), second: row.int64(), epoch: row.int64())
        }
    }

    /// An incarnation whose tombstone is before its birth: its id, name, tombstone and birth.
    struct EarlyTombstone {
        let id: Int64
        let name: String
        let end, born: Int64

        init(_ st: Statement) {
            var row = st.columns
            (id, name, end, born) = (row.int64(), row.text(), row.int64(), row.int64())
        }
    }

    func earlyEnvTombstones() throws -> [EarlyTombstone] {
        try db.all(
            "SELECT e.env_id, e.name, x.epoch, e.epoch FROM env_end x JOIN env e USING (env_id) WHERE x.epoch < e.epoch ORDER BY e.env_id",
            [], EarlyTombstone.init)
    }

    func earlyWindowTombstones() throws -> [EarlyTombstone] {
        try db.all(
            "SELECT w.window_id, w.wid, x.epoch, w.epoch FROM window_end x JOIN window w USING (window_id) WHERE x.epoch < w.epoch ORDER BY w.window_id",
            [], EarlyTombstone.init)
    }

    /// Every window incarnation with its birth and its first head's epoch (nil: no head).
    func firstHeads() throws -> [(window: Int64, wid: String, born: Int64, firstHead: Int64?)] {
        try db.all(
            "SELECT window_id, wid, epoch, (SELECT min(h.epoch) FROM head h WHERE h.window_id = w.window_id) FROM window w ORDER BY window_id",
            []
        ) { st in
            var row = st.columns
            return (row.int64(), row.text(), row.int64(), row.optionalInt64())
        }
    }

    /// Every series: its window, kind and creation epoch, by id.
    func series() throws -> [Int64: (window: Int64, kind: Int64, epoch: Int64)] {
        var out: [Int64: (window: Int64, kind: Int64, epoch: Int64)] = [:]
        try db.forEach("SELECT series_id, window_id, kind, epoch FROM series", []) { st in
            var row = st.columns
            out[row.int64()] = (row.int64(), row.int64(), row.int64())
        }
        return out
    }

    /// Calls `body` with every head version, by window then epoch, its bytes lent for the call.
    func forEachHead(_ body: (_ window: Int64, _ epoch: Int64, _ doc: UnsafeRawBufferPointer) throws -> Void) throws {
        try db.forEach("SELECT window_id, epoch, doc FROM head ORDER BY window_id, epoch", []) { st in
            var row = st.columns
            let (window, epoch) = (row.int64(), row.int64())
            try row.withBlob { try body(window, epoch, $0) }
        }
    }

    /// A segment or a sealed block, with what its series row says: one row of a series' runs.
    struct SeriesRun {
        let seriesID, seq, epoch, count, total: Int64
        /// The series' creation epoch and window; nil when no series row has its id.
        let seriesEpoch: Int64?
        let windowID: Int64
        let seriesWindow: Int64?
        /// For a block: its last seq, last epoch and epochs.
        let block: (lastSeq: Int64, lastEpoch: Int64, epochs: [UInt8])?

        /// A segment that is a part of a pack row (`SegmentPack`).
        init(
            part: SegmentPack.Part, epoch: Int64, windowID: Int64,
            series: (window: Int64, kind: Int64, epoch: Int64)?
        ) {
            (seriesID, seq, self.epoch, count, total) = (part.seriesID, part.seq, epoch, part.count, part.total)
            (seriesEpoch, self.windowID, seriesWindow, block) = (series?.epoch, windowID, series?.window, nil)
        }

        /// Reads every column but the last, `data`.
        init(_ row: inout ColumnReader) {
            (seriesID, seq, epoch, count, total) = (row.int64(), row.int64(), row.int64(), row.int64(), row.int64())
            seriesEpoch = row.optionalInt64()
            windowID = row.int64()
            seriesWindow = row.optionalInt64()
            if let lastSeq = row.optionalInt64() {
                block = (lastSeq, row.int64(), row.blob())
            } else {
                _ = row.optionalInt64()
                _ = row.optionalBlob()
                block = nil
            }
        }
    }

    /// Calls `body` with every segment and sealed block, by series then seq, and its data,
    /// lent for the call. A pack row's parts come as segments, among their series' others.
    func forEachSeriesRun(_ body: (SeriesRun, _ data: UnsafeRawBufferPointer) throws -> Void) throws {
        let series = try self.series()
        var parts: [(run: SeriesRun, data: [UInt8])] = []
        try db.forEach("SELECT window_id, epoch, data FROM segment WHERE series_id = 0", []) { st in
            var row = st.columns
            let (window, epoch) = (row.int64(), row.int64())
            try row.withBlob { pack in
                try SegmentPack.forEach(pack) { part in
                    let run = SeriesRun(part: part, epoch: epoch, windowID: window, series: series[part.seriesID])
                    parts.append((run, Array(pack[part.values])))
                    return true
                }
            }
        }
        parts.sort { ($0.run.seriesID, $0.run.seq) < ($1.run.seriesID, $1.run.seq) }
        var next = 0
        /// The parts that come before series `id`'s run `seq` (all of them: nil).
        func partsBefore(_ key: (id: Int64, seq: Int64)?) throws {
            while next < parts.count, key.map({ (parts[next].run.seriesID, parts[next].run.seq) < $0 }) ?? true {
                try parts[next].data.withUnsafeBytes { try body(parts[next].run, $0) }
                next += 1
            }
        }
        try db.forEach(
            """
            SELECT s.series_id, s.seq, s.epoch, s.count, s.total, r.epoch, s.window_id, r.window_id,
                   NULL, NULL, NULL, s.data FROM segment s LEFT JOIN series r USING (series_id)
            WHERE s.series_id <> 0
            UNION ALL
            SELECT b.series_id, b.first_seq, b.first_epoch, b.count, b.total, r.epoch, b.window_id, r.window_id,
                   b.last_seq, b.last_epoch, b.epochs, b.data FROM block b LEFT JOIN series r USING (series_id)
            ORDER BY 1, 2
            """, []
        ) { st in
            var row = st.columns
            let run = SeriesRun(&row)
            try partsBefore((run.seriesID, run.seq))
            try row.withBlob { try body(run, $0) }
        }
        try partsBefore(nil)
    }
}
