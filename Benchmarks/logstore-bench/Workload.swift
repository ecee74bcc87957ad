import Foundation
import LogStore

/// The benchmark's training-like env, written as a visdom replay log (the JSON lines the visdom
/// client writes with `log_to_filename`, in its exact message shapes), so the store is built
/// through the real import path.
///
/// Ten windows: eight line plots with 19 traces between them, one heatmap (a weight histogram,
/// 16 columns) that grows by `appendRow`, and a text log. A training *step* adds one point to
/// every trace; every 16th step adds a heatmap row, every 100th step a log line.
///
/// **Points**: one (x, y) of a line trace, or one cell of a heatmap row. A step adds 20 on
/// average (19 + 16/16). A text line is not a point.
///
/// `stepsPerMessage` is how many steps one message carries: 1 is a live run (each
/// `vis.line(..., update="append")` call sends one step); more is a client that buffers steps
/// and sends them together, the shape bulk imports and backfills have.
struct TrainingWorkload {
    struct LineWindow {
        let id: String
        let title: String
        let ylabel: String
        let traces: [String]
    }

    static let lineWindows: [LineWindow] = [
        LineWindow(id: "loss", title: "loss", ylabel: "cross-entropy", traces: ["train", "val"]),
        LineWindow(id: "accuracy", title: "accuracy", ylabel: "accuracy", traces: ["train", "val"]),
        LineWindow(id: "lr", title: "learning rate", ylabel: "lr", traces: ["lr"]),
        LineWindow(
            id: "grad_norm", title: "gradient norm", ylabel: "L2", traces: ["layer1", "layer2", "layer3", "layer4"]),
        LineWindow(
            id: "weight_norm", title: "weight norm", ylabel: "L2", traces: ["layer1", "layer2", "layer3", "layer4"]),
        LineWindow(id: "throughput", title: "throughput", ylabel: "samples/s", traces: ["samples/s"]),
        LineWindow(id: "gpu_memory", title: "GPU memory", ylabel: "GiB", traces: ["allocated", "reserved"]),
        LineWindow(
            id: "val_metrics", title: "validation metrics", ylabel: "score", traces: ["precision", "recall", "f1"]),
    ]
    static let traceCount = lineWindows.reduce(0) { $0 + $1.traces.count }
    static let heatmapColumns = 16
    static let heatmapEvery = 16
    static let textEvery = 100
    static let pointsPerStep = traceCount + heatmapColumns / heatmapEvery

    let env: String
    let steps: Int
    let stepsPerMessage: Int

    init(env: String, points: Int, stepsPerMessage: Int) {
        self.env = env
        self.steps = max(1, (points + Self.pointsPerStep / 2) / Self.pointsPerStep)
        self.stepsPerMessage = stepsPerMessage
    }

    var heatmapRows: Int { (steps + Self.heatmapEvery - 1) / Self.heatmapEvery }
    /// Points as defined above.
    var points: Int { steps * Self.traceCount + heatmapRows * Self.heatmapColumns }
    /// Points as `LogStore.listEnvs` counts them (a heatmap row is one point there).
    var listedPoints: Int { steps * Self.traceCount + heatmapRows }

    struct Written {
        var messages = 0
        var bytes = 0
    }

    /// Appends the whole run to `out`.
    func write(to out: LogFileWriter) throws -> Written {
        var w = Written()
        var start = 0
        while start < steps {
            let end = min(steps, start + stepsPerMessage)
            for message in messages(steps: start..<end, first: start == 0) {
                w.bytes += try out.write(message)
                w.messages += 1
            }
            start = end
        }
        return w
    }

    /// The messages of one batch of steps, in the order a training loop sends them.
    func messages(steps range: Range<Int>, first: Bool) -> [JSONValue] {
        var out: [JSONValue] = []
        for window in Self.lineWindows {
            let traces: [JSONValue] = window.traces.enumerated().map { i, name in
                Self.trace(
                    name: name, x: range.map { .double(Double($0)) },
                    y: range.map { .double(Self.value(window.id, trace: i, step: $0)) })
            }
            if first {
                out.append([
                    "events",
                    [
                        "data": .array(traces), "win": .string(window.id), "eid": .string(env),
                        "layout": [
                            "showlegend": true, "title": .string(window.title),
                            "margin": ["l": 60, "r": 60, "t": 60, "b": 60],
                            "xaxis": ["title": "step"], "yaxis": ["title": .string(window.ylabel)],
                        ],
                        "opts": [
                            "title": .string(window.title), "xlabel": "step", "ylabel": .string(window.ylabel),
                            "legend": .array(window.traces.map { .string($0) }), "markers": false, "fillarea": false,
                            "mode": "lines", "markersymbol": "dot", "markersize": 10, "markerborderwidth": 0.5,
                        ],
                    ],
                ])
            } else {
                out.append([
                    "update",
                    [
                        "data": .array(traces), "win": .string(window.id), "eid": .string(env), "layout": [:],
                        "opts": Self.lineUpdateOpts, "name": nil, "append": true,
                    ],
                ])
            }
        }
        let rows: [JSONValue] = range.filter { $0 % Self.heatmapEvery == 0 }.map { step in
            .array((0..<Self.heatmapColumns).map { .int(Self.histogram(step: step, bin: $0)) })
        }
        let heat: JSONValue = [
            "z": .array(rows), "x": nil, "y": nil, "zmin": nil, "zmax": nil, "type": "heatmap",
            "colorscale": "Viridis",
        ]
        if first {
            out.append([
                "events",
                [
                    "data": [heat], "win": "weights", "eid": .string(env),
                    "layout": [
                        "showlegend": false, "title": "layer1 weight histogram (rows: epochs)",
                        "margin": ["l": 60, "r": 60, "t": 60, "b": 60],
                    ],
                    "opts": ["title": "layer1 weight histogram (rows: epochs)", "colormap": "Viridis"],
                ],
            ])
        } else if !rows.isEmpty {
            out.append([
                "update",
                [
                    "data": [heat], "win": "weights", "eid": .string(env), "layout": [:],
                    "opts": ["colormap": "Viridis"],
                    "append": true, "updateDir": "appendRow",
                ],
            ])
        }
        let lines = range.filter { $0 % Self.textEvery == 0 }.map {
            "step \($0): loss \(Self.value("loss", trace: 0, step: $0)), lr \(Self.value("lr", trace: 0, step: $0))"
        }
        if first {
            out.append([
                "events",
                [
                    "data": [
                        [
                            "content": .string(
                                (["<b>\(env)</b>: ResNet-18, batch 256, SGD momentum 0.9"] + lines)
                                    .joined(separator: "<br>")), "type": "text",
                        ]
                    ],
                    "win": "log", "eid": .string(env), "opts": ["title": "log"],
                ],
            ])
        } else if !lines.isEmpty {
            out.append([
                "update",
                [
                    "data": [["content": .string(lines.joined(separator: "<br>")), "type": "text"]],
                    "win": "log", "eid": .string(env), "opts": [:],
                ],
            ])
        }
        return out
    }

    static let lineUpdateOpts: JSONValue = [
        "markers": false, "fillarea": false, "mode": "lines", "markersymbol": "dot", "markersize": 10,
        "markerborderwidth": 0.5,
    ]

    /// A trace as the visdom client's `line` sends it.
    static func trace(name: String, x: [JSONValue], y: [JSONValue]) -> JSONValue {
        [
            "x": .array(x), "y": .array(y), "name": .string(name), "type": "scatter", "mode": "lines",
            "textposition": "right", "line": [:],
            "marker": ["size": 10, "symbol": "dot", "line": ["color": "#000000", "width": 0.5]],
        ]
    }

    /// The one-point append a training loop sends for one trace: one `/update`, one epoch. The
    /// message is built as `logstore serve` builds it: the body's JSON bytes parsed once into a
    /// `RequestBody`. What a save is timed on is the store's `apply` of that message; the raw
    /// commit it is set beside gets its row encoded before its clock starts, too.
    func onePointAppend(step: Int) throws -> LogStore.Message {
        let body: JSONValue = [
            "data": [
                Self.trace(
                    name: "train", x: [.double(Double(step))], y: [.double(Self.value("loss", trace: 0, step: step))])
            ],
            "win": "loss", "eid": .string(env), "layout": [:], "opts": Self.lineUpdateOpts, "name": "train",
            "append": true,
        ]
        return LogStore.Message(.update, try RequestBody(json: JSONWriter.bytes(body)), source: "bench")
    }

    /// Deterministic, full-precision values shaped like training curves (a decaying curve plus
    /// noise), so that they print with as many digits as real metrics do.
    static func value(_ window: String, trace: Int, step: Int) -> Double {
        var h: UInt64 = 0xcbf2_9ce4_8422_2325
        for b in window.utf8 { h = (h ^ UInt64(b)) &* 0x100_0000_01b3 }
        let noise = Double(splitmix(h ^ UInt64(trace) << 40 ^ UInt64(step)) >> 11) / Double(1 << 53)
        let t = Double(step)
        return (2.3 + Double(trace) * 0.1) * exp(-t / 5000) + 0.05 * noise
    }

    static func histogram(step: Int, bin: Int) -> Int64 {
        let center = 7.5 + sin(Double(step) / 1000)
        let d = Double(bin) - center
        return Int64(400 * exp(-d * d / 8)) + Int64(splitmix(UInt64(step * 16 + bin)) % 20)
    }

    static func splitmix(_ x: UInt64) -> UInt64 {
        var z = x &+ 0x9E37_79B9_7F4A_7C15
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}

/// A replay log with one line window of `points` points in one trace, `perMessage` points per
/// message: the window that materialization is measured on.
struct SingleWindowWorkload {
    let env: String
    let window = "curve"
    let points: Int
    let perMessage: Int

    func write(to out: LogFileWriter) throws {
        var start = 0
        while start < points {
            let end = min(points, start + perMessage)
            let trace = TrainingWorkload.trace(
                name: "train", x: (start..<end).map { .double(Double($0)) },
                y: (start..<end).map { .double(TrainingWorkload.value("curve", trace: 0, step: $0)) })
            if start == 0 {
                _ = try out.write([
                    "events",
                    [
                        "data": [trace], "win": .string(window), "eid": .string(env),
                        "layout": ["showlegend": false, "title": "curve"], "opts": ["title": "curve"],
                    ],
                ])
            } else {
                _ = try out.write([
                    "update",
                    [
                        "data": [trace], "win": .string(window), "eid": .string(env), "layout": [:],
                        "opts": TrainingWorkload.lineUpdateOpts, "name": "train", "append": true,
                    ],
                ])
            }
            start = end
        }
    }
}

/// Writes JSON lines to a file through a buffer, as the visdom client's replay log holds them
/// (`json.dumps` of `[endpoint, message]` and a newline).
final class LogFileWriter {
    private let handle: FileHandle
    private var buffer: [UInt8] = []

    init(path: String) throws {
        guard FileManager.default.createFile(atPath: path, contents: nil), let h = FileHandle(forWritingAtPath: path)
        else {
            throw BenchError("cannot create \(path)")
        }
        handle = h
        buffer.reserveCapacity(1 << 20)
    }

    /// Returns the bytes written for this line.
    func write(_ line: JSONValue) throws -> Int {
        let before = buffer.count
        JSONWriter.write(line, to: &buffer)  // appends
        buffer.append(0x0A)
        let n = buffer.count - before
        if buffer.count >= 1 << 20 { try flush() }
        return n
    }

    func flush() throws {
        try handle.write(contentsOf: buffer)
        buffer.removeAll(keepingCapacity: true)
    }

    func close() throws {
        try flush()
        try handle.close()
    }
}
