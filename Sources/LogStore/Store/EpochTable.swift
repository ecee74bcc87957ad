/// Reads of the `epoch` table and of `meta` that the facade, readers and checks share
/// (schema.sql, epoch and meta).
enum EpochTable {
    /// The newest epoch's number.
    static let latestSQL = "SELECT max(epoch) FROM epoch"

    /// The newest epoch; nil only for a table with no rows (a store always has epoch 0, its
    /// creation).
    static func latest(_ db: Connection) throws -> Int64? { try db.int(latestSQL, []) }

    /// The oldest epoch written at or after `timeMS` (milliseconds since 1970), nil if none.
    static func first(writtenSince timeMS: Int64, _ db: Connection) throws -> Int64? {
        let row = try db.int("SELECT min(epoch) FROM epoch WHERE time_ms >= ?", [.integer(timeMS)])
        // The first run with a time at or after `timeMS` holds the oldest such sealed epoch.
        let run = try db.one(
            "SELECT \(EpochRun.columns) FROM epoch_run WHERE max_time_ms >= ? ORDER BY first_epoch LIMIT 1",
            [.integer(timeMS)]
        ) { try EpochRun($0) }
        let sealed = try run?.epochs().first { $0.timeMS >= timeMS }?.epoch
        return [row, sealed].compactMap { $0 }.min()
    }

    /// `compact --before N`'s N (`meta.compacted_before`): reads as of an epoch before it are
    /// refused; nil when the store was never compacted.
    static func compactedBefore(_ db: Connection) throws -> Int64? {
        try db.int("SELECT value FROM meta WHERE key = 'compacted_before'", [])
    }

    /// How many epochs there are (rows and sealed), and the lowest and highest (nil with none).
    static func extent(_ db: Connection) throws -> (count: Int64, low: Int64, high: Int64)? {
        let rows = try db.one("SELECT count(*), min(epoch), max(epoch) FROM epoch", []) { st in
            var row = st.columns
            return (row.int64(), row.optionalInt64(), row.optionalInt64())
        }
        let runs = try db.one(
            "SELECT coalesce(sum(last_epoch - first_epoch + 1), 0), min(first_epoch), max(last_epoch) FROM epoch_run",
            []
        ) { st in
            var row = st.columns
            return (row.int64(), row.optionalInt64(), row.optionalInt64())
        }
        let count = (rows?.0 ?? 0) + (runs?.0 ?? 0)
        let lows = [rows?.1, runs?.1].compactMap { $0 }
        let highs = [rows?.2, runs?.2].compactMap { $0 }
        return (count, lows.min() ?? 0, highs.max() ?? 0)
    }

    /// The gaps in the epoch numbers 0 ... `high`: each run of missing numbers after an
    /// existing epoch (a row or a sealed one), ascending (numbers missing before the lowest
    /// epoch are not listed).
    static func gaps(below high: Int64, _ db: Connection) throws -> [ClosedRange<Int64>] {
        // The stretches of consecutive epochs: the rows' (from their gaps) and the runs'.
        var stretches: [(lo: Int64, hi: Int64)] = try db.all(
            "SELECT first_epoch, last_epoch FROM epoch_run ORDER BY first_epoch", []
        ) { st in
            var row = st.columns
            return (row.int64(), row.int64())
        }
        let starts = try db.ints(
            "SELECT e.epoch FROM epoch e WHERE NOT EXISTS (SELECT 1 FROM epoch p WHERE p.epoch = e.epoch - 1) ORDER BY 1",
            [])
        let ends = try db.ints(
            "SELECT e.epoch FROM epoch e WHERE NOT EXISTS (SELECT 1 FROM epoch n WHERE n.epoch = e.epoch + 1) ORDER BY 1",
            [])
        for (lo, hi) in zip(starts, ends) { stretches.append((lo, hi)) }
        stretches.sort { $0.lo < $1.lo }
        var merged: [(lo: Int64, hi: Int64)] = []
        for s in stretches {
            if let last = merged.last, s.lo <= last.hi + 1 {
                merged[merged.count - 1].hi = max(last.hi, s.hi)
            } else {
                merged.append(s)
            }
        }
        var gaps: [ClosedRange<Int64>] = []
        for (i, s) in merged.enumerated() where s.hi >= 0 && s.hi < high {
            let from = s.hi + 1
            // Past the last stretch (a `high` above every epoch), one number, as before.
            gaps.append(from...max(from, i + 1 < merged.count ? merged[i + 1].lo - 1 : from))
        }
        return gaps
    }

    /// Every sealed run holding an epoch in `after + 1 ... through`, newest first.
    static func runs(after: Int64, through: Int64, _ db: Connection) throws -> [EpochRun] {
        try db.all(
            """
            SELECT \(EpochRun.columns) FROM epoch_run WHERE first_epoch <= ?2 AND last_epoch > ?1
            ORDER BY first_epoch DESC
            """, [.integer(after), .integer(through)]
        ) { try EpochRun($0) }
    }

    /// The epochs `filter` selects, newest first: `SELECT <columns> FROM epoch WHERE … ORDER BY
    /// epoch DESC LIMIT …`, with its arguments.
    private static func selecting(_ columns: String, _ filter: EpochFilter) -> (String, [SQLValue]) {
        let sql = """
            SELECT \(columns) FROM epoch
            WHERE (?1 IS NULL OR env = ?1) AND epoch > ?2 AND epoch <= ?3 AND time_ms >= ?4 AND time_ms <= ?5
            ORDER BY epoch DESC LIMIT ?6
            """
        return (
            sql,
            [
                filter.env.map(SQLValue.text) ?? .null, .integer(filter.after ?? -1), .integer(filter.through ?? .max),
                .integer(filter.fromTimeMS ?? .min), .integer(filter.toTimeMS ?? .max),
                .integer(filter.limit.map { Int64(max($0, 0)) } ?? -1),
            ]
        )
    }

    /// Calls `body` with each epoch `filter` selects, newest first, and the window id its row
    /// names (nil when it names none, and always in a store before version 2, whose epoch rows
    /// name their windows only in window_change: read as is, `log` does not upgrade a store).
    /// Sealed epochs (`EpochRun`) come in their places among the rows, exactly as their rows did.
    static func forEachRecord(
        _ filter: EpochFilter, _ db: Connection, _ body: (EpochRecord, _ window: Int64?) throws -> Void
    ) throws {
        var left = filter.limit.map { Int64(max($0, 0)) } ?? .max
        guard left > 0 else { return }
        let window = try Schema.epochRowsNameTheirWindow(db) ? "window_id" : "NULL"
        let (sql, args) = selecting("epoch, time_ms, source, endpoint, env, win, status, detail, \(window)", filter)
        var sealed = SealedEpochs(filter: filter, db)
        struct Done: Error {}
        func emit(_ record: EpochRecord, _ window: Int64?) throws {
            try body(record, window)
            left -= 1
            if left == 0 { throw Done() }
        }
        do {
            try db.forEach(sql, args) { st in
                var row = st.columns
                let record = EpochRecord(
                    epoch: row.int64(), timeMS: row.int64(), source: row.text(), endpoint: row.text(),
                    env: row.optionalText(), window: row.optionalText(), status: row.text(), detail: row.text())
                let window = row.optionalInt64()
                while let s = try sealed.next(above: record.epoch) { try emit(s.0, s.1) }
                try emit(record, window)
            }
            while let s = try sealed.next(above: .min) { try emit(s.0, s.1) }
        } catch is Done {}
    }

    /// The epochs of sealed runs that `filter` selects, newest first: a run is read (one index
    /// probe) and decoded only when the merge reaches it, so `log --limit 10` reads one or two.
    private struct SealedEpochs {
        let db: Connection
        let filter: EpochFilter
        let env: [UInt8]?
        /// Runs starting before this epoch are still to be read.
        var below = Int64.max
        var exhausted = false
        var upcoming: EpochRun?
        var pending: [(EpochRecord, Int64?)] = []  // the current run's, oldest first

        init(filter: EpochFilter, _ db: Connection) {
            self.db = db
            self.filter = filter
            self.env = filter.env.map { Array($0.utf8) }
        }

        /// The newest run not read yet that may hold an epoch `filter` selects.
        mutating func fetch() throws -> EpochRun? {
            guard !exhausted else { return nil }
            let run = try db.one(
                """
                SELECT \(EpochRun.columns) FROM epoch_run
                WHERE first_epoch < ?1 AND first_epoch <= ?2 AND last_epoch > ?3 AND max_time_ms >= ?4 AND min_time_ms <= ?5
                ORDER BY first_epoch DESC LIMIT 1
                """,
                [
                    .integer(below), .integer(filter.through ?? .max), .integer(filter.after ?? -1),
                    .integer(filter.fromTimeMS ?? .min), .integer(filter.toTimeMS ?? .max),
                ]
            ) { try EpochRun($0) }
            if let run { below = run.firstEpoch } else { exhausted = true }
            return run
        }

        /// The next sealed epoch above `epoch`, nil when the next one is not above it.
        mutating func next(above epoch: Int64) throws -> (EpochRecord, Int64?)? {
            while pending.isEmpty {
                if upcoming == nil { upcoming = try fetch() }
                guard let run = upcoming, run.lastEpoch > epoch else { return nil }
                upcoming = nil
                let (after, through) = (filter.after ?? -1, filter.through ?? .max)
                let (from, to) = (filter.fromTimeMS ?? .min, filter.toTimeMS ?? .max)
                for e in try run.epochs()
                where e.epoch > after && e.epoch <= through && e.timeMS >= from && e.timeMS <= to
                    && (env == nil || run.kinds[e.kind].env == env)
                {
                    pending.append(run.record(e))
                }
            }
            guard pending[pending.count - 1].0.epoch > epoch else { return nil }
            return pending.removeLast()
        }
    }

    /// The longest fields of the epochs `filter` selects, in UTF-8 bytes, and the greatest epoch.
    static func fieldLengths(_ filter: EpochFilter, _ db: Connection) throws -> EpochFieldLengths {
        var lengths = EpochFieldLengths()
        func add(_ r: EpochRecord) {
            lengths.source = max(lengths.source, r.source.utf8.count)
            lengths.endpoint = max(lengths.endpoint, r.endpoint.utf8.count)
            lengths.env = max(lengths.env, r.env?.utf8.count ?? 0)
            lengths.window = max(lengths.window, r.window?.utf8.count ?? 0)
            lengths.maxEpoch = max(lengths.maxEpoch, r.epoch)
        }
        // With a limit, the newest epochs of rows and runs together: one merged pass.
        guard filter.limit == nil else {
            try forEachRecord(filter, db) { r, _ in add(r) }
            return lengths
        }
        // Without: the rows in SQL, then the sealed epochs.
        let (inner, args) = selecting("epoch, source, endpoint, env, win", filter)
        let sql = """
            SELECT max(length(CAST(source AS BLOB))), max(length(CAST(endpoint AS BLOB))),
              max(length(CAST(env AS BLOB))), max(length(CAST(win AS BLOB))), max(epoch) FROM (\(inner))
            """
        try db.one(sql, args) { st in
            var row = st.columns
            lengths = EpochFieldLengths(
                source: Int(row.int64()), endpoint: Int(row.int64()), env: Int(row.int64()),
                window: Int(row.int64()), maxEpoch: row.int64())
        }
        var sealed = SealedEpochs(filter: filter, db)
        while let (r, _) = try sealed.next(above: .min) { add(r) }
        return lengths
    }
}
