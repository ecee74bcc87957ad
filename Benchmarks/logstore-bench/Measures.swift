import Foundation
import LogStore

/// The measures, each on its own files under the scratch directory.
struct Measures {
    let config: Config
    let dir: String
    static let env = "train_run"

    func path(_ name: String) -> String { (dir as NSString).appendingPathComponent(name) }

    // MARK: 4. bulk ingest and its raw-insert floor

    /// Writes the training log of `points` points, imports it into a new store through
    /// `Importer` (parse → normalize → append), and inserts the store's segment rows again
    /// with one statement in one transaction. Returns the figures and the store's path.
    func ingest(points: Int, stepsPerMessage: Int, log label: String) throws -> (Results.Ingest, String) {
        let w = TrainingWorkload(env: Self.env, points: points, stepsPerMessage: stepsPerMessage)
        let log = path("train-\(points)-\(stepsPerMessage).jsonl")
        let writer = try LogFileWriter(path: log)
        let written = try w.write(to: writer)
        try writer.close()

        let db = path("train-\(points)-\(stepsPerMessage).db")
        removeStore(db)
        var seconds = 0.0
        do {
            let store = try LogStore(path: db)
            var summary = Importer.Summary()
            seconds = Double(try time { summary = try Importer(store: store).importFile(log) }) / 1e9
            guard summary.refused == 0, summary.failed == 0, summary.messages == written.messages else {
                throw BenchError("import of \(log): \(summary)")
            }
            let listed = try store.listEnvs().first { $0.name == Self.env }?.points
            guard listed == w.listedPoints else {
                throw BenchError("the store holds \(listed ?? -1) listed points, the log \(w.listedPoints)")
            }
        }
        let segments = try RawInsertFloor.segments(ofStoreAt: db)
        let floorDB = path("floor-\(points)-\(stepsPerMessage).db")
        removeStore(floorDB)
        let floorSeconds = try RawInsertFloor.insert(segments, intoNewStoreAt: floorDB)
        removeStore(floorDB)
        unlink(log)
        return (
            Results.Ingest(
                size: points, points: w.points, log: label, stepsPerMessage: stepsPerMessage,
                messages: written.messages,
                logBytes: written.bytes, seconds: seconds, floorSeconds: floorSeconds,
                floorRows: segments.rowCount, floorBytes: segments.bytes, storeBytes: storeBytes(db)),
            db
        )
    }

    // MARK: 1. snapshot saves

    /// visdom's save of the env in `db`: the whole env serialized with JSONWriter and written
    /// to a temporary file renamed over the previous save, with or without fsync.
    func snapshots(db: String, points: Int) throws -> [Results.Save] {
        let env = try LogStore(path: db, options: .init(readOnly: true)).exportEnv(Self.env)
        var out: [Results.Save] = []
        for (kind, sync) in [(Results.SaveKind.snapshot, false), (.snapshotFsync, true)] {
            let file = path("snapshot-\(points).json")
            let latency = try sample(minimum: 5, maximum: config.snapshotMax, budget: config.snapshotBudget) {
                try atomicWrite(JSONWriter.bytes(env), to: file, sync: sync)
            }
            out.append(Results.Save(points: points, kind: kind, latency: latency, bytes: Double(fileSize(file))))
            unlink(file)
        }
        return out
    }

    // MARK: 2. delta saves, and 3. the raw one-row commit next to them

    /// One message, a one-point append to one trace, applied as one committed epoch to the
    /// store in `db`, per durability mode; each save alternates with a raw one-row commit on a
    /// scratch store with the same settings, so both meet the same disk and the same load.
    /// Both stores are first warmed until their WAL files have wrapped (`warmWAL`), so both
    /// are measured in the same, steady, state. Bytes per save: what the process passed to
    /// write(2) over `bytesSaves` saves (WAL frames, and checkpoint copies when one falls in).
    func deltas(db: String, points: Int, step: inout Int) throws -> ([Results.Save], [Results.RawCommit]) {
        let w = TrainingWorkload(env: Self.env, points: points, stepsPerMessage: 1)
        var saves: [Results.Save] = []
        var raws: [Results.RawCommit] = []
        for (kind, durability, count) in [
            (Results.SaveKind.deltaNormal, LogStore.Durability.normal, config.deltaSamples),
            (.deltaFull, .full, config.deltaFullSamples),
        ] {
            let options = LogStore.Options(durability: durability)
            let rawDB = path("raw-commit-\(points)-\(durability.rawValue).db")
            removeStore(rawDB)
            defer { removeStore(rawDB) }
            var ns: [UInt64] = []
            var rawNS: [UInt64] = []
            do {
                let store = try LogStore(path: db, options: options)
                let raw = try RawInsertFloor.OneRowCommits(newStoreAt: rawDB, durability: durability)
                // Warms the statement and page caches too.
                try warmWAL(of: db) {
                    try store.apply(try w.onePointAppend(step: step))
                    step += 1
                }
                try warmWAL(of: rawDB) { _ = try raw.commit() }
                for _ in 0..<count {
                    let m = try w.onePointAppend(step: step)
                    step += 1
                    ns.append(try time { try store.apply(m) })
                    rawNS.append(try raw.commit())
                }
            }
            var bytes = Double.nan
            do {
                let store = try LogStore(path: db, options: options)
                let messages = try (0..<config.bytesSaves).map { try w.onePointAppend(step: step + $0) }
                step += config.bytesSaves
                let before = bytesWritten()
                for m in messages { try store.apply(m) }
                if let before, let after = bytesWritten() { bytes = Double(after - before) / Double(config.bytesSaves) }
            }
            saves.append(Results.Save(points: points, kind: kind, latency: Samples(ns), bytes: bytes))
            raws.append(Results.RawCommit(points: points, durability: durability.rawValue, latency: Samples(rawNS)))
        }
        return (saves, raws)
    }

    // MARK: 5. materialize

    /// One line window of `points` points: exported (exportWindow + JSON bytes) on a fresh
    /// handle and again on the same handle, next to JSONWriter alone on the same window held
    /// in memory, and through the store's cache of unchanged windows (`windowJSON`).
    func materialize(points: Int) throws -> Results.Materialize {
        let w = SingleWindowWorkload(env: "curve_run", points: points, perMessage: 1000)
        let log = path("curve-\(points).jsonl")
        let writer = try LogFileWriter(path: log)
        try w.write(to: writer)
        try writer.close()
        let db = path("curve-\(points).db")
        removeStore(db)
        do { _ = try Importer(store: try LogStore(path: db)).importFile(log) }
        unlink(log)

        // Cold: a fresh handle each time (its statement cache and SQLite page cache empty; the
        // file itself is in the OS cache). Only the export is timed, not the open.
        var coldNS: [UInt64] = []
        var size = 0
        let deadline = now() + UInt64(config.materializeBudget * 1e9)
        while coldNS.count < 3 || (coldNS.count < 30 && now() < deadline) {
            let store = try LogStore(path: db)
            var bytes: [UInt8] = []
            coldNS.append(try time { bytes = JSONWriter.bytes(try store.exportWindow(env: w.env, window: w.window)) })
            size = bytes.count
        }
        let store = try LogStore(path: db)
        let repeated = try sample(minimum: 3, maximum: 200, budget: config.materializeBudget) {
            _ = JSONWriter.bytes(try store.exportWindow(env: w.env, window: w.window))
        }
        let value = try store.exportWindow(env: w.env, window: w.window)
        let write = sample(minimum: 3, maximum: 200, budget: config.materializeBudget) { _ = JSONWriter.bytes(value) }
        // The store's cache: the first call materializes, the next ones find the window unchanged.
        let json = try store.windowJSON(env: w.env, window: w.window)
        guard json == JSONWriter.bytes(value) else { throw BenchError("windowJSON differs from exportWindow's JSON") }
        let cached = try sample(minimum: 5, maximum: 1000, budget: config.materializeBudget) {
            _ = try store.windowJSON(env: w.env, window: w.window)
        }
        // Time travel: the window as of the epoch before its last append (almost all points).
        let old = max(1, try store.lastEpoch - 1)  // epoch 1 created the window
        let asOf = try sample(minimum: 3, maximum: 200, budget: config.materializeBudget) {
            _ = JSONWriter.bytes(try store.exportWindow(env: w.env, window: w.window, asOf: old))
        }
        let downsampled = try sample(minimum: 3, maximum: 200, budget: config.materializeBudget) {
            _ = JSONWriter.bytes(try store.exportWindow(env: w.env, window: w.window, maxPoints: 1000))
        }
        _ = try store.seal()
        let sealedStore = try LogStore(path: db)
        guard try JSONWriter.bytes(sealedStore.exportWindow(env: w.env, window: w.window)) == json else {
            throw BenchError("the sealed window's JSON differs")
        }
        let sealed = try sample(minimum: 3, maximum: 200, budget: config.materializeBudget) {
            _ = JSONWriter.bytes(try sealedStore.exportWindow(env: w.env, window: w.window))
        }
        return Results.Materialize(
            points: points, jsonBytes: size, cold: Samples(coldNS), repeated: repeated,
            write: write, cached: cached, asOf: asOf, downsampled: downsampled, sealed: sealed)
    }

    // MARK: 8. storage of a live-logged env

    /// The live-logged store at `db` (one step per message): its bytes, visdom's JSON of the
    /// env, and its bytes after `compact` (sealing, all history kept). Exports before and after
    /// sealing must be identical.
    func storage(db: String, size: Int, points: Int) throws -> Results.Storage {
        let liveBytes = storeBytes(db)
        var json: [UInt8] = []
        var seconds = 0.0
        do {
            let store = try LogStore(path: db)
            json = JSONWriter.bytes(try store.exportEnv(Self.env))
            seconds = Double(try time { _ = try store.seal() }) / 1e9
            guard JSONWriter.bytes(try store.exportEnv(Self.env)) == json else {
                throw BenchError("sealing changed the env's export")
            }
        }
        return Results.Storage(
            size: size, points: points, jsonBytes: json.count, liveBytes: liveBytes,
            sealedBytes: storeBytes(db), sealSeconds: seconds)
    }

    // MARK: 6. open + list

    /// A store holding `config.envs` small training envs (200 points each, ten windows):
    /// opening it and listing its envs, by name and with summaries.
    func openList() throws -> Results.OpenList {
        let log = path("envs-\(config.envs).jsonl")
        let writer = try LogFileWriter(path: log)
        for i in 0..<config.envs {
            _ = try TrainingWorkload(env: String(format: "run_%04d", i), points: 200, stepsPerMessage: 128).write(
                to: writer)
        }
        try writer.close()
        let db = path("envs-\(config.envs).db")
        removeStore(db)
        var windows = 0
        do {
            let store = try LogStore(path: db)
            _ = try Importer(store: store).importFile(log)
            let list = try store.listEnvs()
            guard list.count == config.envs + 1 else {
                throw BenchError("listed \(list.count) envs, wrote \(config.envs) + main")
            }
            windows = list.reduce(0) { $0 + $1.windows }
        }
        unlink(log)
        let budget = config.quick ? 1.0 : 3.0
        var names = 0
        let openNames = try sample(minimum: 5, maximum: 100, budget: budget) {
            names = try LogStore(path: db).envNames().count
        }
        let openList = try sample(minimum: 5, maximum: 100, budget: budget) {
            names = try LogStore(path: db).listEnvs().count
        }
        _ = names
        return Results.OpenList(envs: config.envs, windows: windows, openNames: openNames, openList: openList)
    }

    // MARK: 7. peak RSS

    /// Imports the training log of `points` points in a child process (this binary, hidden
    /// subcommand) and reads its VmHWM, so the parent's memory does not count.
    func peakRSS(points: Int) throws -> Results.PeakRSS {
        let w = TrainingWorkload(env: Self.env, points: points, stepsPerMessage: config.stepsPerMessage)
        let log = path("rss-\(points).jsonl")
        let writer = try LogFileWriter(path: log)
        let written = try w.write(to: writer)
        try writer.close()
        let db = path("rss-\(points).db")
        removeStore(db)
        defer {
            unlink(log)
            removeStore(db)
        }
        let child = try ingestInChild(log: log, db: db, messages: written.messages)
        return Results.PeakRSS(
            size: points, points: w.points, messages: written.messages, seconds: child.seconds,
            hwmKiB: child.hwmKiB, baselineKiB: child.baselineKiB)
    }

    /// The child's side of `peakRSS`: import `log` into a new store at `db`, print figures.
    static func ingestChild(log: String, db: String) throws {
        let baseline = memoryStatus().hwm
        let store = try LogStore(path: db)
        var s = Importer.Summary()
        let seconds = Double(try time { s = try Importer(store: store).importFile(log) }) / 1e9
        print(
            "hwm_kib=\(memoryStatus().hwm) baseline_kib=\(baseline) seconds=\(seconds) messages=\(s.messages)"
                + " refused=\(s.refused) failed=\(s.failed)")
    }
}
