import Foundation
import LogStore

/// `logstore-bench`: snapshot vs delta persistence, and the engine's limits, in one run.
/// See `Config.usage` and Benchmarks/README.md.
@main
enum Bench {
    /// The hidden subcommand the peak-RSS measure re-executes this binary with.
    static let ingestSubcommand = "__ingest-rss"

    static func main() {
        let args = Array(CommandLine.arguments.dropFirst())
        do {
            if args.first == ingestSubcommand {
                guard args.count == 3 else { throw BenchError("usage: \(ingestSubcommand) LOG DB") }
                try Measures.ingestChild(log: args[1], db: args[2])
                return
            }
            try run(try Config.parse(args))
        } catch {
            FileHandle.standardError.write("Error: \(error)\n".data(using: .utf8)!)
            exit(1)
        }
    }

    static func run(_ config: Config) throws {
        let dir =
            config.scratch ?? (NSTemporaryDirectory() as NSString).appendingPathComponent("logstore-bench-\(getpid())")
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        defer { if !config.keep && config.scratch == nil { try? FileManager.default.removeItem(atPath: dir) } }
        let m = Measures(config: config, dir: dir)
        var r = Results()
        let started = now()

        var step = 1_000_000_000  // x of the delta saves' points, after every workload step
        for n in config.sizes {
            if n >= config.scaleFrom {
                if config.runs("scale") {
                    let (scale, saves, raws) = try m.scale(points: n, step: &step)
                    r.scales.append(scale)
                    r.saves += saves
                    r.rawCommits += raws
                }
                continue
            }
            // The bulk ingest builds the env that the saves are measured on.
            if config.runs("ingest") || config.runs("snapshot") || config.runs("delta") {
                progress("\(sizeLabel(n)): bulk ingest + floor")
                let (bulk, db) = try m.ingest(points: n, stepsPerMessage: config.stepsPerMessage, log: "batched")
                if config.runs("ingest") { r.ingests.append(bulk) }
                if config.runs("snapshot") {
                    progress("\(sizeLabel(n)): snapshot saves")
                    r.saves += try m.snapshots(db: db, points: n)
                }
                if config.runs("delta") {
                    progress("\(sizeLabel(n)): delta saves")
                    let (saves, raws) = try m.deltas(db: db, points: n, step: &step)
                    r.saves += saves
                    r.rawCommits += raws
                }
                removeStore(db)
            }
            if config.runs("live") && (n <= config.liveIngestMax && !config.quick || n <= 10_000) {
                progress("\(sizeLabel(n)): live-log ingest + floor")
                let (live, liveDB) = try m.ingest(points: n, stepsPerMessage: 1, log: "live")
                progress("\(sizeLabel(n)): storage of the live-logged env, sealed")
                r.storages.append(try m.storage(db: liveDB, size: n, points: live.points))
                if !config.keep { removeStore(liveDB) }
                r.ingests.append(live)
            }
            if config.runs("materialize") {
                progress("\(sizeLabel(n)): materialize")
                r.materializes.append(try m.materialize(points: n))
            }
        }
        if config.runs("openlist") {
            progress("open + list of \(config.envs) envs")
            r.openList = try m.openList()
        }
        if config.runs("rss"), let rssPoints = config.rssPoints ?? config.sizes.filter({ $0 < config.scaleFrom }).max()
        {
            progress("peak RSS of a \(sizeLabel(rssPoints))-point ingest (child process)")
            r.rss = try m.peakRSS(points: rssPoints)
        }

        let report = Report(results: r)
        let seconds = Double(now() - started) / 1e9
        let text =
            "## logstore-bench\n\n" + Machine.describe() + String(format: "- run time: %.0f s\n\n", seconds)
            + report.markdown
        print(text)
        if let path = config.markdown { try text.write(toFile: path, atomically: true, encoding: .utf8) }
        if let path = config.csv { try report.csv.write(toFile: path, atomically: true, encoding: .utf8) }
        if let path = config.svg { try report.saveChart.svg.write(toFile: path, atomically: true, encoding: .utf8) }
    }
}

/// The machine the run happened on, for the report's header.
enum Machine {
    static func describe() -> String {
        let cpu =
            (try? String(contentsOfFile: "/proc/cpuinfo", encoding: .utf8))?
            .split(separator: "\n").first { $0.hasPrefix("model name") }?
            .split(separator: ":", maxSplits: 1).last?.trimmingCharacters(in: .whitespaces) ?? "?"
        let load =
            (try? String(contentsOfFile: "/proc/loadavg", encoding: .utf8))?
            .split(separator: " ").prefix(3).joined(separator: " ") ?? "?"
        var s = "- cpu: \(cpu), \(ProcessInfo.processInfo.activeProcessorCount) cores"
        s += String(format: ", %.1f GiB RAM\n", Double(ProcessInfo.processInfo.physicalMemory) / 1_073_741_824)
        s += "- SQLite \(RawInsertFloor.sqliteVersion)\n"
        s += "- load average at the end (1, 5, 15 min): \(load)\n"
        return s
    }
}
