import Foundation

/// A tiny log-log line chart written as SVG text (no dependencies): decade grid lines, one
/// polyline with point markers per series, a legend.
struct SVGChart {
    struct Series {
        let name: String
        let color: String
        let dashed: Bool
        let points: [(x: Double, y: Double)]
    }

    var title: String
    var xLabel: String
    var yLabel: String
    var series: [Series] = []
    var width = 800.0
    var height = 460.0
    /// Formats an axis value (a power of ten).
    var xTick: (Double) -> String = { String(format: "%g", $0) }
    var yTick: (Double) -> String = { String(format: "%g", $0) }

    private let left = 80.0, right = 250.0, top = 40.0, bottom = 60.0

    var svg: String {
        let all = series.flatMap(\.points).filter { $0.x > 0 && $0.y > 0 }
        guard !all.isEmpty else { return "<svg xmlns=\"http://www.w3.org/2000/svg\"/>\n" }
        let x0 = floor(log10(all.map(\.x).min()!))
        let x1 = max(x0 + 1, ceil(log10(all.map(\.x).max()!)))
        let y0 = floor(log10(all.map(\.y).min()!))
        let y1 = max(y0 + 1, ceil(log10(all.map(\.y).max()!)))
        let pw = width - left - right
        let ph = height - top - bottom
        func px(_ x: Double) -> Double { left + (log10(x) - x0) / (x1 - x0) * pw }
        func py(_ y: Double) -> Double { top + ph - (log10(y) - y0) / (y1 - y0) * ph }
        func f(_ v: Double) -> String { String(format: "%.1f", v) }

        var s = """
            <svg xmlns="http://www.w3.org/2000/svg" width="\(f(width))" height="\(f(height))" viewBox="0 0 \(f(width)) \(f(height))" font-family="sans-serif" font-size="12">
            <rect width="100%" height="100%" fill="white"/>
            <text x="\(f(left + pw / 2))" y="22" text-anchor="middle" font-size="15">\(escape(title))</text>

            """
        for e in stride(from: x0, through: x1, by: 1) {
            let x = px(pow(10, e))
            s += "<line x1=\"\(f(x))\" y1=\"\(f(top))\" x2=\"\(f(x))\" y2=\"\(f(top + ph))\" stroke=\"#ddd\"/>\n"
            s +=
                "<text x=\"\(f(x))\" y=\"\(f(top + ph + 18))\" text-anchor=\"middle\">\(escape(xTick(pow(10, e))))</text>\n"
        }
        for e in stride(from: y0, through: y1, by: 1) {
            let y = py(pow(10, e))
            s += "<line x1=\"\(f(left))\" y1=\"\(f(y))\" x2=\"\(f(left + pw))\" y2=\"\(f(y))\" stroke=\"#ddd\"/>\n"
            s +=
                "<text x=\"\(f(left - 8))\" y=\"\(f(y + 4))\" text-anchor=\"end\">\(escape(yTick(pow(10, e))))</text>\n"
        }
        s +=
            "<rect x=\"\(f(left))\" y=\"\(f(top))\" width=\"\(f(pw))\" height=\"\(f(ph))\" fill=\"none\" stroke=\"#444\"/>\n"
        s += "<text x=\"\(f(left + pw / 2))\" y=\"\(f(height - 18))\" text-anchor=\"middle\">\(escape(xLabel))</text>\n"
        s +=
            "<text transform=\"translate(20 \(f(top + ph / 2))) rotate(-90)\" text-anchor=\"middle\">\(escape(yLabel))</text>\n"
        for (i, line) in series.enumerated() {
            let pts = line.points.filter { $0.x > 0 && $0.y > 0 }.sorted { $0.x < $1.x }
            let dash = line.dashed ? " stroke-dasharray=\"6 4\"" : ""
            s += "<polyline fill=\"none\" stroke=\"\(line.color)\" stroke-width=\"2\"\(dash) points=\""
            s += pts.map { "\(f(px($0.x))),\(f(py($0.y)))" }.joined(separator: " ") + "\"/>\n"
            for p in pts {
                s += "<circle cx=\"\(f(px(p.x)))\" cy=\"\(f(py(p.y)))\" r=\"3.5\" fill=\"\(line.color)\"/>\n"
            }
            let ly = top + 10 + Double(i) * 20
            let lx = left + pw + 16
            s +=
                "<line x1=\"\(f(lx))\" y1=\"\(f(ly))\" x2=\"\(f(lx + 24))\" y2=\"\(f(ly))\" stroke=\"\(line.color)\" stroke-width=\"2\"\(dash)/>\n"
            s += "<text x=\"\(f(lx + 30))\" y=\"\(f(ly + 4))\">\(escape(line.name))</text>\n"
        }
        return s + "</svg>\n"
    }

    private func escape(_ t: String) -> String {
        t.replacingOccurrences(of: "&", with: "&amp;").replacingOccurrences(of: "<", with: "&lt;")
            .replacingOccurrences(of: ">", with: "&gt;")
    }
}

extension Report {
    /// Save cost (p50 seconds) against env size: snapshot and delta lines, raw commits dashed.
    var saveChart: SVGChart {
        var chart = SVGChart(
            title: "Cost of one save vs env size (p50)", xLabel: "points in the env",
            yLabel: "seconds per save (log)")
        chart.xTick = { sizeLabel(Int($0.rounded())) }
        chart.yTick = { formatNS($0 * 1e9).replacingOccurrences(of: ".00", with: "") }
        let colors: [Results.SaveKind: String] = [
            .snapshot: "#d62728", .snapshotFsync: "#ff7f0e",
            .deltaNormal: "#1f77b4", .deltaFull: "#2ca02c",
        ]
        for kind in Results.SaveKind.allCases {
            let pts = results.sizes.compactMap { n in
                results.save(kind, points: n).map { (x: Double(n), y: $0.latency.p50 / 1e9) }
            }
            chart.series.append(.init(name: kind.chartLabel, color: colors[kind]!, dashed: false, points: pts))
        }
        for mode in ["normal", "full"] {
            let pts = results.sizes.compactMap { n in
                results.raw(mode, points: n).map { (x: Double(n), y: $0.latency.p50 / 1e9) }
            }
            chart.series.append(
                .init(
                    name: "raw one-row commit (\(mode))", color: mode == "full" ? "#2ca02c" : "#1f77b4",
                    dashed: true, points: pts))
        }
        return chart
    }
}
