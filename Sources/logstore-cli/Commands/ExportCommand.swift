import LogStore

/// `logstore export --env ENV [--window WIN] [--output FILE] [--pretty]`
enum ExportCommand: Command {
    static let spec = CommandSpec(
        name: "export",
        abstract: "Print an env, or one of its windows, as visdom JSON.",
        discussion: """
            An env prints as the env file visdom saves, {"jsons": {...}, "reload": {...}}, which
            visdom's server loads unchanged; a window prints as visdom holds it in "jsons".
            Floats print as Python's repr does, NaN and Infinity as Python's bare tokens.
            With --output the file is replaced atomically: readers see the old or the new
            content, never a part.
            --as-of EPOCH exports the env or window exactly as it was right after that epoch.
            --since EPOCH prints what changed after it: {"env", "since", "up_to", "deleted",
            "windows": {WIN: {"append": [{"path": [...], "values": [...]}]} | {"window": ...} |
            {"closed": true}}}; the answer is complete up to epoch "up_to".
            --max-points N keeps, per trace, the first and last point, every NaN, Infinity and
            null, and each bucket's minimum and maximum.
            --format csv or jsonl writes one row per point of the env's (or the window's) plots:
            env, window, trace (its name, else its position), index, x, y. In CSV strings are
            quoted and numbers bare; NaN, Infinity, -Infinity print so, null as an empty field.
            Traces without x and y, or with z (heatmap, surface), and panes that are not plots
            are left out and named on stderr. See README, "Export for analysis".
            """,
        options: [
            .init(name: "--env", valueName: "ENV", required: true, help: "The env to export", verbatim: true),
            .init(name: "--window", valueName: "WIN", help: "Only this window of the env", verbatim: true),
            .init(name: "--output", valueName: "FILE", help: "Write to FILE instead of stdout ('-': stdout)"),
            .init(name: "--pretty", valueName: nil, help: "Indent by two spaces, as json.dumps(indent=2)"),
            .init(name: "--as-of", valueName: "EPOCH", help: "As it was right after EPOCH (see 'logstore log')"),
            .init(
                name: "--since", valueName: "EPOCH", help: "Only what changed after EPOCH: new points, or whole windows"
            ),
            .init(name: "--max-points", valueName: "N", help: "With --window: at most N points per trace, spikes kept"),
            .init(
                name: "--format", valueName: "FORMAT", help: "json (default), or csv / jsonl: one row per point",
                completion: .words(PointRows.Format.allCases.map(\.rawValue))),
        ],
        examples: [
            "logstore export --env main --window loss",
            "logstore export --env main --window loss --as-of 1200 --max-points 1000",
            "logstore export --env main --since 1200   # catch up after epoch 1200",
            "logstore export --env main --output ~/.visdom/main.json   # a file visdom can load",
            "logstore export --env main --format csv --output main.csv   # for pandas.read_csv",
        ])

    static func run(_ arguments: ParsedArguments, _ context: Context) throws -> Int32 {
        let env = arguments.value("--env")!
        if let file = arguments.value("--output"), file != "-" { try StoreFiles.refuseOutput(file, store: context.db) }
        let store = try context.openStore(readOnly: true)
        let asOf = try arguments.epoch("--as-of")
        let since = try arguments.epoch("--since")
        let maxPoints = try arguments.count("--max-points")
        if maxPoints != nil && arguments.value("--window") == nil {
            throw ParserError.invalidValue(
                option: "--max-points", valueName: "N", value: arguments.value("--max-points")!,
                expected: "to be used with --window")
        }
        if since != nil && (asOf != nil || arguments.value("--window") != nil) {
            throw ParserError.invalidValue(
                option: "--since", valueName: "EPOCH", value: arguments.value("--since")!,
                expected: "without --as-of and --window")
        }
        let format = try PointRows.Format(arguments.value("--format"))
        if format != .json {
            if since != nil {
                throw ParserError.invalidValue(
                    option: "--since", valueName: "EPOCH", value: arguments.value("--since")!,
                    expected: "with --format json")
            }
            if arguments.flag("--pretty") {
                throw ParserError.unexpectedValue(flag: "--pretty", value: "--format \(format.rawValue)")
            }
        }
        let value: JSONValue
        if let since {
            value = try store.changes(env: env, since: since).json
        } else if let window = arguments.value("--window") {
            value =
                try maxPoints.map { try store.exportWindow(env: env, window: window, asOf: asOf, maxPoints: $0) }
                ?? store.exportWindow(env: env, window: window, asOf: asOf)
        } else {
            value = try store.exportEnv(env, asOf: asOf)
        }
        var out: [UInt8]
        if format == .json {
            out = JSONWriter.bytes(value, options: .init(pretty: arguments.flag("--pretty")))
            out.append(UInt8(ascii: "\n"))
        } else {
            var rows = PointRows(format: format)
            if let window = arguments.value("--window") {
                rows.add(env: env, window: window, value)
            } else {
                for (id, window) in value["jsons"]?.objectValue?.pairs.map({ $0 }) ?? [] {
                    rows.add(env: env, window: id, window)
                }
            }
            if !rows.skipped.isEmpty {
                let list = rows.skipped.map(DisplayWidth.sanitize).joined(separator: ", ")
                StandardError.write("not written (no x/y points; --format json has them): \(list)\n")
            }
            out = rows.out
        }
        if let file = arguments.value("--output"), file != "-" {
            try AtomicFile.write(out, to: file)
        } else {
            context.stdout.write(out)
        }
        return 0
    }
}
