/// Verifies a store: SQLite's own checks, then LogStore's invariants (schema.sql,
/// docs/FORMAT.md), each reported as one line that names the rows involved.
///
/// The invariants checked, in the order they are reported:
/// 1. `PRAGMA integrity_check` answers `ok`; `PRAGMA foreign_key_check` finds nothing.
/// 2. Epochs are exactly 0, 1, …, max: no gap, none missing at the start, none negative;
///    each is an epoch row or an epoch of one sealed run (`EpochRun`), whose record decodes.
/// 3. Every row's epoch is an epoch (a row or sealed; so it is also <= max), and the
///    window an epoch names as the one it changed was born at or before it.
/// 4. At any epoch at most one incarnation of an env name is alive, and at most one
///    incarnation of a window id in an env incarnation. Alive over [birth, tombstone).
/// 5. A tombstone's epoch is at or after its incarnation's birth.
/// 6. Every window has heads, the first one at its birth epoch (none before it).
/// 7. Every head decodes to a window object with no trailing bytes, and each series reference
///    in it names a series of the same window, of the same kind, created at or before the head.
/// 8. The segments of each series have seq 0…n-1, epochs non-decreasing with seq and not
///    before the series' creation, the series' window as their `window_id`, `total` equal to
///    the running sum of `count`, and `count` equal to the number of values their `data`
///    decodes to.
/// 9. Every live window, and every live env's reload document, materializes without error.
///
/// A check that cannot run (the file is too damaged to query) is itself reported, and the
/// other checks still run. Each kind of problem lists at most `Checker.limit` rows.
struct Checker {
    let db: Connection
    private(set) var problems: [String] = []

    static let limit = 50

    init(db: Connection) { self.db = db }

    mutating func run() -> [String] {
        attempt("integrity_check") { try $0.sqliteChecks() }
        attempt("epochs") { try $0.epochNumbers() }
        attempt("row epochs") { try $0.rowEpochs() }
        attempt("incarnations") { try $0.incarnations() }
        attempt("tombstones") { try $0.tombstones() }
        attempt("heads") { try $0.headVersions() }
        attempt("series references") { try $0.seriesReferences() }
        attempt("segments") { try $0.segments() }
        attempt("materialization") { try $0.materialization() }
        return problems
    }

    private mutating func attempt(_ what: String, _ body: (inout Checker) throws -> Void) {
        do { try body(&self) } catch { problems.append("could not check \(what): \(error)") }
    }

    /// Adds up to `limit` problems from `found`, then one line counting the rest.
    private mutating func report(_ found: [String]) {
        problems.append(contentsOf: found.prefix(Self.limit))
        if found.count > Self.limit { problems.append("… and \(found.count - Self.limit) more like the line above") }
    }

    // MARK: 1. SQLite

    private mutating func sqliteChecks() throws {
        var found: [String] = []
        for line in try db.integrityCheck(limit: Self.limit) where line != "ok" {
            found.append("integrity_check: \(line)")
        }
        var missing: [String: Int] = [:]
        var order: [String] = []
        // A sealed epoch has no epoch row: references to epochs are checked in 3, run-aware. A
        // pack row's series_id is 0, no series (its parts' series are checked in 8).
        for violation in try db.foreignKeyViolations() where violation.parent != "epoch" {
            if violation.table == "segment", violation.parent == "series", let rowid = violation.rowid,
                try db.int("SELECT series_id FROM segment WHERE rowid = ?", [.integer(rowid)]) == 0
            {
                continue
            }
            let key = "\(violation.table) → \(violation.parent)"
            if missing[key] == nil { order.append(key) }
            missing[key, default: 0] += 1
        }
        for key in order {
            let parts = key.components(separatedBy: " → ")
            let n = missing[key] ?? 0
            found.append(
                "foreign_key_check: \(n) \(n == 1 ? "row" : "rows") of \(parts[0]) \(n == 1 ? "refers" : "refer") to a missing row of \(parts[1])"
            )
        }
        report(found)
    }

    // MARK: 2. epoch numbers

    private mutating func epochNumbers() throws {
        var found: [String] = []
        guard let (count, low, high) = try EpochTable.extent(db), count > 0 else {
            report(["the epoch table is empty (epoch 0, the store's creation, must exist)"])
            return
        }
        if low < 0 { found.append("epoch \(low) is negative (epochs run 0…\(high))") }
        if low > 0 { found.append(Self.missing(0, low - 1, high: high)) }
        for gap in try EpochTable.gaps(below: high, db) {
            found.append(Self.missing(gap.lowerBound, gap.upperBound, high: high))
        }
        for (run, problem) in try StoreAudit(db: db).brokenEpochRuns() {
            found.append("sealed run of epochs from \(run): \(problem)")
        }
        report(found)
    }

    private static func missing(_ from: Int64, _ to: Int64, high: Int64) -> String {
        (from == to ? "epoch \(from) is missing" : "epochs \(from)…\(to) are missing")
            + " (epochs must run 0…\(high) without gaps)"
    }

    // MARK: 3. row epochs

    private mutating func rowEpochs() throws {
        let high = try EpochTable.latest(db) ?? -1
        let audit = StoreAudit(db: db)
        var found: [String] = []
        for (row, epoch) in try audit.rowsOfUnknownEpochs() {
            found.append("\(row): epoch \(epoch) is not in the epoch table (newest: \(high))")
        }
        for (epoch, window, born) in try audit.epochsChangingUnbornWindows() {
            found.append("epoch \(epoch): changed window \(window), born later (epoch \(born))")
        }
        report(found)
    }

    // MARK: 4. incarnations

    private mutating func incarnations() throws {
        let audit = StoreAudit(db: db)
        var found: [String] = []
        for o in try audit.overlappingEnvs() {
            found.append("env '\(o.name)': incarnations \(o.first) and \(o.second) are both alive at epoch \(o.epoch)")
        }
        for o in try audit.overlappingWindows() {
            found.append(
                "window '\(o.name)' of env \(o.env ?? 0): incarnations \(o.first) and \(o.second) are both alive at epoch \(o.epoch)"
            )
        }
        report(found)
    }

    // MARK: 5. tombstones

    private mutating func tombstones() throws {
        let audit = StoreAudit(db: db)
        var found: [String] = []
        for t in try audit.earlyEnvTombstones() {
            found.append("env \(t.id) '\(t.name)': tombstone at epoch \(t.end) is before its birth at epoch \(t.born)")
        }
        for t in try audit.earlyWindowTombstones() {
            found.append(
                "window \(t.id) '\(t.name)': tombstone at epoch \(t.end) is before its birth at epoch \(t.born)")
        }
        report(found)
    }

    // MARK: 6. head versions

    private mutating func headVersions() throws {
        var found: [String] = []
        for (window, wid, birth, first) in try StoreAudit(db: db).firstHeads() {
            let name = "window \(window) '\(wid)'"
            guard let first else {
                found.append("\(name) has no head")
                continue
            }
            if first < birth {
                found.append("\(name) has a head at epoch \(first), before its birth at epoch \(birth)")
            } else if first > birth {
                found.append("\(name) has no head at its birth epoch \(birth) (the first is at epoch \(first))")
            }
        }
        report(found)
    }

    // MARK: 7. series references in heads

    private mutating func seriesReferences() throws {
        let audit = StoreAudit(db: db)
        let series = try audit.series()
        var found: [String] = []
        try audit.forEachHead { window, epoch, bytes in
            let name = "head of window \(window) at epoch \(epoch)"
            let head: PaneValue
            do {
                var reader = ValueCodec.Reader(bytes)
                head = try reader.pane()
                if !reader.atEnd { throw ValueCodec.DecodeError(offset: reader.offset) }
            } catch {
                found.append("\(name) does not decode: \(error)")
                return
            }
            // A head need not be an object: visdom's win_data stores any JSON value as a window
            // (a list, a number, null, ...), and so does an env file it loads.
            head.forEachSeries { _, slot in
                guard let s = series[slot.id] else {
                    found.append("\(name) refers to series \(slot.id), which does not exist")
                    return true
                }
                if s.window != window {
                    found.append("\(name) refers to series \(slot.id), which belongs to window \(s.window)")
                } else if s.kind != Int64(slot.kind.rawValue) {
                    found.append(
                        "\(name) refers to series \(slot.id) as kind \(slot.kind.rawValue), but its kind is \(s.kind)")
                } else if s.epoch > epoch {
                    found.append("\(name) refers to series \(slot.id), created later at epoch \(s.epoch)")
                }
                return true
            }
        }
        report(found)
    }

    // MARK: 8. segments

    /// What is wrong with a sealed block on its own (schema.sql, block): its epochs must decode
    /// to one segment per seq, from `first_epoch` to `last_epoch` (never decreasing, none past the
    /// newest epoch), whose counts add up to `count`; its data must decode to `count` values.
    static func problems(of block: SealedBlock, name: String, newestEpoch: Int64) -> [String] {
        var found: [String] = []
        do {
            let segments = try block.segments()
            if Int64(segments.count) != block.lastSeq - block.firstSeq + 1 {
                found.append(
                    "\(name): its epochs list \(segments.count) segments for \(block.lastSeq - block.firstSeq + 1) seqs"
                )
            }
            if segments.first?.epoch != block.firstEpoch || segments.last?.epoch != block.lastEpoch {
                found.append(
                    "\(name): its epochs run \(segments.first?.epoch ?? -1)…\(segments.last?.epoch ?? -1), not \(block.firstEpoch)…\(block.lastEpoch)"
                )
            }
            if block.lastEpoch > newestEpoch {
                found.append("\(name): epoch \(block.lastEpoch) is past the newest epoch \(newestEpoch)")
            }
            let sum = segments.reduce(0) { $0 + $1.count }
            if sum != block.count {
                found.append("\(name): count is \(block.count), but its epochs hold \(sum) values")
            }
        } catch {
            found.append("\(name): epochs do not decode: \(error)")
        }
        do {
            var bytes: [UInt8] = []
            try block.data.withUnsafeBytes { try BlockValues.decode($0, count: Int(block.count), into: &bytes) }
            var n: Int64 = 0
            try bytes.withUnsafeBytes { bytes in
                var reader = ValueCodec.Reader(bytes)
                while !reader.atEnd {
                    _ = try reader.json()
                    n += 1
                }
            }
            if n != block.count { found.append("\(name): count is \(block.count), but its data holds \(n) values") }
            if block.data.first == BlockValues.Codec.plain.rawValue, bytes.count != block.data.count - 1 {
                found.append("\(name): its data holds more than its \(block.count) values")
            }
        } catch {
            found.append("\(name): data does not decode: \(error)")
        }
        return found
    }

    private mutating func segments() throws {
        let high = try EpochTable.latest(db) ?? -1
        var found: [String] = []
        var current: Int64? = nil
        var nextSeq: Int64 = 0
        var runningTotal: Int64 = 0
        var lastEpoch: Int64 = .min
        var totalReported = false
        var segmentSeen = false  // of the current series: its blocks must all come before its segments
        try StoreAudit(db: db).forEachSeriesRun { run, data in
            let (id, seq, epoch, count, total) = (run.seriesID, run.seq, run.epoch, run.count, run.total)
            if id != current {
                current = id
                (nextSeq, runningTotal, lastEpoch, totalReported, segmentSeen) = (0, 0, .min, false, false)
            }
            let isBlock = run.block != nil
            if let block = run.block, segmentSeen {
                found.append("series \(id) block \(seq)…\(block.lastSeq): comes after a segment of its series")
            }
            segmentSeen = segmentSeen || !isBlock
            let name = run.block.map { "series \(id) block \(seq)…\($0.lastSeq)" } ?? "series \(id) segment \(seq)"
            if seq != nextSeq {
                found.append(
                    "series \(id): segment \(seq) found where segment \(nextSeq) was expected (seq must run 0…n-1)")
            }
            if epoch < lastEpoch {
                found.append("\(name): epoch \(epoch) is before the previous segment's epoch \(lastEpoch)")
            }
            if let created = run.seriesEpoch, epoch < created {
                found.append("\(name): epoch \(epoch) is before the series' creation at epoch \(created)")
            }
            if let owner = run.seriesWindow, run.windowID != owner {
                found.append("\(name): its window_id is \(run.windowID), but the series belongs to window \(owner)")
            }
            runningTotal += count
            if total != runningTotal && !totalReported {
                found.append("\(name): total is \(total), but the counts up to it add up to \(runningTotal)")
                totalReported = true  // later totals of this series are off by the same cause
            }
            if let sealed = run.block {
                let block = SealedBlock(
                    seriesID: id, firstSeq: seq, lastSeq: sealed.lastSeq, firstEpoch: epoch,
                    lastEpoch: sealed.lastEpoch,
                    count: count, total: total, epochs: sealed.epochs, data: Array(data))
                found.append(contentsOf: Self.problems(of: block, name: name, newestEpoch: high))
                nextSeq = block.lastSeq + 1
                lastEpoch = block.lastEpoch
                return
            }
            do {
                var reader = ValueCodec.Reader(data)
                var values: Int64 = 0
                while !reader.atEnd {
                    _ = try reader.json()
                    values += 1
                }
                if values != count { found.append("\(name): count is \(count), but its data holds \(values) values") }
            } catch {
                found.append("\(name): data does not decode: \(error)")
            }
            nextSeq = seq + 1
            lastEpoch = epoch
        }
        report(found)
    }

    // MARK: 9. materialization

    private mutating func materialization() throws {
        let materializer = Materializer(db: db, asOf: .max)
        let catalog = materializer.catalog
        var found: [String] = []
        for name in try catalog.envNames() {
            guard let env = try catalog.env(name) else { continue }
            do { _ = try catalog.reload(env) } catch {
                found.append("env '\(name)': its reload document does not decode: \(error)")
            }
            for row in try catalog.windows(ofEnv: env) {
                do { _ = try materializer.window(row) } catch {
                    found.append("env '\(name)' window '\(row.wid)' does not materialize: \(error)")
                }
            }
        }
        report(found)
    }
}
