import Foundation
import LogStore

#if canImport(Glibc)
    import Glibc
#endif

/// The scale run (sizes at or above `Config.scaleFrom`, e.g. `--sizes 100M`): one store of that
/// many points, built and used the way a long training run's store is, measured without ever
/// holding the points in memory. See Benchmarks/README.md, "Scale run".
extension Measures {
    /// 1. The bulk log (`stepsPerMessage` steps per message) written to disk batch by batch
    ///    and imported in a child process (`ingestInChild`): seconds and the child's VmHWM.
    /// 2. Open + `listEnvs` of that store, and the export of its largest line window.
    /// 3. A live-logged tail of `config.liveTail` points, one step per message (every window's
    ///    `update=append`), imported into the same store: its bytes per point.
    /// 4. One-point saves against the store (`deltas`, with their raw commits), to compare with
    ///    those of the smaller sizes of the same run.
    /// 5. `seal` (what `compact` with no option does, all history kept): seconds, bytes per
    ///    point after; the window's export must not change; open + list and the export again.
    /// Every in-process phase's VmHWM is read after resetting it (`PeakRSS.reset`).
    func scale(points: Int, step: inout Int) throws -> (Results.Scale, [Results.Save], [Results.RawCommit]) {
        let label = sizeLabel(points)
        let w = TrainingWorkload(env: Self.env, points: points, stepsPerMessage: config.stepsPerMessage)
        let db = path("scale-\(points).db")
        removeStore(db)
        defer { if !config.keep { removeStore(db) } }

        progress("\(label) scale: writing the bulk log (\(w.steps) steps)")
        let log = path("scale-\(points).jsonl")
        let writer = try LogFileWriter(path: log)
        let written = try w.write(to: writer)
        try writer.close()
        progress("\(label) scale: bulk ingest of \(formatBytes(Double(written.bytes))) in a child process")
        let child = try ingestInChild(log: log, db: db, messages: written.messages)
        unlink(log)
        let bulkBytes = usedBytes(db)
        let bulkFree = freeBytes(db)

        progress("\(label) scale: open + listEnvs, export of one window")
        let reads = try scaleReads(db: db, workload: w)

        // In two halves: the writer's first seals of the bulk-written series fall in the first.
        let tailSteps = TrainingWorkload(env: Self.env, points: config.liveTail, stepsPerMessage: 1).steps
        var tails: [Results.LiveTail] = []
        for (i, range) in [w.steps..<(w.steps + tailSteps / 2), (w.steps + tailSteps / 2)..<(w.steps + tailSteps)]
            .enumerated()
        {
            progress("\(label) scale: live-logged tail, part \(i + 1) of 2: \(range.count) steps, one per message")
            tails.append(try liveTail(db: db, workload: w, steps: range))
        }
        let liveBytes = usedBytes(db)
        let liveFree = freeBytes(db)

        progress("\(label) scale: one-point saves")
        let (saves, raws) = try deltas(db: db, points: points, step: &step)

        progress("\(label) scale: compact (seal, all history kept)")
        let window = Self.scaleWindow
        var before: UInt64 = 0
        var sealSeconds = 0.0
        var sealed: LogStore.CompactionReport?
        PeakRSS.reset()
        do {
            let store = try LogStore(path: db)
            before = fnv1a(JSONWriter.bytes(try store.exportWindow(env: Self.env, window: window)))
            PeakRSS.reset()
            sealSeconds = Double(try time { sealed = try store.seal() }) / 1e9
        }
        let sealKiB = PeakRSS.current()
        let sealedBytes = usedBytes(db)
        let sealedFree = freeBytes(db)
        do {
            let store = try LogStore(path: db)
            guard fnv1a(JSONWriter.bytes(try store.exportWindow(env: Self.env, window: window))) == before else {
                throw BenchError("sealing changed the export of window \(window)")
            }
        }
        progress("\(label) scale: open + listEnvs, export of one window, sealed")
        let sealedReads = try scaleReads(db: db, workload: w, extraPoints: tails.reduce(0) { $0 + $1.points })

        // clear_refs resets ru_maxrss too: the process's peak is the largest of the phases' peaks.
        let phasePeaks =
            [reads.listHWMKiB, reads.exportHWMKiB, sealKiB] + tails.map(\.hwmKiB) + [
                sealedReads.listHWMKiB, sealedReads.exportHWMKiB, PeakRSS.current(),
            ]
        let result = Results.Scale(
            size: points, points: w.points, messages: written.messages, logBytes: written.bytes,
            ingestSeconds: child.seconds, ingestHWMKiB: child.hwmKiB, ingestBaselineKiB: child.baselineKiB,
            bulkBytes: bulkBytes, reads: reads, liveBytes: liveBytes,
            freeBytes: [bulkFree, liveFree, sealedFree], sealSeconds: sealSeconds,
            sealHWMKiB: sealKiB, segmentsSealed: sealed?.segmentsSealed ?? 0, blocksWritten: sealed?.blocksWritten ?? 0,
            sealedBytes: sealedBytes, sealedReads: sealedReads, tails: tails, processPeakKiB: phasePeaks.max() ?? 0)
        return (result, saves, raws)
    }

    /// The window whose export the scale run measures: two traces, a tenth of the env's points.
    static let scaleWindow = "loss"

    /// Open + `listEnvs` (checking the points it counts) and the export of `scaleWindow`, full
    /// and downsampled to 1,000 points, each on a fresh handle.
    private func scaleReads(db: String, workload w: TrainingWorkload, extraPoints: Int = 0) throws -> Results.ScaleReads
    {
        PeakRSS.reset()
        var listed = 0
        let openList = try sample(minimum: 3, maximum: 20, budget: 3) {
            listed = try LogStore(path: db).listEnvs().first { $0.name == Self.env }?.points ?? -1
        }
        let listKiB = PeakRSS.current()
        // The tail adds listed points too (a heatmap row counts one); the saves add one each.
        guard extraPoints == 0 ? listed == w.listedPoints : listed > w.listedPoints else {
            throw BenchError("the store lists \(listed) points, the bulk log wrote \(w.listedPoints)")
        }
        PeakRSS.reset()
        var jsonBytes = 0
        let export = try sample(minimum: 3, maximum: 10, budget: 3) {
            let store = try LogStore(path: db)
            jsonBytes = JSONWriter.bytes(try store.exportWindow(env: Self.env, window: Self.scaleWindow)).count
        }
        let exportKiB = PeakRSS.current()
        let downsampled = try sample(minimum: 3, maximum: 50, budget: 2) {
            let store = try LogStore(path: db)
            _ = JSONWriter.bytes(try store.exportWindow(env: Self.env, window: Self.scaleWindow, maxPoints: 1000))
        }
        return Results.ScaleReads(
            listedPoints: listed, openList: openList, listHWMKiB: listKiB, windowJSONBytes: jsonBytes,
            export: export, exportHWMKiB: exportKiB, downsampled: downsampled)
    }

    /// One part of the live-logged tail: `steps` of the run after the bulk log's last step, one
    /// step per message, imported into the same store.
    private func liveTail(db: String, workload w: TrainingWorkload, steps: Range<Int>) throws -> Results.LiveTail {
        let log = path("scale-tail.jsonl")
        let writer = try LogFileWriter(path: log)
        var messages = 0
        for s in steps {
            for m in w.messages(steps: s..<(s + 1), first: false) {
                _ = try writer.write(m)
                messages += 1
            }
        }
        try writer.close()
        defer { unlink(log) }
        let heatmapRows = steps.count { $0 % TrainingWorkload.heatmapEvery == 0 }
        let points = steps.count * TrainingWorkload.traceCount + heatmapRows * TrainingWorkload.heatmapColumns
        PeakRSS.reset()
        var seconds = 0.0
        do {
            let store = try LogStore(path: db)
            var summary = Importer.Summary()
            seconds = Double(try time { summary = try Importer(store: store).importFile(log) }) / 1e9
            guard summary.refused == 0, summary.failed == 0, summary.messages == messages else {
                throw BenchError("import of the live tail: \(summary)")
            }
        }
        return Results.LiveTail(
            points: points, messages: messages, seconds: seconds, hwmKiB: PeakRSS.current(), usedBytes: usedBytes(db))
    }

    /// Imports `log` into a new store at `db` in a child process (this binary, hidden
    /// subcommand), so that its VmHWM is the import's alone.
    func ingestInChild(log: String, db: String, messages: Int) throws -> (
        seconds: Double, hwmKiB: Int, baselineKiB: Int
    ) {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/proc/self/exe").resolvingSymlinksInPath()
        process.arguments = [Bench.ingestSubcommand, log, db]
        let out = Pipe()
        process.standardOutput = out
        try process.run()
        let data = out.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        guard process.terminationStatus == 0 else {
            throw BenchError("the ingest child exited with \(process.terminationStatus)")
        }
        var fields: [String: Double] = [:]
        for pair in String(decoding: data, as: UTF8.self).split(whereSeparator: \.isWhitespace) {
            let kv = pair.split(separator: "=")
            if kv.count == 2, let v = Double(kv[1]) { fields[String(kv[0])] = v }
        }
        guard let hwm = fields["hwm_kib"], let base = fields["baseline_kib"], let seconds = fields["seconds"],
            fields["messages"] == Double(messages), fields["refused"] == 0, fields["failed"] == 0
        else {
            throw BenchError("the ingest child printed: \(String(decoding: data, as: UTF8.self))")
        }
        return (seconds, Int(hwm), Int(base))
    }
}

/// This process's peak resident set since the last reset (Linux: writing 5 to
/// /proc/self/clear_refs sets VmHWM to the current RSS).
enum PeakRSS {
    static func reset() {
        let fd = open("/proc/self/clear_refs", O_WRONLY)
        guard fd >= 0 else { return }
        _ = write(fd, "5", 1)
        close(fd)
    }

    /// VmHWM in KiB.
    static func current() -> Int { memoryStatus().hwm }
}

/// FNV-1a of `bytes`: compares two exports without keeping the first in memory.
func fnv1a(_ bytes: [UInt8]) -> UInt64 {
    var h: UInt64 = 0xcbf2_9ce4_8422_2325
    for b in bytes { h = (h ^ UInt64(b)) &* 0x100_0000_01b3 }
    return h
}
