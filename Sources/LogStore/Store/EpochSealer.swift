import Foundation

/// Seals epoch rows: rewrites each run of consecutive `ok` epochs as one `epoch_run` row
/// (`EpochRun`) of at most `capacity` epochs, and deletes the rows it replaces, in the caller's
/// transaction (docs/FORMAT.md, "Sealed epoch runs"). Run by `compact`, after `Sealer`
/// (`sealAll`), and by the writer as it goes (`sealRecent`).
///
/// What stays a row: the newest epoch (so the newest epoch is `max(epoch) FROM epoch`, the
/// writer's next number comes from it, and a store's last run ends before it); every refused or
/// failed epoch (`compact --before` may still shorten their texts in place); and runs shorter
/// than `minimum`, which a later seal takes up. `compact` reopens the runs from the first that
/// is not full and is followed by another run or by rows it seals, so sealing after every few
/// appends, or the writer's many short runs, still end as full runs; the writer never rewrites
/// a run.
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
        /// Where each kind is, once there are more than `compared` (built then: empty before).
        var index: [[UInt8]: Int] = [:]
        /// The most kinds looked up by comparing them one by one.
        static let compared = 16
        var epochs: [EpochRun.Epoch] = []
        /// Epochs that were already sealed (a reopened run): written again whatever its length.
        var reopened = false

        /// Adds an epoch of the kind encoded in `key` (compared as bytes; copied only when new).
        mutating func add(_ key: [UInt8], epoch: Int64, timeMS: Int64, line: Int64?) {
            let previous = epochs.last?.kind
            let kind: Int
            if let p = previous, follows[p] >= 0, kinds[follows[p]] == key {
                kind = follows[p]
            } else if let i = kinds.count <= Self.compared ? kinds.firstIndex(of: key) : index[key] {
                kind = i
            } else {
                kind = kinds.count
                kinds.append(key)
                follows.append(-1)
                if kinds.count == Self.compared + 1 {
                    for (i, k) in kinds.enumerated() { index[k] = i }
                } else if kinds.count > Self.compared + 1 {
                    index[key] = kind
                }
            }
            if let p = previous { follows[p] = kind }
            epochs.append(EpochRun.Epoch(epoch: epoch, timeMS: timeMS, kind: kind, line: line))
        }

        /// The kind `add` tries first: the one that followed the last epoch's kind before.
        var predicted: Int? {
            guard let p = epochs.last?.kind, follows[p] >= 0 else { return nil }
            return follows[p]
        }

        /// Adds an epoch of kind `predicted`, as `add(_:epoch:timeMS:line:)` does for its key.
        mutating func addPredicted(epoch: Int64, timeMS: Int64, line: Int64?) {
            guard let kind = predicted else { preconditionFailure("no kind predicted") }
            epochs.append(EpochRun.Epoch(epoch: epoch, timeMS: timeMS, kind: kind, line: line))
        }
    }

    /// `compact`'s seal: every epoch row but the newest. Runs are reopened, from the first one
    /// that is not full and is followed at once by another run (the writer's, which it never
    /// merges) or by the epoch rows this seal takes up (the last run continued), so runs end up
    /// full whoever wrote them.
    func sealAll() throws -> Report {
        guard let newest = try EpochTable.latest(db) else { return Report() }
        let runs = try db.all("SELECT first_epoch, last_epoch FROM epoch_run ORDER BY first_epoch", []) { st in
            var row = st.columns
            return (first: row.int64(), last: row.int64())
        }
        let open = runs.indices.first { i in
            runs[i].last - runs[i].first + 1 < capacity
                && (i + 1 < runs.count ? runs[i + 1].first == runs[i].last + 1 : runs[i].last + 1 < newest)
        }
        guard let open else { return try seal(from: runs.last.map { $0.last + 1 } ?? .min, below: newest) }
        return try seal(from: runs[open].first, below: newest, reopening: runs[open...].map(\.first))
    }

    /// How many epochs the writer lets pile up behind its last seal (`sealRecent`): the writer
    /// seals when it writes epoch e with `writerSeals(epoch: e, every:)`. An epoch row of a
    /// live run costs ~100 bytes (its `FILE:LINE` source, texts, B-tree entry); sealed, one or
    /// two bytes plus 1/`writerRun` of a run's kinds (Benchmarks/README.md, "Epochs sealed by
    /// the writer").
    static let writerRun: Int64 = 128

    /// `writerRun`, unless `LOGSTORE_WRITER_EPOCH_RUN` sets another (0: the writer seals no
    /// epochs, as before format 7's writer did; for side-by-side measurements and tests).
    static let defaultWriterRun: Int64 =
        ProcessInfo.processInfo.environment["LOGSTORE_WRITER_EPOCH_RUN"].flatMap { Int64($0) }.map { max(0, $0) }
        ?? writerRun

    /// Whether the writer seals once it has written epoch `epoch` (`every` > 0): every
    /// `every`-th epoch, so a save costs one remainder, and one in `every` a seal of at most
    /// `2 * every` rows.
    static func writerSeals(epoch: Int64, every: Int64) -> Bool { every > 0 && epoch > 0 && epoch % every == 0 }

    /// The writer's seal, in the transaction (or savepoint) of epoch `newest`, which it has just
    /// written: the ok epochs among the `2 * every` before `newest` and after the last run,
    /// each run of them as a new `epoch_run` row. Bounded work whatever the store holds: it
    /// reads at most `2 * every` rows and never rewrites a run (`compact` merges the writer's
    /// runs). Looking back twice as far as it seals every time lets a short run cut by the
    /// previous seal's end (after a refused epoch) be taken up with the epochs after it.
    /// The epochs come from `recent` (the writer's memory of the rows it wrote) when it holds
    /// every one of them, else from their rows: the same runs either way.
    /// Never inlined: a save reaches it once per `every`, and profiles count it apart.
    @inline(never)
    func sealRecent(newest: Int64, every: Int64, recent: RecentEpochs? = nil) throws -> Report {
        let lastRun = try db.int("SELECT last_epoch FROM epoch_run ORDER BY first_epoch DESC LIMIT 1", [])
        let from = max(newest - 2 * every, (lastRun ?? -1) + 1)
        guard let recent, let start = recent.covering(from: from, below: newest) else {
            return try seal(from: from, below: newest)
        }
        var sealing = Sealing(sealer: self, reopening: [])
        try recent.forEach(from: start) { try sealing.add(remembered: $0) }
        try sealing.flush()
        return try sealing.deleteSealedRows()
    }

    /// Seals the ok epoch rows `from ..< below` with the epochs of the runs that start at
    /// `reopening` (ascending, none before `from`), which are rewritten.
    private func seal(from: Int64, below newest: Int64, reopening: [Int64] = []) throws -> Report {
        var sealing = Sealing(sealer: self, reopening: reopening)
        try db.forEach(Self.rowsSQL, [.integer(from), .integer(newest)]) { try sealing.add(row: $0) }
        try sealing.addRuns(before: .max)
        try sealing.flush()
        return try sealing.deleteSealedRows()
    }

    /// The epoch rows `?1 ..< ?2`, in order, with the columns `Sealing.add(row:)` reads.
    private static let rowsSQL = """
        SELECT epoch, time_ms, source, endpoint, env, win, status, detail, window_id FROM epoch
        WHERE epoch >= ?1 AND epoch < ?2 ORDER BY epoch
        """
    private static let runSQL = "SELECT \(EpochRun.columns) FROM epoch_run WHERE first_epoch = ?"
    private static let deleteRunsSQL = "DELETE FROM epoch_run WHERE first_epoch BETWEEN ? AND ?"
    private static let deleteRowsSQL = "DELETE FROM epoch WHERE epoch BETWEEN ? AND ?"

    /// One seal in progress: the run being built, the runs written so far. A struct whose
    /// methods mutate it in place, so its state is reached without the run-time exclusivity
    /// checks that variables captured by nested functions cost (8 a row).
    private struct Sealing {
        let sealer: EpochSealer
        /// The reopened runs' first epochs (ascending) and the next one to read.
        let reopening: [Int64]
        var nextRun = 0
        var builder = Builder()
        /// The row's kind, encoded as `Builder.kinds` holds it: one buffer used again for every row.
        var key: [UInt8] = []
        var written: [ClosedRange<Int64>] = []
        var report = Report()
        /// A remembered epoch: the first of each of the run's kinds (`builder.kinds`), with its
        /// source split, for `add(remembered:)` to compare the next ones with.
        struct Example {
            let epoch: RecentEpochs.Epoch
            let numbered: Bool
            let prefixCount: Int
        }
        var examples: [Example] = []

        init(sealer: EpochSealer, reopening: [Int64]) {
            self.sealer = sealer
            self.reopening = reopening
        }

        /// Writes the run built so far, if it is long enough (or reopened), and starts another.
        mutating func flush() throws {
            defer {
                builder = Builder()
                examples.removeAll(keepingCapacity: true)
            }
            guard let first = builder.epochs.first?.epoch, let last = builder.epochs.last?.epoch else { return }
            guard builder.reopened || Int64(builder.epochs.count) >= sealer.minimum else { return }
            if builder.reopened {
                try sealer.db.run(EpochSealer.deleteRunsSQL, [.integer(first), .integer(last)])
            }
            try EpochRun.insert(encodedKinds: builder.kinds, epochs: builder.epochs, sealer.db)
            written.append(first...last)
            report.runsWritten += 1
        }

        mutating func add(_ key: [UInt8], epoch: Int64, timeMS: Int64, line: Int64?) throws {
            try endRun(unlessContinuedBy: epoch)
            builder.add(key, epoch: epoch, timeMS: timeMS, line: line)
        }

        /// Flushes the run unless `epoch` can be its next epoch (the one after its last, room left).
        mutating func endRun(unlessContinuedBy epoch: Int64) throws {
            if let previous = builder.epochs.last?.epoch,
                previous + 1 != epoch || builder.epochs.count >= sealer.capacity
            {
                try flush()
            }
        }

        /// The reopened runs' epochs, in order, up to (not including) epoch `limit`.
        mutating func addRuns(before limit: Int64) throws {
            while nextRun < reopening.count, reopening[nextRun] < limit {
                let run = try sealer.db.one(EpochSealer.runSQL, [.integer(reopening[nextRun])]) { try EpochRun($0) }
                nextRun += 1
                guard let run else { continue }
                let keys = run.kinds.map { k in
                    var key: [UInt8] = []
                    EpochRun.encode(k, into: &key)
                    return key
                }
                for e in try run.epochs() {
                    try add(keys[e.kind], epoch: e.epoch, timeMS: e.timeMS, line: e.line)
                    builder.reopened = true
                }
            }
        }

        /// Adds the epoch row `st` is on (`rowsSQL`'s columns), or, when it is not ok, ends the
        /// run before it. Its kind is read straight from the column bytes (as stored: byte for
        /// byte): compared with the predicted kind's encoding, else encoded into `key`.
        mutating func add(row st: Statement) throws {
            var row = st.columns
            let epoch = row.int64()
            try addRuns(before: epoch)
            let timeMS = row.int64()
            // Most rows are of the predicted kind (a training loop addresses its windows in turn):
            // compared column by column with its encoding, with no key built.
            try endRun(unlessContinuedBy: epoch)
            if let kind = builder.predicted, let line = Self.matchingLine(st, kind: builder.kinds[kind]) {
                return builder.addPredicted(epoch: epoch, timeMS: timeMS, line: line)
            }
            // Columns 2...8: source, endpoint, env, win, status, detail, window_id.
            guard st.withBlob(6, Self.isOK) else { return try flush() }
            key.removeAll(keepingCapacity: true)
            var w = EpochRun.KindWriter(appendingTo: &key)
            var line: Int64?
            st.withBlob(2) { source in
                let split = EpochRun.lineSplit(source)
                line = split?.line
                let prefix = split.map { UnsafeRawBufferPointer(rebasing: source[..<$0.prefixCount]) } ?? source
                w.source(prefix, numbered: split != nil)
            }
            st.withBlob(3) { w.endpoint($0) }
            if st.isNull(4) { w.env(nil) } else { st.withBlob(4) { w.env($0) } }
            if st.isNull(5) { w.win(nil) } else { st.withBlob(5) { w.win($0) } }
            st.withBlob(6) { w.status($0) }
            st.withBlob(7) { w.detail($0) }
            key = w.finish(windowID: st.isNull(8) ? nil : st.int64(8))
            try add(key, epoch: epoch, timeMS: timeMS, line: line)
        }

        /// Adds epoch `e` as `add(row:)` adds its row: the writer wrote the row from exactly
        /// these fields, so their UTF-8 bytes are the row's. Compared first with the epoch that
        /// brought in the predicted kind (`examples`): the same bytes field by field are the
        /// same kind; else its kind is encoded into `key`.
        mutating func add(remembered e: UnsafePointer<RecentEpochs.Epoch>) throws {
            guard e.pointee.ok else { return try flush() }
            try endRun(unlessContinuedBy: e.pointee.epoch)
            var line: Int64?
            var prefixCount = 0
            Self.withUTF8(e.pointee.source) { source in
                let split = EpochRun.lineSplit(source)
                line = split?.line
                prefixCount = split?.prefixCount ?? source.count
            }
            if let kind = builder.predicted,
                examples.withUnsafeBufferPointer({ Self.sameKind(e, line != nil, prefixCount, $0.baseAddress! + kind) })
            {
                return builder.addPredicted(epoch: e.pointee.epoch, timeMS: e.pointee.timeMS, line: line)
            }
            key.removeAll(keepingCapacity: true)
            var w = EpochRun.KindWriter(appendingTo: &key)
            Self.withUTF8(e.pointee.source) {
                w.source(UnsafeRawBufferPointer(rebasing: $0[..<prefixCount]), numbered: line != nil)
            }
            Self.withUTF8(e.pointee.endpoint) { w.endpoint($0) }
            Self.withOptionalUTF8(e.pointee.env) { w.env($0) }
            Self.withOptionalUTF8(e.pointee.win) { w.win($0) }
            Self.ok.withUnsafeBytes { w.status($0) }
            Self.withUTF8(e.pointee.detail) { w.detail($0) }
            key = w.finish(windowID: e.pointee.windowID)
            try add(key, epoch: e.pointee.epoch, timeMS: e.pointee.timeMS, line: line)
            if builder.kinds.count > examples.count {
                examples.append(Example(epoch: e.pointee, numbered: line != nil, prefixCount: prefixCount))
            }
        }

        /// Whether `e` (its source split as given) is of `example`'s kind: every field the same
        /// bytes (a kind's encoding is a function of them, and tells them apart).
        private static func sameKind(
            _ e: UnsafePointer<RecentEpochs.Epoch>, _ numbered: Bool, _ prefixCount: Int,
            _ example: UnsafePointer<Example>
        ) -> Bool {
            guard numbered == example.pointee.numbered, prefixCount == example.pointee.prefixCount,
                e.pointee.windowID == example.pointee.epoch.windowID,
                sameBytes(e.pointee.endpoint, example.pointee.epoch.endpoint),
                sameBytes(e.pointee.env, example.pointee.epoch.env),
                sameBytes(e.pointee.win, example.pointee.epoch.win),
                sameBytes(e.pointee.detail, example.pointee.epoch.detail)
            else { return false }
            return withUTF8(e.pointee.source) { a in
                withUTF8(example.pointee.epoch.source) { b in
                    prefixCount == 0 || memcmp(a.baseAddress!, b.baseAddress!, prefixCount) == 0
                }
            }
        }

        /// Whether two texts (or NULLs) are the same bytes.
        @inline(__always)
        private static func sameBytes(_ a: String?, _ b: String?) -> Bool {
            guard let a, let b else { return a == nil && b == nil }
            return sameBytes(a, b)
        }

        /// Whether two texts are the same bytes: at once when their words tell (`StringBits`: the
        /// same storage, or small strings held inline), else by their bytes.
        @inline(__always)
        private static func sameBytes(_ a: String, _ b: String) -> Bool {
            switch StringBits.compare(a, b) {
            case .same: return true
            case .different: return false
            case .unknown: break
            }
            return withUTF8(a) { a in
                withUTF8(b) { b in
                    a.count == b.count && (a.isEmpty || memcmp(a.baseAddress!, b.baseAddress!, a.count) == 0)
                }
            }
        }

        /// An optional text's UTF-8 bytes (nil for nil), as `Statement.bind(_:at:)` binds them.
        @inline(__always)
        private static func withOptionalUTF8(_ text: String?, _ body: (UnsafeRawBufferPointer?) -> Void) {
            guard let text else { return body(nil) }
            withUTF8(text) { (bytes: UnsafeRawBufferPointer) in body(bytes) }
        }

        /// The status of every epoch sealed.
        private static let ok: [UInt8] = Array("ok".utf8)

        /// A text's UTF-8 bytes, as `Statement.bind(_:at:)` binds them.
        @inline(__always)
        fileprivate static func withUTF8<R>(_ text: String, _ body: (UnsafeRawBufferPointer) -> R) -> R {
            if let r = text.utf8.withContiguousStorageIfAvailable({ body(UnsafeRawBufferPointer($0)) }) { return r }
            var copy = text
            return copy.withUTF8 { body(UnsafeRawBufferPointer($0)) }
        }

        /// Whether the epoch row `st` is on (`rowsSQL`'s columns) is an ok epoch of the kind
        /// encoded as `kind`, i.e. whether `add(row:)` would encode exactly those bytes for it:
        /// `.some(its line)` if so (nil for a kind without lines), nil if not.
        private static func matchingLine(_ st: Statement, kind: [UInt8]) -> Int64?? {
            var encoded = EncodedKind(bytes: kind)
            let flags = encoded.flags
            var line: Int64?
            let source = st.withBlob(2) { source -> Bool in
                guard let split = EpochRun.lineSplit(source) else { return flags & 1 == 0 && encoded.text(source) }
                line = split.line
                return flags & 1 != 0 && encoded.text(UnsafeRawBufferPointer(rebasing: source[..<split.prefixCount]))
            }
            // The source, endpoint, env, win, status (ok: a reopened run's kind might be another) and detail.
            guard source, encoded.text(st, 3), encoded.text(st, 4, flag: 2), encoded.text(st, 5, flag: 4),
                st.withBlob(6, { isOK($0) && encoded.text($0) }), encoded.text(st, 7)
            else { return nil }
            let window = st.isNull(8) ? flags & 8 == 0 : flags & 8 != 0 && encoded.zigzag(st.int64(8))
            return window && encoded.atEnd ? .some(line) : nil
        }

        /// A kind's encoding (`EpochRun.encode(_:into:)`), compared with a row field by field.
        private struct EncodedKind {
            let bytes: [UInt8]
            var offset = 1
            var flags: UInt8 { bytes[0] }
            var atEnd: Bool { offset == bytes.count }

            /// Whether `text` comes next (its varint length, its bytes); steps over it if so.
            mutating func text(_ text: UnsafeRawBufferPointer) -> Bool {
                guard let count = varint(), count == UInt64(text.count), bytes.count - offset >= text.count else {
                    return false
                }
                defer { offset += text.count }
                return text.isEmpty
                    || bytes.withUnsafeBytes { memcmp($0.baseAddress! + offset, text.baseAddress!, text.count) == 0 }
            }

            /// Whether the text in `column` of `st` comes next.
            mutating func text(_ st: Statement, _ column: Int32) -> Bool {
                st.withBlob(column) { text($0) }
            }

            /// Whether the text or NULL in `column` of `st` comes next: a text when `flags` has `flag`.
            mutating func text(_ st: Statement, _ column: Int32, flag: UInt8) -> Bool {
                st.isNull(column) ? flags & flag == 0 : flags & flag != 0 && text(st, column)
            }

            /// Whether `value` comes next as a zigzag varint.
            mutating func zigzag(_ value: Int64) -> Bool {
                varint() == UInt64(bitPattern: (value << 1) ^ (value >> 63))
            }

            private mutating func varint() -> UInt64? {
                var result: UInt64 = 0
                var shift: UInt64 = 0
                while offset < bytes.count, shift < 64 {
                    let b = bytes[offset]
                    offset += 1
                    result |= UInt64(b & 0x7f) << shift
                    if b & 0x80 == 0 { return result }
                    shift += 7
                }
                return nil
            }
        }

        /// Whether an epoch's status is "ok": only ok epochs are sealed.
        private static func isOK(_ status: UnsafeRawBufferPointer) -> Bool {
            status.count == 2 && status[0] == UInt8(ascii: "o") && status[1] == UInt8(ascii: "k")
        }

        /// Deletes the epoch rows of the runs written; the report.
        mutating func deleteSealedRows() throws -> Report {
            for range in written {
                try sealer.db.run(EpochSealer.deleteRowsSQL, [.integer(range.lowerBound), .integer(range.upperBound)])
                report.epochsSealed += sealer.db.changes
            }
            return report
        }
    }
}
