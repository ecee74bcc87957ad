import Foundation

/// The run's figures as markdown tables, CSV rows and the targets met/missed.
struct Report {
    let results: Results

    // MARK: targets

    struct Target {
        let name: String
        let measured: String
        let limit: String
        /// nil: not measured in this run (e.g. the size it is stated at was not run).
        let met: Bool?
    }

    var targets: [Target] {
        var t: [Target] = []
        let sizes = results.sizes
        if let small = sizes.first, let large = sizes.last {
            for kind in [Results.SaveKind.deltaNormal, .deltaFull] {
                guard let a = results.save(kind, points: small), let b = results.save(kind, points: large) else {
                    continue
                }
                let r = b.latency.p50 / a.latency.p50
                t.append(
                    Target(
                        name: "\(kind.rawValue) p50 flat in N (\(sizeLabel(large)) vs \(sizeLabel(small)))",
                        measured: formatRatio(r), limit: "≤ 1.5×", met: sizes.count > 1 ? r <= 1.5 : nil))
            }
            for (kind, mode) in [(Results.SaveKind.deltaNormal, "normal"), (.deltaFull, "full")] {
                let ratios = sizes.compactMap { n in
                    results.save(kind, points: n).flatMap { d in
                        results.raw(mode, points: n).map { d.latency.p50 / $0.latency.p50 }
                    }
                }
                guard let worst = ratios.max() else { continue }
                t.append(
                    Target(
                        name: "\(kind.rawValue) p50 vs raw one-row commit (\(mode)), worst size",
                        measured: formatRatio(worst), limit: "≤ 2×", met: worst <= 2))
            }
            for (snap, delta) in [
                (Results.SaveKind.snapshot, Results.SaveKind.deltaNormal), (.snapshotFsync, .deltaFull),
            ] {
                // The scale run's sizes have no snapshot saves.
                guard let large = sizes.last(where: { results.save(snap, points: $0) != nil }),
                    let s = results.save(snap, points: large), let d = results.save(delta, points: large)
                else { continue }
                let r = s.latency.p50 / d.latency.p50
                t.append(
                    Target(
                        name: "\(snap.rawValue) / \(delta.rawValue) p50 at \(sizeLabel(large))",
                        measured: formatRatio(r), limit: "≥ 1000× at 1M", met: large >= 1_000_000 ? r >= 1000 : nil))
            }
        }
        if let i = results.ingests.filter({ $0.log == "batched" }).max(by: { $0.size < $1.size }) {
            t.append(
                Target(
                    name: "bulk ingest vs raw-insert floor at \(sizeLabel(i.size))",
                    measured: String(format: "%.0f%%", 100 * i.fractionOfFloor), limit: "≥ 50%",
                    met: i.fractionOfFloor >= 0.5))
            t.append(
                Target(
                    name: "bulk ingest rate at \(sizeLabel(i.size))",
                    measured: formatRate(i.pointsPerSecond) + " points/s",
                    limit: "≥ 1M points/s", met: i.pointsPerSecond >= 1e6))
        }
        if let m = results.materializes.max(by: { $0.points < $1.points }) {
            for (label, s) in [("cold", m.cold), ("repeated", m.repeated)] {
                let r = s.p50 / m.write.p50
                t.append(
                    Target(
                        name: "materialize (\(label)) vs in-memory JSON writing at \(sizeLabel(m.points))",
                        measured: formatRatio(r), limit: "≤ 2×", met: r <= 2))
            }
            t.append(
                Target(
                    name: "cached unchanged window at \(sizeLabel(m.points))",
                    measured: formatNS(m.cached.p50), limit: "≤ 1 ms at 1M",
                    met: m.points >= 1_000_000 ? m.cached.p50 <= 1e6 : nil))
            let r = m.asOf.p50 / m.repeated.p50
            t.append(
                Target(
                    name: "window as of an old epoch vs the current one at \(sizeLabel(m.points))",
                    measured: formatRatio(r), limit: "≤ 2×", met: r <= 2))
            t.append(
                Target(
                    name: "downsample to 1,000 points at \(sizeLabel(m.points))",
                    measured: formatNS(m.downsampled.p50), limit: "≤ 50 ms at 1M",
                    met: m.points >= 1_000_000 ? m.downsampled.p50 <= 50e6 : nil))
        }
        if let m = results.materializes.max(by: { $0.points < $1.points }) {
            let r = m.sealed.p50 / m.write.p50
            t.append(
                Target(
                    name: "materialize (sealed) vs in-memory JSON writing at \(sizeLabel(m.points))",
                    measured: formatRatio(r), limit: "≤ 2×", met: r <= 2))
        }
        if let st = results.storages.max(by: { $0.size < $1.size }) {
            let live = Double(st.liveBytes) / Double(st.jsonBytes)
            let sealed = Double(st.sealedBytes) / Double(st.jsonBytes)
            t.append(
                Target(
                    name: "live-logged store vs visdom's JSON of the env at \(sizeLabel(st.size))",
                    measured: formatRatio(live),
                    limit: "≤ 2×", met: live <= 2))
            t.append(
                Target(
                    name: "sealed live-logged store vs visdom's JSON at \(sizeLabel(st.size))",
                    measured: formatRatio(sealed),
                    limit: "≤ 1×", met: sealed <= 1))
            let perPoint = Double(st.sealedBytes) / Double(st.points)
            t.append(
                Target(
                    name: "sealed bytes per point at \(sizeLabel(st.size)) (stretch)",
                    measured: String(format: "%.1f B", perPoint),
                    limit: "≤ 8 B", met: perPoint <= 8))
        }
        if let o = results.openList {
            for (label, s) in [("envNames", o.openNames), ("listEnvs", o.openList)] {
                t.append(
                    Target(
                        name: "open + \(label) of \(o.envs) envs", measured: formatNS(s.p50), limit: "≤ 50 ms",
                        met: o.envs >= 1000 ? s.p50 <= 50e6 : nil))
            }
        }
        if let r = results.rss {
            t.append(
                Target(
                    name: "peak RSS of a \(sizeLabel(r.size))-point ingest",
                    measured: formatBytes(Double(r.hwmKiB) * 1024),
                    limit: "≤ 100 MB at 10M", met: r.size >= 10_000_000 ? Double(r.hwmKiB) * 1024 <= 100e6 : nil))
        }
        return t
    }

    // MARK: markdown

    var markdown: String {
        var s = ""
        let sizes = results.sizes

        s += "### Saves: snapshot (visdom) vs delta (LogStore)\n\n"
        s += "| env points | save | p50 | p99 | samples | bytes/save |\n|---:|---|---:|---:|---:|---:|\n"
        for n in sizes {
            for kind in Results.SaveKind.allCases {
                guard let v = results.save(kind, points: n) else { continue }
                s += "| \(sizeLabel(n)) | \(kind.title) | \(formatNS(v.latency.p50)) | \(formatNS(v.latency.p99)) | "
                s += "\(v.latency.count) | \(formatBytes(v.bytes)) |\n"
            }
        }
        s +=
            "\n| env points | snapshot / delta normal, p50 | snapshot + fsync / delta full, p50 | bytes: snapshot / delta normal | bytes: snapshot / delta full |\n"
        s += "|---:|---:|---:|---:|---:|\n"
        for n in sizes {
            guard let a = results.save(.snapshot, points: n), let b = results.save(.snapshotFsync, points: n),
                let c = results.save(.deltaNormal, points: n), let d = results.save(.deltaFull, points: n)
            else { continue }
            s +=
                "| \(sizeLabel(n)) | \(formatRatio(a.latency.p50 / c.latency.p50)) | \(formatRatio(b.latency.p50 / d.latency.p50)) | "
            s += "\(formatRatio(a.bytes / c.bytes)) | \(formatRatio(b.bytes / d.bytes)) |\n"
        }

        s += "\n### Delta save vs raw one-row commit (SQLite alone, alternating with the delta saves)\n\n"
        s +=
            "| env points | durability | raw commit p50 | raw p99 | delta p50 | delta p50 / raw p50 |\n|---:|---|---:|---:|---:|---:|\n"
        for raw in results.rawCommits {
            let kind: Results.SaveKind = raw.durability == "full" ? .deltaFull : .deltaNormal
            let delta = results.save(kind, points: raw.points)
            s +=
                "| \(sizeLabel(raw.points)) | \(raw.durability) | \(formatNS(raw.latency.p50)) | \(formatNS(raw.latency.p99)) | "
            s +=
                "\(delta.map { formatNS($0.latency.p50) } ?? "–") | \(delta.map { formatRatio($0.latency.p50 / raw.latency.p50) } ?? "–") |\n"
        }

        s += "\n### Bulk ingest (Importer: parse → normalize → append) vs raw-insert floor\n\n"
        s +=
            "| env | points | log | messages | log size | seconds | points/s | floor points/s | of floor | store bytes/point |\n"
        s += "|---:|---:|---|---:|---:|---:|---:|---:|---:|---:|\n"
        for i in results.ingests {
            s +=
                "| \(sizeLabel(i.size)) | \(i.points) | \(i.log) (\(i.stepsPerMessage) step\(i.stepsPerMessage == 1 ? "" : "s")/msg) | "
            s += "\(i.messages) | \(formatBytes(Double(i.logBytes))) | \(String(format: "%.3f", i.seconds)) | "
            s += "\(formatRate(i.pointsPerSecond)) | \(formatRate(i.floorPointsPerSecond)) | "
            s +=
                "\(String(format: "%.0f%%", 100 * i.fractionOfFloor)) | \(String(format: "%.1f", Double(i.storeBytes) / Double(i.points))) |\n"
        }

        s += "\n### Materialize one window (exportWindow + JSON bytes) vs JSONWriter on in-memory arrays\n\n"
        s +=
            "| window points | JSON size | cold p50 | repeated p50 | in-memory write p50 | cold ns/point | repeated ns/point | write ns/point | repeated / write | cached p50 | as-of p50 | downsampled p50 | sealed p50 | sealed / write |\n"
        s += "|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|\n"
        for m in results.materializes {
            let per = { (x: Samples) in String(format: "%.0f", x.p50 / Double(m.points)) }
            s +=
                "| \(sizeLabel(m.points)) | \(formatBytes(Double(m.jsonBytes))) | \(formatNS(m.cold.p50)) | \(formatNS(m.repeated.p50)) | "
            s += "\(formatNS(m.write.p50)) | \(per(m.cold)) | \(per(m.repeated)) | \(per(m.write)) | "
            s +=
                "\(formatRatio(m.repeated.p50 / m.write.p50)) | \(formatNS(m.cached.p50)) | \(formatNS(m.asOf.p50)) | \(formatNS(m.downsampled.p50)) | "
            s += "\(formatNS(m.sealed.p50)) | \(formatRatio(m.sealed.p50 / m.write.p50)) |\n"
        }

        if !results.storages.isEmpty {
            s +=
                "\n### Storage of a live-logged env (1 step/msg): visdom's JSON, the live store, sealed by `compact`\n\n"
            s +=
                "| env | points | JSON bytes/point | live bytes/point | live / JSON | sealed bytes/point | sealed / JSON | seal time |\n"
            s += "|---:|---:|---:|---:|---:|---:|---:|---:|\n"
            for st in results.storages {
                let p = Double(st.points)
                s += "| \(sizeLabel(st.size)) | \(st.points) | \(String(format: "%.1f", Double(st.jsonBytes) / p)) | "
                s +=
                    "\(String(format: "%.1f", Double(st.liveBytes) / p)) | \(formatRatio(Double(st.liveBytes) / Double(st.jsonBytes))) | "
                s +=
                    "\(String(format: "%.1f", Double(st.sealedBytes) / p)) | \(formatRatio(Double(st.sealedBytes) / Double(st.jsonBytes))) | "
                s += "\(String(format: "%.2f s", st.sealSeconds)) |\n"
            }
        }

        if let o = results.openList {
            s += "\n### Open + list\n\n"
            s +=
                "| envs (+ main) | windows | open + envNames p50 | p99 | open + listEnvs p50 | p99 |\n|---:|---:|---:|---:|---:|---:|\n"
            s += "| \(o.envs) | \(o.windows) | \(formatNS(o.openNames.p50)) | \(formatNS(o.openNames.p99)) | "
            s += "\(formatNS(o.openList.p50)) | \(formatNS(o.openList.p99)) |\n"
        }

        if let r = results.rss {
            s += "\n### Peak RSS of a bulk ingest (child process, VmHWM)\n\n"
            s +=
                "| env | points | messages | seconds | VmHWM | VmHWM before the import |\n|---:|---:|---:|---:|---:|---:|\n"
            s += "| \(sizeLabel(r.size)) | \(r.points) | \(r.messages) | \(String(format: "%.1f", r.seconds)) | "
            s += "\(formatBytes(Double(r.hwmKiB) * 1024)) | \(formatBytes(Double(r.baselineKiB) * 1024)) |\n"
        }

        for sc in results.scales { s += scaleMarkdown(sc) }

        s += "\n### Targets\n\n| target | measured | limit | |\n|---|---:|---|---|\n"
        for t in targets {
            s +=
                "| \(t.name) | \(t.measured) | \(t.limit) | \(t.met.map { $0 ? "met" : "**missed**" } ?? "not measured at that size") |\n"
        }
        return s
    }

    // MARK: CSV

    /// `measure,variant,points,metric,value,unit`, one figure per row.
    var csv: String {
        var rows = ["measure,variant,points,metric,value,unit"]
        func row(_ measure: String, _ variant: String, _ points: Int, _ metric: String, _ value: Double, _ unit: String)
        {
            let v = value == value.rounded() && abs(value) < 1e15 ? String(Int64(value)) : String(format: "%.6g", value)
            rows.append("\(measure),\(variant),\(points),\(metric),\(v),\(unit)")
        }
        func latency(_ measure: String, _ variant: String, _ points: Int, _ s: Samples) {
            row(measure, variant, points, "p50", s.p50, "ns")
            row(measure, variant, points, "p99", s.p99, "ns")
            row(measure, variant, points, "samples", Double(s.count), "count")
        }
        for v in results.saves {
            latency("save", v.kind.rawValue, v.points, v.latency)
            row("save", v.kind.rawValue, v.points, "bytes_per_save", v.bytes, "bytes")
        }
        for n in results.sizes {
            for (mode, snap, delta) in [
                ("normal", Results.SaveKind.snapshot, Results.SaveKind.deltaNormal),
                ("full", .snapshotFsync, .deltaFull),
            ] {
                guard let s = results.save(snap, points: n), let d = results.save(delta, points: n) else { continue }
                row("save_ratio", mode, n, "p50_ratio", s.latency.p50 / d.latency.p50, "x")
                row("save_ratio", mode, n, "bytes_ratio", s.bytes / d.bytes, "x")
            }
        }
        for r in results.rawCommits { latency("raw_commit", r.durability, r.points, r.latency) }
        for i in results.ingests {
            row("ingest", i.log, i.size, "points", Double(i.points), "count")
            row("ingest", i.log, i.size, "messages", Double(i.messages), "count")
            row("ingest", i.log, i.size, "log_bytes", Double(i.logBytes), "bytes")
            row("ingest", i.log, i.size, "seconds", i.seconds, "s")
            row("ingest", i.log, i.size, "points_per_s", i.pointsPerSecond, "points/s")
            row("ingest", i.log, i.size, "store_bytes", Double(i.storeBytes), "bytes")
            row("ingest_floor", i.log, i.size, "seconds", i.floorSeconds, "s")
            row("ingest_floor", i.log, i.size, "rows", Double(i.floorRows), "count")
            row("ingest_floor", i.log, i.size, "points_per_s", i.floorPointsPerSecond, "points/s")
            row("ingest_floor", i.log, i.size, "fraction_of_floor", i.fractionOfFloor, "ratio")
        }
        for m in results.materializes {
            for (variant, s) in [("cold", m.cold), ("repeated", m.repeated)] {
                latency("materialize", variant, m.points, s)
                row("materialize", variant, m.points, "ns_per_point", s.p50 / Double(m.points), "ns")
            }
            latency("json_write", "in_memory", m.points, m.write)
            row("json_write", "in_memory", m.points, "ns_per_point", m.write.p50 / Double(m.points), "ns")
            row("json_write", "in_memory", m.points, "json_bytes", Double(m.jsonBytes), "bytes")
            latency("cached_window", "unchanged", m.points, m.cached)
            latency("materialize", "as_of_previous_epoch", m.points, m.asOf)
            latency("materialize", "downsampled_1000", m.points, m.downsampled)
            latency("materialize", "sealed", m.points, m.sealed)
        }
        for st in results.storages {
            row("storage", "live", st.size, "points", Double(st.points), "count")
            row("storage", "visdom_json", st.size, "bytes", Double(st.jsonBytes), "bytes")
            row("storage", "live", st.size, "bytes", Double(st.liveBytes), "bytes")
            row("storage", "sealed", st.size, "bytes", Double(st.sealedBytes), "bytes")
            row("storage", "sealed", st.size, "seal_seconds", st.sealSeconds, "s")
        }
        if let o = results.openList {
            latency("open_list", "envNames", o.envs, o.openNames)
            latency("open_list", "listEnvs", o.envs, o.openList)
        }
        if let r = results.rss {
            row("peak_rss", "ingest", r.size, "points", Double(r.points), "count")
            row("peak_rss", "ingest", r.size, "vmhwm", Double(r.hwmKiB) * 1024, "bytes")
            row("peak_rss", "ingest", r.size, "baseline_vmhwm", Double(r.baselineKiB) * 1024, "bytes")
            row("peak_rss", "ingest", r.size, "seconds", r.seconds, "s")
        }
        for sc in results.scales {
            let n = sc.size
            row("scale", "bulk", n, "points", Double(sc.points), "count")
            row("scale", "bulk", n, "messages", Double(sc.messages), "count")
            row("scale", "bulk", n, "log_bytes", Double(sc.logBytes), "bytes")
            row("scale", "bulk", n, "seconds", sc.ingestSeconds, "s")
            row("scale", "bulk", n, "points_per_s", sc.ingestPointsPerSecond, "points/s")
            row("scale", "bulk", n, "store_bytes", Double(sc.bulkBytes), "bytes")
            row("scale", "bulk", n, "vmhwm", Double(sc.ingestHWMKiB) * 1024, "bytes")
            row("scale", "bulk", n, "baseline_vmhwm", Double(sc.ingestBaselineKiB) * 1024, "bytes")
            for (variant, r) in [("bulk", sc.reads), ("sealed", sc.sealedReads)] {
                latency("scale_open_list", variant, n, r.openList)
                row("scale_open_list", variant, n, "vmhwm", Double(r.listHWMKiB) * 1024, "bytes")
                latency("scale_export", variant, n, r.export)
                row("scale_export", variant, n, "json_bytes", Double(r.windowJSONBytes), "bytes")
                row("scale_export", variant, n, "vmhwm", Double(r.exportHWMKiB) * 1024, "bytes")
                latency("scale_export", variant + "_downsampled_1000", n, r.downsampled)
            }
            row("scale", "live_tail", n, "points", Double(sc.tail.points), "count")
            row("scale", "live_tail", n, "messages", Double(sc.tail.messages), "count")
            row("scale", "live_tail", n, "seconds", sc.tail.seconds, "s")
            row("scale", "live_tail", n, "store_bytes", Double(sc.liveBytes), "bytes")
            row("scale", "live_tail", n, "vmhwm", Double(sc.tail.hwmKiB) * 1024, "bytes")
            row("scale", "sealed", n, "store_bytes", Double(sc.sealedBytes), "bytes")
            for (variant, free) in zip(["bulk", "live_tail", "sealed"], sc.freeBytes) {
                row("scale", variant, n, "free_bytes", Double(free), "bytes")
            }
            row("scale", "sealed", n, "seconds", sc.sealSeconds, "s")
            row("scale", "sealed", n, "vmhwm", Double(sc.sealHWMKiB) * 1024, "bytes")
            row("scale", "process", n, "max_rss", Double(sc.processPeakKiB) * 1024, "bytes")
            for (i, t) in sc.tails.enumerated() {
                row("scale", "live_tail_part\(i + 1)", n, "points", Double(t.points), "count")
                row("scale", "live_tail_part\(i + 1)", n, "seconds", t.seconds, "s")
                row("scale", "live_tail_part\(i + 1)", n, "store_bytes", Double(t.usedBytes), "bytes")
            }
        }
        for (i, t) in targets.enumerated() {
            let name = "t\(i + 1): " + t.name.replacingOccurrences(of: ",", with: ";")
            row("target", name, 0, t.met == nil ? "not_measured" : "met", t.met.map { $0 ? 1 : 0 } ?? -1, "bool")
        }
        return rows.joined(separator: "\n") + "\n"
    }

    // MARK: scale run

    func scaleMarkdown(_ sc: Results.Scale) -> String {
        let n = sizeLabel(sc.size)
        let hwm = { (kib: Int) in formatBytes(Double(kib) * 1024) }
        let perPoint = { (bytes: Int64, points: Int) in String(format: "%.1f", Double(bytes) / Double(points)) }
        let all = sc.points + sc.tail.points
        var s = "\n### Scale run: \(n) points (\(sc.points)), bulk then live\n\n"
        s += "| phase | figures | peak RSS (VmHWM of the phase) |\n|---|---|---:|\n"
        s += "| bulk ingest (\(sc.messages) messages, \(formatBytes(Double(sc.logBytes))) log, child process) | "
        s += String(format: "%.1f s, ", sc.ingestSeconds) + "\(formatRate(sc.ingestPointsPerSecond)) points/s, "
        s += "store \(formatBytes(Double(sc.bulkBytes))) = \(perPoint(sc.bulkBytes, sc.points)) B/point | "
        s += "\(hwm(sc.ingestHWMKiB)) (\(hwm(sc.ingestBaselineKiB)) before) |\n"
        for (label, r) in [("", sc.reads), (", sealed", sc.sealedReads)] {
            s += "| open + listEnvs\(label) (\(r.listedPoints) points listed) | p50 \(formatNS(r.openList.p50)), "
            s += "p99 \(formatNS(r.openList.p99)), \(r.openList.count) samples | \(hwm(r.listHWMKiB)) |\n"
            s +=
                "| export of window `\(Measures.scaleWindow)`\(label) (\(formatBytes(Double(r.windowJSONBytes))) JSON) | "
            s += "p50 \(formatNS(r.export.p50)), \(r.export.count) samples; downsampled to 1,000 points: "
            s += "p50 \(formatNS(r.downsampled.p50)) | \(hwm(r.exportHWMKiB)) |\n"
        }
        for (i, t) in sc.tails.enumerated() {
            s += "| live-logged tail, part \(i + 1) (\(t.points) points, \(t.messages) messages, 1 step/msg) | "
            s += String(format: "%.1f s, ", t.seconds) + "\(formatRate(Double(t.points) / t.seconds)) points/s, "
            s += "store \(formatBytes(Double(t.usedBytes))) in use | \(hwm(t.hwmKiB)) |\n"
        }
        s += "| live-logged tail, both parts | store \(formatBytes(Double(sc.liveBytes))) = "
        s += "\(perPoint(sc.liveBytes, all)) B/point | |\n"
        s += "| compact (seal, all history kept: \(sc.segmentsSealed) segments into \(sc.blocksWritten) blocks) | "
        s += String(format: "%.1f s, ", sc.sealSeconds) + "store \(formatBytes(Double(sc.sealedBytes))) = "
        s += "\(perPoint(sc.sealedBytes, all)) B/point | \(hwm(sc.sealHWMKiB)) |\n"
        s += "| the benchmark process (largest phase peak above) | | \(hwm(sc.processPeakKiB)) |\n"
        s += "\nStore bytes are the file's pages in use; free pages in the file after the bulk import, the tail "
        s += "and compact: \(sc.freeBytes.map { formatBytes(Double($0)) }.joined(separator: ", ")).\n"
        s += "\nOne-point saves against this store: the save tables above, at \(n).\n"
        return s
    }
}
