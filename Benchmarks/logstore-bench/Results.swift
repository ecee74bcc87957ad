/// What one run measured. Every figure the report, the CSV and the chart print comes from here.
struct Results {
    enum SaveKind: String, CaseIterable {
        case snapshot = "snapshot"
        case snapshotFsync = "snapshot_fsync"
        case deltaNormal = "delta_normal"
        case deltaFull = "delta_full"

        var title: String {
            switch self {
            case .snapshot: "snapshot (JSON, temp + rename)"
            case .snapshotFsync: "snapshot + fsync"
            case .deltaNormal: "delta, durability normal"
            case .deltaFull: "delta, durability full"
            }
        }

        var chartLabel: String {
            switch self {
            case .snapshot: "snapshot (visdom)"
            case .snapshotFsync: "snapshot + fsync"
            case .deltaNormal: "delta (normal)"
            case .deltaFull: "delta (full)"
            }
        }
    }

    struct Save {
        let points: Int
        let kind: SaveKind
        let latency: Samples
        /// Bytes that reached the files per save (snapshot: the file; delta: store + WAL growth).
        let bytes: Double
    }

    struct RawCommit {
        /// The env size of the delta saves it alternated with.
        let points: Int
        let durability: String
        let latency: Samples
    }

    struct Ingest {
        /// The size asked for (the env's nominal points); `points` is what the log holds.
        let size: Int
        let points: Int
        /// "batched" (the bulk log) or "live" (one step per message).
        let log: String
        let stepsPerMessage: Int
        let messages: Int
        let logBytes: Int
        let seconds: Double
        let floorSeconds: Double
        let floorRows: Int
        let floorBytes: Int
        /// Store + WAL size after the import, store closed.
        let storeBytes: Int64
        var pointsPerSecond: Double { Double(points) / seconds }
        var floorPointsPerSecond: Double { Double(points) / floorSeconds }
        var fractionOfFloor: Double { floorSeconds / seconds }
    }

    struct Materialize {
        let points: Int
        let jsonBytes: Int
        /// exportWindow + JSON bytes on a fresh store handle.
        let cold: Samples
        /// exportWindow + JSON bytes again on the same handle.
        let repeated: Samples
        /// JSONWriter alone on the window already in memory.
        let write: Samples
        /// `windowJSON` of the unchanged window, served by the store's cache.
        let cached: Samples
        /// exportWindow + JSON bytes as of the epoch before the last append (time travel).
        let asOf: Samples
        /// exportWindow with `maxPoints: 1000` + JSON bytes (downsampled read).
        let downsampled: Samples
        /// exportWindow + JSON bytes again after `compact` sealed the window's segments.
        let sealed: Samples
    }

    /// A live-logged env's bytes: visdom's JSON of it, the store as the live import left it
    /// (the writer seals runs as it goes), and after `compact` (`LogStore.seal`).
    struct Storage {
        let size: Int
        let points: Int
        let jsonBytes: Int
        let liveBytes: Int64
        let sealedBytes: Int64
        let sealSeconds: Double
    }

    struct OpenList {
        let envs: Int
        let windows: Int
        let openNames: Samples
        let openList: Samples
    }

    struct PeakRSS {
        let size: Int
        let points: Int
        let messages: Int
        let seconds: Double
        let hwmKiB: Int
        let baselineKiB: Int
    }

    /// Open + list and the export of one window of a scale-run store (`Measures.scale`).
    struct ScaleReads {
        let listedPoints: Int
        /// Open + `listEnvs`.
        let openList: Samples
        let listHWMKiB: Int
        let windowJSONBytes: Int
        /// Open + exportWindow + JSON bytes of `Measures.scaleWindow`.
        let export: Samples
        let exportHWMKiB: Int
        /// The same, downsampled to 1,000 points.
        let downsampled: Samples
    }

    /// The live-logged tail of a scale run: one step per message, imported into the big store.
    struct LiveTail {
        let points: Int
        let messages: Int
        let seconds: Double
        let hwmKiB: Int
        /// The store's bytes in use after it.
        let usedBytes: Int64
    }

    /// One scale run (`--sizes 100M`). VmHWM figures are KiB, each phase's own peak.
    struct Scale {
        let size: Int
        let points: Int
        let messages: Int
        let logBytes: Int
        let ingestSeconds: Double
        let ingestHWMKiB: Int
        let ingestBaselineKiB: Int
        /// The store's bytes in use (file less free pages) after the bulk import, after the live
        /// tail (before the saves), and after `seal`.
        let bulkBytes: Int64
        let reads: ScaleReads
        let liveBytes: Int64
        /// The free pages' bytes in the file at those three points.
        let freeBytes: [Int64]
        let sealSeconds: Double
        let sealHWMKiB: Int
        let segmentsSealed: Int
        let blocksWritten: Int
        let sealedBytes: Int64
        let sealedReads: ScaleReads
        /// The tail's two parts.
        let tails: [LiveTail]
        /// The whole tail: the parts summed, its peak the larger, its bytes the last part's.
        var tail: LiveTail {
            LiveTail(
                points: tails.reduce(0) { $0 + $1.points }, messages: tails.reduce(0) { $0 + $1.messages },
                seconds: tails.reduce(0) { $0 + $1.seconds }, hwmKiB: tails.map(\.hwmKiB).max() ?? 0,
                usedBytes: tails.last?.usedBytes ?? 0)
        }
        /// The benchmark process's peak over the in-process phases (the largest phase VmHWM).
        let processPeakKiB: Int
        var ingestPointsPerSecond: Double { Double(points) / ingestSeconds }
    }

    var saves: [Save] = []
    var rawCommits: [RawCommit] = []
    var ingests: [Ingest] = []
    var materializes: [Materialize] = []
    var storages: [Storage] = []
    var openList: OpenList?
    var rss: PeakRSS?
    var scales: [Scale] = []

    func save(_ kind: SaveKind, points: Int) -> Save? {
        saves.first { $0.kind == kind && $0.points == points }
    }

    func raw(_ durability: String, points: Int) -> RawCommit? {
        rawCommits.first { $0.durability == durability && $0.points == points }
    }

    var sizes: [Int] { Array(Set(saves.map(\.points))).sorted() }
}
