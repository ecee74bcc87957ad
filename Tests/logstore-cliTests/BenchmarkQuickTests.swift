import Foundation
import XCTest

/// `logstore-bench --quick` runs end to end against the built binary and writes every measure.
/// `swift test` builds debug, so the run is cut to one 1k-point size and a small env count; the
/// figures themselves are not checked (no test is timed), only that each one is there.
final class BenchmarkQuickTests: XCTestCase {
    func testQuickRunWritesEveryMeasureToTheCSVAndDrawsTheChart() throws {
        let dir = try temporaryDirectory(self)
        let csv = dir.appendingPathComponent("bench.csv")
        let svg = dir.appendingPathComponent("bench.svg")
        let scratch = dir.appendingPathComponent("scratch")
        let report = try runBenchmark([
            "--quick", "--sizes", "1k", "--envs", "20", "--rss-size", "1k",
            "--csv", csv.path, "--svg", svg.path, "--scratch", scratch.path,
        ])
        XCTAssertTrue(report.contains("### Targets"), report)

        let lines = try String(contentsOf: csv, encoding: .utf8).split(separator: "\n")
        XCTAssertEqual(lines.first, "measure,variant,points,metric,value,unit")
        var metrics: [String: Set<String>] = [:]
        for line in lines.dropFirst() {
            let f = line.split(separator: ",", omittingEmptySubsequences: false).map(String.init)
            XCTAssertEqual(f.count, 6, String(line))
            guard f.count == 6 else { continue }
            XCTAssertNotNil(Double(f[4]), String(line))
            metrics[f[0] + "/" + f[1], default: []].insert(f[3])
        }
        let expected: [String: Set<String>] = [
            "save/snapshot": ["p50", "p99", "samples", "bytes_per_save"],
            "save/snapshot_fsync": ["p50", "p99", "samples", "bytes_per_save"],
            "save/delta_normal": ["p50", "p99", "samples", "bytes_per_save"],
            "save/delta_full": ["p50", "p99", "samples", "bytes_per_save"],
            "save_ratio/normal": ["p50_ratio", "bytes_ratio"],
            "save_ratio/full": ["p50_ratio", "bytes_ratio"],
            "raw_commit/normal": ["p50", "p99"],
            "raw_commit/full": ["p50", "p99"],
            "ingest/batched": ["points", "seconds", "points_per_s"],
            "ingest/live": ["points", "seconds", "points_per_s"],
            "ingest_floor/batched": ["points_per_s", "fraction_of_floor"],
            "materialize/cold": ["p50", "ns_per_point"],
            "materialize/repeated": ["p50", "ns_per_point"],
            "materialize/as_of_previous_epoch": ["p50"],
            "materialize/downsampled_1000": ["p50"],
            "materialize/sealed": ["p50"],
            "storage/live": ["points", "bytes"],
            "storage/visdom_json": ["bytes"],
            "storage/sealed": ["bytes", "seal_seconds"],
            "json_write/in_memory": ["p50", "ns_per_point"],
            "cached_window/unchanged": ["p50"],
            "open_list/envNames": ["p50"],
            "open_list/listEnvs": ["p50"],
            "peak_rss/ingest": ["vmhwm", "baseline_vmhwm"],
        ]
        for (measure, wanted) in expected {
            XCTAssertTrue(wanted.isSubset(of: metrics[measure] ?? []), "\(measure): \(metrics[measure] ?? [])")
        }
        XCTAssertGreaterThanOrEqual(lines.filter { $0.hasPrefix("target,") }.count, 8)

        let chart = try String(contentsOf: svg, encoding: .utf8)
        XCTAssertTrue(chart.hasPrefix("<svg "), chart)
        XCTAssertEqual(
            chart.components(separatedBy: "<polyline").count - 1, 6, "four save lines and two raw-commit lines")
    }

    /// The scale run's path (`--sizes 100M` in earnest), cut to 2k points: every phase reports.
    func testScaleRunReportsEveryPhase() throws {
        let dir = try temporaryDirectory(self)
        let csv = dir.appendingPathComponent("scale.csv")
        let report = try runBenchmark([
            "--quick", "--sizes", "2k", "--scale-from", "2k", "--live-tail", "1k", "--only", "scale",
            "--csv", csv.path, "--scratch", dir.appendingPathComponent("scratch").path,
        ])
        XCTAssertTrue(report.contains("### Scale run: 2k points"), report)

        var metrics: [String: Set<String>] = [:]
        for line in try String(contentsOf: csv, encoding: .utf8).split(separator: "\n").dropFirst() {
            let f = line.split(separator: ",", omittingEmptySubsequences: false).map(String.init)
            guard f.count == 6, f[2] == "2000" else { continue }
            XCTAssertNotNil(Double(f[4]), String(line))
            metrics[f[0] + "/" + f[1], default: []].insert(f[3])
        }
        let expected: [String: Set<String>] = [
            "scale/bulk": ["points", "seconds", "store_bytes", "vmhwm", "free_bytes"],
            "scale/live_tail": ["points", "messages", "seconds", "store_bytes", "vmhwm"],
            "scale/sealed": ["store_bytes", "seconds", "vmhwm"],
            "scale/process": ["max_rss"],
            "scale_open_list/bulk": ["p50", "vmhwm"],
            "scale_open_list/sealed": ["p50", "vmhwm"],
            "scale_export/bulk": ["p50", "json_bytes", "vmhwm"],
            "scale_export/sealed": ["p50", "json_bytes"],
            "scale_export/bulk_downsampled_1000": ["p50"],
            "save/delta_normal": ["p50", "bytes_per_save"],
            "save/delta_full": ["p50"],
            "raw_commit/normal": ["p50"],
        ]
        for (measure, wanted) in expected {
            XCTAssertTrue(wanted.isSubset(of: metrics[measure] ?? []), "\(measure): \(metrics[measure] ?? [])")
        }
        XCTAssertNil(metrics["save/snapshot"], "no snapshot saves at a scale size")
        XCTAssertNil(metrics["ingest/batched"], "the scale run replaces the per-size ingest")
    }

    /// Runs the built `logstore-bench` with `arguments`, asserts it exits 0 (its progress on
    /// stderr is the failure message) and returns its report (stdout).
    private func runBenchmark(_ arguments: [String]) throws -> String {
        let process = Process()
        process.executableURL = productsDirectory.appendingPathComponent("logstore-bench")
        process.arguments = arguments
        let progressFile = try temporaryDirectory(self).appendingPathComponent("progress.txt")
        try Data().write(to: progressFile)
        let out = Pipe()
        process.standardOutput = out
        process.standardError = try FileHandle(forWritingTo: progressFile)
        try process.run()
        let report = String(decoding: out.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        let progress = (try? String(contentsOf: progressFile, encoding: .utf8)) ?? ""
        XCTAssertEqual(process.terminationStatus, 0, progress)
        return report
    }
}
