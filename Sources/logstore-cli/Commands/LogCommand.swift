import LogStore

/// `logstore log [--env ENV] [--since EPOCH|TIME] [--until EPOCH|TIME] [--limit N] [--json] [--no-pager]`
enum LogCommand: Command {
    static let spec = CommandSpec(
        name: "log",
        abstract: "Show the epochs, newest first: when, from where, and what changed.",
        discussion: """
            Each accepted message is one epoch: its time (ISO-8601, UTC), its source, the
            endpoint, env and window it addressed, and what it changed ("+1 point to loss",
            "closed t2", "created loss (5 points)", "new env run2", "deleted env run1"); a
            refused or failed message shows visdom's refusal or error first. A source is
            FILE:LINE of a replay log, the env file, 'serve' (a request to logstore serve;
            'serve:socket' for one from its socket), 'api' (a program using the library, and
            logstore fork), or 'init' (epoch 0, the store's creation).
            Rows are printed as they are read; on a terminal they go through $LOGSTORE_PAGER,
            else $PAGER, else 'less' (with LESS=FRX unless LESS is set), as git log does.
            --since and --until take an epoch number or a date or time, UTC unless it names an
            offset: 2026-12-06, 2026-12-06T10:00, 2026-12-06T10:00:05.250Z, 2026-12-06T12:00+02:00.
            --since EPOCH shows the epochs after EPOCH, --until EPOCH those up to it; a date or
            time covers its whole span (--until 2026-12-06 includes all of that day).
            Table cells are cut with … at 40 columns (100 for CHANGES); --json prints one JSON
            object per line, names whole, with the keys epoch, time, source, endpoint, env,
            window, status, detail and changes (a list of {"kind", "env", "window", "points"};
            kind is env_created, env_deleted, created, replaced, closed, changed, appended, or
            compacted for an epoch up to N after 'logstore compact --before N', which merged
            their rows).
            """,
        options: [
            .init(
                name: "--env", valueName: "ENV", help: "Only epochs whose message addressed this env", verbatim: true),
            .init(name: "--since", valueName: "EPOCH|TIME", help: "Only the epochs after EPOCH, or from TIME on"),
            .init(name: "--until", valueName: "EPOCH|TIME", help: "Only the epochs up to EPOCH, or up to TIME"),
            .init(name: "--limit", valueName: "N", help: "At most N epochs"),
            .init(name: "--json", valueName: nil, help: "One JSON object per line"),
            .init(name: "--no-pager", valueName: nil, help: "Never page the output"),
        ],
        examples: [
            "logstore log --env main --limit 20",
            "logstore log --since 2026-12-06T10:00 --until 2026-12-06T11:00",
            "logstore log --since 1200 --json   # what happened after epoch 1200",
        ])

    static func run(_ arguments: ParsedArguments, _ context: Context) throws -> Int32 {
        var filter = EpochFilter(env: arguments.value("--env"), limit: try arguments.count("--limit"))
        switch try bound("--since", arguments) {
        case .epoch(let n)?: filter.after = n
        case .time(let first, _)?: filter.fromTimeMS = first
        case nil: break
        }
        switch try bound("--until", arguments) {
        case .epoch(let n)?: filter.through = n
        case .time(_, let last)?: filter.toTimeMS = last
        case nil: break
        }
        let store = try context.openStore(readOnly: true)
        let asJSON = arguments.flag("--json")
        // Measured before the pager starts, so that an error is not printed under it.
        let lengths = asJSON ? nil : try store.epochFieldLengths(filter)
        let pager = arguments.flag("--no-pager") ? nil : Pager.start(environment: context.environment)
        defer { pager?.finish(context.stdout) }
        if asJSON {
            try store.forEachEpoch(filter, changes: true) { r, changes in context.stdout.write(json(r, changes)) }
            return 0
        }
        let table = TextTable(["EPOCH", "TIME", "SOURCE", "ENDPOINT", "ENV", "WINDOW", "CHANGES"], rightAligned: [0])
        let widths = columnWidths(lengths!)
        context.stdout.write(table.line(table.header, widths: widths))
        try store.forEachEpoch(filter, changes: true) { r, changes in
            let cells = [
                String(r.epoch), Format.timestamp(ms: r.timeMS), r.source, r.endpoint, r.env ?? "-", r.window ?? "-",
            ]
            .enumerated().map { DisplayWidth.truncate(TextTable.cell($1), to: widths[$0]) }
            context.stdout.write(table.line(cells + [TextTable.cell(describe(r, changes), last: true)], widths: widths))
        }
        return 0
    }

    private static func bound(_ option: String, _ arguments: ParsedArguments) throws(ParserError) -> EpochOrTime? {
        guard let text = arguments.value(option) else { return nil }
        guard let value = EpochOrTime(text) else {
            throw .invalidValue(
                option: option, valueName: "EPOCH|TIME", value: text,
                expected: "an epoch number, or a date or time such as 2026-12-06 or 2026-12-06T10:00")
        }
        return value
    }

    /// Column widths for a streamed table, from the longest field of the epochs to be shown
    /// (bytes bound display width) capped at the table's cell limit; the last is not padded.
    static func columnWidths(_ l: EpochFieldLengths) -> [Int] {
        let cap = { (n: Int, header: Int) in min(TextTable.cellLimit, max(n, header)) }
        return [
            max(5, String(l.maxEpoch).count), 24, cap(l.source, 6), cap(l.endpoint, 8), cap(max(l.env, 1), 3),
            cap(max(l.window, 1), 6), 0,
        ]
    }

    /// The CHANGES cell: visdom's refusal or error, then what the epoch changed.
    static func describe(_ r: EpochRecord, _ changes: [EpochChange]) -> String {
        var parts: [String] = []
        if r.status != "ok" { parts.append("\(r.status): \(r.detail)") }
        parts += phrases(changes)
        return parts.isEmpty ? "no change" : parts.joined(separator: "; ")
    }

    /// "+1 point to loss", "closed t2"; more than four window changes of one kind are counted
    /// ("created 12 windows (340 points)").
    static func phrases(_ changes: [EpochChange]) -> [String] {
        func name(_ s: String?) -> String { DisplayWidth.truncate(DisplayWidth.sanitize(s ?? ""), to: 24) }
        func points(_ n: Int, _ sign: String = "") -> String { "\(sign)\(Format.count(n, "point"))" }
        var out: [String] = []
        var kinds: [EpochChange.Kind] = []
        for c in changes where !kinds.contains(c.kind) { kinds.append(c.kind) }
        for kind in kinds {
            let group = changes.filter { $0.kind == kind }
            let total = group.reduce(0) { $0 + $1.points }
            if group.count > 4 && group.first?.window != nil {
                let verb = kind == .appended ? "appended to" : kind.rawValue
                out.append(
                    "\(verb) \(group.count) windows"
                        + (total > 0 ? " (\(points(total, kind == .appended || kind == .changed ? "+" : "")))" : ""))
                continue
            }
            for c in group {
                let w = name(c.window)
                switch c.kind {
                case .compacted: out.append("history compacted")
                case .envCreated: out.append("new env \(name(c.env))")
                case .envDeleted: out.append("deleted env \(name(c.env))")
                case .created, .replaced:
                    out.append("\(c.kind.rawValue) \(w)" + (c.points > 0 ? " (\(points(c.points)))" : ""))
                case .closed: out.append("closed \(w)")
                case .changed: out.append("changed \(w)" + (c.points > 0 ? " (\(points(c.points, "+")))" : ""))
                case .appended: out.append(c.points > 0 ? "\(points(c.points, "+")) to \(w)" : "appended to \(w)")
                }
            }
        }
        return out
    }

    /// One line of `--json`, written field by field (a log may have millions of lines).
    static func json(_ r: EpochRecord, _ changes: [EpochChange]) -> [UInt8] {
        var out: [UInt8] = []
        func key(_ k: String, _ value: JSONValue, first: Bool = false) {
            out += Array((first ? "{\"" : ", \"").utf8) + Array(k.utf8) + Array("\": ".utf8)
            JSONWriter.write(value, to: &out, options: .init(ensureASCII: false))
        }
        key("epoch", .int(r.epoch), first: true)
        key("time", .string(Format.timestamp(ms: r.timeMS)))
        key("source", .string(r.source))
        key("endpoint", .string(r.endpoint))
        key("env", r.env.map(JSONValue.string) ?? .null)
        key("window", r.window.map(JSONValue.string) ?? .null)
        key("status", .string(r.status))
        key("detail", .string(r.detail))
        out += Array(", \"changes\": [".utf8)
        for (i, c) in changes.enumerated() {
            if i > 0 { out += Array(", ".utf8) }
            key("kind", .string(c.kind.rawValue), first: true)
            key("env", .string(c.env))
            key("window", c.window.map(JSONValue.string) ?? .null)
            key("points", .int(Int64(c.points)))
            out.append(UInt8(ascii: "}"))
        }
        out += Array("]}\n".utf8)
        return out
    }
}
