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
            """,
        options: [
            .init(name: "--env", valueName: "ENV", required: true, help: "The env to export", verbatim: true),
            .init(name: "--window", valueName: "WIN", help: "Only this window of the env", verbatim: true),
            .init(name: "--output", valueName: "FILE", help: "Write to FILE instead of stdout ('-': stdout)"),
            .init(name: "--pretty", valueName: nil, help: "Indent by two spaces, as json.dumps(indent=2)"),
            .init(name: "--as-of", valueName: "EPOCH", help: "As it was right after EPOCH (see 'logstore log')"),
            .init(name: "--since", valueName: "EPOCH", help: "Only what changed after EPOCH: new points, or whole windows"),
            .init(name: "--max-points", valueName: "N", help: "With --window: at most N points per trace, spikes kept"),
        ],
        examples: [
            "logstore export --env main --window loss",
            "logstore export --env main --window loss --as-of 1200 --max-points 1000",
            "logstore export --env main --since 1200   # catch up after epoch 1200",
            "logstore export --env main --output ~/.visdom/main.json   # a file visdom can load",
        ])

    static func run(_ arguments: ParsedArguments, _ context: Context) throws -> Int32 {
        let env = arguments.value("--env")!
        if let file = arguments.value("--output"), file != "-" { try StoreFiles.refuseOutput(file, store: context.db) }
        let store = try context.openStore(readOnly: true)
        let asOf = try arguments.epoch("--as-of"), since = try arguments.epoch("--since")
        let maxPoints = try arguments.count("--max-points")
        if maxPoints != nil && arguments.value("--window") == nil {
            throw ParserError.invalidValue(option: "--max-points", valueName: "N", value: arguments.value("--max-points")!,
                                           expected: "to be used with --window")
        }
        if since != nil && (asOf != nil || arguments.value("--window") != nil) {
            throw ParserError.invalidValue(option: "--since", valueName: "EPOCH", value: arguments.value("--since")!,
                                           expected: "without --as-of and --window")
        }
        let value: JSONValue
        if let since {
            value = changesJSON(try store.changes(env: env, since: since))
        } else if let window = arguments.value("--window") {
            value = try maxPoints.map { try store.exportWindow(env: env, window: window, asOf: asOf, maxPoints: $0) }
                ?? store.exportWindow(env: env, window: window, asOf: asOf)
        } else {
            value = try store.exportEnv(env, asOf: asOf)
        }
        var out = JSONWriter.bytes(value, options: .init(pretty: arguments.flag("--pretty")))
        out.append(UInt8(ascii: "\n"))
        if let file = arguments.value("--output"), file != "-" {
            try AtomicFile.write(out, to: file)
        } else {
            context.stdout.write(out)
        }
        return 0
    }
}

/// `export --since`: the changes as one JSON document.
func changesJSON(_ c: EnvChanges) -> JSONValue {
    var windows = JSONObject()
    for w in c.windows {
        switch w.kind {
        case .closed: windows[w.window] = ["closed": true]
        case .window(let json): windows[w.window] = .object(JSONObject([("window", json)]))
        case .appended(let appends):
            let list: [JSONValue] = appends.map { .object(JSONObject([("path", .array($0.path)), ("values", .array($0.values))])) }
            windows[w.window] = .object(JSONObject([("append", .array(list))]))
        }
    }
    return .object(JSONObject([
        ("env", .string(c.env)), ("since", .int(c.since)), ("up_to", .int(c.upTo)), ("deleted", .bool(c.envDeleted)),
        ("windows", .object(windows)),
    ]))
}
