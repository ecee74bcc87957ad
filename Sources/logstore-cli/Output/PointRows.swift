import LogStore

/// `export --format csv|jsonl`: a window's points as rows, for pandas and spreadsheets. One row
/// per point: env, window, trace, index, x, y.
///
/// - Which windows: `plot` panes only. A plot's trace gives rows when it is an object with an
///   array `x` or `y` and no `z` (line, scatter, bar, box, …); its rows are `index` 0…n-1, n the
///   longer of the two arrays. Other traces (heatmap, surface, contour, scatter3d, pie) and
///   other panes (text, image, properties, …) give none: `skipped` names them, and the JSON
///   export keeps them whole.
/// - `trace` is the trace's `name` when it is a string, else its position in the window's
///   `data` (0, 1, …).
/// - CSV (RFC 4180, `\r\n` line ends, a header row): every string is quoted, numbers are bare,
///   so a reader can tell `"NaN"` the string from NaN the number. Integers print as integers,
///   floats as Python's repr (every bit kept), NaN, +Infinity and -Infinity as `NaN`,
///   `Infinity` and `-Infinity` (what Python's float() and pandas read), null as an empty
///   field, and so is an x or y the trace does not have. true, false, arrays and objects are
///   written as their JSON text, quoted.
/// - JSON lines: one object per point with the keys env, window, trace, index, x, y; values
///   exactly as in the JSON export (NaN and ±Infinity as Python's json writes them, which
///   Python's json.loads reads), null as null, and an x or y the trace does not have is left
///   out.
struct PointRows {
    enum Format: String, CaseIterable {
        case json, csv, jsonl
    }

    let format: Format
    private(set) var out: [UInt8] = []
    /// Windows and traces that give no rows, as `'hm' (heatmap trace 0)`.
    private(set) var skipped: [String] = []

    init(format: Format) {
        self.format = format
        if format == .csv { row(["env", "window", "trace", "index", "x", "y"].map(JSONValue.string)) }
    }

    /// Adds the rows of window `id` of env `env`, whose JSON (as visdom holds it) is `window`.
    mutating func add(env: String, window id: String, _ window: JSONValue) {
        let type = window["type"]?.stringValue ?? "?"
        guard type == "plot", let data = window["content"]?["data"]?.arrayValue else {
            skipped.append("'\(id)' (\(type))")
            return
        }
        for (position, trace) in data.enumerated() {
            guard case .object(let t) = trace, t["z"] == nil, t["x"]?.arrayValue != nil || t["y"]?.arrayValue != nil
            else {
                skipped.append("'\(id)' (\(trace["type"]?.stringValue ?? "?") trace \(position))")
                continue
            }
            let name: JSONValue = t["name"]?.stringValue.map(JSONValue.string) ?? .int(Int64(position))
            let xs = t["x"]?.arrayValue
            let ys = t["y"]?.arrayValue
            for i in 0..<max(xs?.count ?? 0, ys?.count ?? 0) {
                let x = xs.flatMap { i < $0.count ? $0[i] : nil }
                let y = ys.flatMap { i < $0.count ? $0[i] : nil }
                switch format {
                case .csv:
                    row([.string(env), .string(id), name, .int(Int64(i)), x ?? .null, y ?? .null])
                case .jsonl, .json:
                    var o = JSONObject([
                        ("env", .string(env)), ("window", .string(id)), ("trace", name), ("index", .int(Int64(i))),
                    ])
                    if let x { o["x"] = x }
                    if let y { o["y"] = y }
                    JSONWriter.write(.object(o), to: &out, options: .init(ensureASCII: false))
                    out.append(UInt8(ascii: "\n"))
                }
            }
        }
    }

    /// One CSV record.
    private mutating func row(_ fields: [JSONValue]) {
        for (i, f) in fields.enumerated() {
            if i > 0 { out.append(UInt8(ascii: ",")) }
            switch f {
            case .null: break
            case .int, .bigInt, .double:
                JSONWriter.write(f, to: &out)
            case .string(let s): quoted(s)
            default:
                quoted(JSONWriter.string(f, options: .init(ensureASCII: false)))
            }
        }
        out += [0x0D, 0x0A]
    }

    private mutating func quoted(_ s: String) {
        out.append(UInt8(ascii: "\""))
        for b in s.utf8 {
            if b == UInt8(ascii: "\"") { out.append(b) }
            out.append(b)
        }
        out.append(UInt8(ascii: "\""))
    }
}

extension PointRows.Format {
    /// `--format`'s value; json when absent.
    init(_ text: String?) throws(ParserError) {
        guard let text else {
            self = .json
            return
        }
        guard let f = Self(rawValue: text) else {
            throw .invalidValue(option: "--format", valueName: "FORMAT", value: text, expected: "json, csv or jsonl")
        }
        self = f
    }
}
