import LogStore

/// `logstore ls [--env ENV] [--json]`
enum ListCommand: Command {
    static let spec = CommandSpec(
        name: "ls",
        abstract: "List the envs, or the windows of one env.",
        discussion: """
            Envs are listed by name with their windows, points, size (packed series data) and
            the last epoch that changed them; an env's windows in visdom's order with id, type,
            title, traces, points and last epoch. A trace counts each point once: the length of
            its y (else x); a heatmap counts its rows; an image history its images.
            --json prints one JSON object per line instead of a table.
            """,
        options: [
            .init(name: "--env", valueName: "ENV", help: "List the windows of this env"),
            .init(name: "--json", valueName: nil, help: "One JSON object per line"),
        ],
        examples: ["logstore ls --env main"])

    static func run(_ arguments: ParsedArguments, _ context: Context) throws -> Int32 {
        let asJSON = arguments.flag("--json")
        let store = try context.openStore(readOnly: true)
        if let env = arguments.value("--env") {
            let rows = try store.listWindows(env: env)
            if asJSON {
                for w in rows {
                    context.stdout.write(
                        jsonLine([
                            ("id", .string(w.id)), ("type", .string(w.type)), ("title", .string(w.title)),
                            ("traces", .int(Int64(w.traces))), ("points", .int(Int64(w.points))),
                            ("last_epoch", .int(w.lastEpoch)),
                        ]))
                }
            } else {
                var table = TextTable(
                    ["WINDOW", "TYPE", "TITLE", "TRACES", "POINTS", "LAST EPOCH"], rightAligned: [3, 4, 5])
                for w in rows {
                    table.append([w.id, w.type, w.title, String(w.traces), String(w.points), String(w.lastEpoch)])
                }
                context.stdout.write(table.render())
            }
        } else {
            let rows = try store.listEnvs()
            if asJSON {
                for e in rows {
                    context.stdout.write(
                        jsonLine([
                            ("env", .string(e.name)), ("windows", .int(Int64(e.windows))),
                            ("points", .int(Int64(e.points))),
                            ("bytes", .int(e.bytes)), ("last_epoch", .int(e.lastEpoch)),
                        ]))
                }
            } else {
                var table = TextTable(["ENV", "WINDOWS", "POINTS", "SIZE", "LAST EPOCH"], rightAligned: [1, 2, 3, 4])
                for e in rows {
                    table.append([
                        e.name, String(e.windows), String(e.points), Format.bytes(e.bytes), String(e.lastEpoch),
                    ])
                }
                context.stdout.write(table.render())
            }
        }
        return 0
    }
}

/// One JSON object on one line, keys in the given order, non-ASCII kept as UTF-8.
func jsonLine(_ pairs: [(String, JSONValue)]) -> String {
    var o = JSONObject()
    for (k, v) in pairs { o[k] = v }
    return JSONWriter.string(.object(o), options: .init(ensureASCII: false)) + "\n"
}
