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
        /// The run's kinds, each as `EpochRun.encode(_:into:)` writes it.
        var kinds: [[UInt8]] = []
        /// `follows[k]`: the kind of the epoch after the last one of kind `k` (a training loop
        /// addresses its windows in turn, so that is the next epoch's kind, found in one compare).
        var follows: [Int] = []
        /// Where each kind is, once there are too many to compare one by one.
        var index: [[UInt8]: Int] = [:]
        var epochs: [EpochRun.Epoch] = []
        /// Epochs that were already sealed (a reopened run): written again whatever its length.
        var reopened = false

        /// Adds an epoch of the kind encoded in `key` (compared as bytes; copied only when new).
        mutating func add(_ key: [UInt8], epoch: Int64, timeMS: Int64, line: Int64?) {
            let previous = epochs.last?.kind
            let kind: Int
            if let p = previous, follows[p] >= 0, kinds[follows[p]] == key {
                kind = follows[p]
            } else if let i = kinds.count <= 16 ? kinds.firstIndex(of: key) : index[key] {
                kind = i
            } else {
                kind = kinds.count
                kinds.append(key)
                follows.append(-1)
                index[key] = kind
            }
            if let p = previous { follows[p] = kind }
            epochs.append(EpochRun.Epoch(epoch: epoch, timeMS: timeMS, kind: kind, line: line))
        }
    }

    func sealAll() throws -> Report {
        var report = Report()
        guard let newest = try EpochTable.latest(db) else { return report }
        var builder = Builder()
        var key: [UInt8] = []
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
            try EpochRun.insert(encodedKinds: builder.kinds, epochs: builder.epochs, db)
            written.append(first...last)
            report.runsWritten += 1
        }

        try db.forEach(
            """
            SELECT epoch, time_ms, source, endpoint, env, win, status, detail, window_id FROM epoch
            WHERE epoch >= ?1 AND epoch < ?2 ORDER BY epoch
            """, [.integer(from), .integer(newest)]
        ) { st in
            // The row's kind, encoded as `kinds` holds it, straight from the column bytes (as
            // stored: byte for byte), into a buffer used again for every row.
            key.removeAll(keepingCapacity: true)
            key.append(0)  // flags, set below
            func text(_ bytes: UnsafeRawBufferPointer) {
                ValueCodec.putVarint(UInt64(bytes.count), &key)
                key.append(contentsOf: bytes)
            }
            var row = st.columns
            let epoch = row.int64()
            let timeMS = row.int64()
            var flags: UInt8 = 0
            var line: Int64?
            row.withBlob { source in
                if let split = EpochRun.lineSplit(source) {
                    flags |= 1
                    line = split.line
                    text(UnsafeRawBufferPointer(rebasing: source[..<split.prefixCount]))
                } else {
                    text(source)
                }
            }
            row.withBlob { text($0) }  // endpoint
            row.withOptionalBlob {
                if let env = $0 {
                    flags |= 2
                    text(env)
                }
            }
            row.withOptionalBlob {
                if let win = $0 {
                    flags |= 4
                    text(win)
                }
            }
            guard row.withBlob({ $0.elementsEqual("ok".utf8) }) else { return try flush() }
            ValueCodec.putVarint(2, &key)  // the status, "ok"
            key.append(contentsOf: "ok".utf8)
            row.withBlob { text($0) }  // detail
            if let window = row.optionalInt64() {
                flags |= 8
                EpochRun.putZigzag(window, &key)
            }
            key[0] = flags
            if let previous = builder.epochs.last?.epoch, previous + 1 != epoch || builder.epochs.count >= capacity {
                try flush()
            }
            if builder.epochs.isEmpty, let run = open, run.lastEpoch + 1 == epoch, run.count < capacity {
                for e in try run.epochs() {
                    var k: [UInt8] = []
                    EpochRun.encode(run.kinds[e.kind], into: &k)
                    builder.add(k, epoch: e.epoch, timeMS: e.timeMS, line: e.line)
                }
                builder.reopened = true
            }
            open = nil  // only the first epoch after it continues it
            builder.add(key, epoch: epoch, timeMS: timeMS, line: line)
        }
        try flush()
        for range in written {
            try db.run(
                "DELETE FROM epoch WHERE epoch BETWEEN ? AND ?",
                [.integer(range.lowerBound), .integer(range.upperBound)])
            report.epochsSealed += db.changes
        }
        return report
    }
}
