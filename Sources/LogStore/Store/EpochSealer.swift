/// Seals epoch rows: rewrites each run of consecutive `ok` epochs as one `epoch_run` row
/// (`EpochRun`) of at most `capacity` epochs, and deletes the rows it replaces, in the caller's
/// transaction (docs/FORMAT.md, "Sealed epoch runs"). Run by `compact`, after `Sealer`.
///
/// What stays a row: the newest epoch (so the newest epoch is `max(epoch) FROM epoch`, the
/// writer's next number comes from it, and a store's last run ends before it); every refused or
/// failed epoch (`compact --before` may still shorten their texts in place); and runs shorter
/// than `minimum`, which a later seal takes up. The last run, when not full and followed by
/// the next epoch, is reopened and continued, so sealing after every few appends still ends
/// with full runs.
struct EpochSealer {
    let db: Connection
    /// The most epochs one run holds: a read of one epoch decodes its whole run (4,096
    /// epochs: a few KiB of `data`, ~12k bytes read per point lookup at most).
    var capacity: Int64 = 4096
    /// The fewest epochs a new run holds: shorter, a run saves little over its rows.
    var minimum: Int64 = 16

    struct Report: Equatable {
        var epochsSealed = 0
        var runsWritten = 0
    }

    private struct Builder {
        var kinds: [EpochRun.Kind] = []
        var epochs: [EpochRun.Epoch] = []
        /// Epochs that were already sealed (a reopened run): written again whatever its length.
        var reopened = false

        mutating func add(_ kind: EpochRun.Kind, epoch: Int64, timeMS: Int64, line: Int64?) {
            let index: Int
            if let i = kinds.lastIndex(of: kind) {
                index = i
            } else {
                kinds.append(kind)
                index = kinds.count - 1
            }
            epochs.append(EpochRun.Epoch(epoch: epoch, timeMS: timeMS, kind: index, line: line))
        }
    }

    func sealAll() throws -> Report {
        var report = Report()
        guard let newest = try EpochTable.latest(db) else { return report }
        var builder = Builder()
        var written: [ClosedRange<Int64>] = []

        // The last run is continued when not full (checked against the first row below).
        var open: EpochRun?
        try db.one("SELECT \(EpochRun.columns) FROM epoch_run ORDER BY first_epoch DESC LIMIT 1", []) { st in
            open = try EpochRun(st)
        }
        let from = open.map { $0.lastEpoch + 1 } ?? .min

        func flush() throws {
            defer { builder = Builder() }
            guard let first = builder.epochs.first?.epoch, let last = builder.epochs.last?.epoch else { return }
            guard builder.reopened || Int64(builder.epochs.count) >= minimum else { return }
            if builder.reopened {
                try db.run("DELETE FROM epoch_run WHERE first_epoch = ?", [.integer(first)])
            }
            try EpochRun(kinds: builder.kinds, epochs: builder.epochs).insert(db)
            written.append(first...last)
            report.runsWritten += 1
        }

        try db.forEach(
            """
            SELECT epoch, time_ms, source, endpoint, env, win, status, detail, window_id FROM epoch
            WHERE epoch >= ?1 AND epoch < ?2 ORDER BY epoch
            """, [.integer(from), .integer(newest)]
        ) { st in
            var row = st.columns
            let epoch = row.int64()
            let timeMS = row.int64()
            // The texts' bytes as stored (UTF-8), not through String: byte for byte.
            let source = row.blob()
            let endpoint = row.blob()
            let env = row.optionalBlob()
            let win = row.optionalBlob()
            let status = row.blob()
            let detail = row.blob()
            let windowID = row.optionalInt64()
            guard status.elementsEqual("ok".utf8) else { return try flush() }
            if let previous = builder.epochs.last?.epoch, previous + 1 != epoch || builder.epochs.count >= capacity {
                try flush()
            }
            if builder.epochs.isEmpty, let run = open, run.lastEpoch + 1 == epoch, run.count < capacity {
                for e in try run.epochs() { builder.add(run.kinds[e.kind], epoch: e.epoch, timeMS: e.timeMS, line: e.line) }
                builder.reopened = true
            }
            open = nil  // only the first epoch after it continues it
            let split = EpochRun.splitLine(source)
            builder.add(
                EpochRun.Kind(
                    source: split?.prefix ?? source, numbered: split != nil, endpoint: endpoint, env: env, win: win,
                    status: status, detail: detail, windowID: windowID),
                epoch: epoch, timeMS: timeMS, line: split?.line)
        }
        try flush()
        for range in written {
            try db.run("DELETE FROM epoch WHERE epoch BETWEEN ? AND ?", [.integer(range.lowerBound), .integer(range.upperBound)])
            report.epochsSealed += db.changes
        }
        return report
    }
}
