import LogStore

/// `logstore log [--env ENV] [--limit N] [--json]`
enum LogCommand: Command {
    static let spec = CommandSpec(
        name: "log",
        abstract: "Show the epochs, newest first: when, from where, and what changed.",
        discussion: """
            Each accepted message is one epoch: its time (ISO-8601, UTC), its source (FILE:LINE
            of a replay log, an env file, or 'api'), the endpoint, env and window it addressed,
            and visdom's answer. A refused or failed message shows the refusal or the error.
            Epoch 0 is the store's creation.
            --json prints one JSON object per line with the keys epoch, time, source,
            endpoint, env, window, status and detail.
            """,
        options: [
            .init(name: "--env", valueName: "ENV", help: "Only epochs whose message addressed this env"),
            .init(name: "--since", valueName: "EPOCH", help: "Only the epochs after EPOCH"),
            .init(name: "--limit", valueName: "N", help: "At most N epochs"),
            .init(name: "--json", valueName: nil, help: "One JSON object per line"),
        ],
        examples: ["logstore log --env main --limit 20", "logstore log --since 1200 --json   # what happened after epoch 1200"])

    static func run(_ arguments: ParsedArguments, _ context: Context) throws -> Int32 {
        let limit = try arguments.count("--limit")
        let store = try context.openStore(readOnly: true)
        let records = try store.epochs(env: arguments.value("--env"), since: try arguments.epoch("--since"), limit: limit)
        if arguments.flag("--json") {
            for r in records {
                context.stdout.write(jsonLine([
                    ("epoch", .int(r.epoch)), ("time", .string(Format.timestamp(ms: r.timeMS))), ("source", .string(r.source)),
                    ("endpoint", .string(r.endpoint)), ("env", r.env.map(JSONValue.string) ?? .null),
                    ("window", r.window.map(JSONValue.string) ?? .null), ("status", .string(r.status)),
                    ("detail", .string(r.detail)),
                ]))
            }
            return 0
        }
        var table = TextTable(["EPOCH", "TIME", "SOURCE", "ENDPOINT", "ENV", "WINDOW", "STATUS"], rightAligned: [0])
        for r in records {
            let status = r.status == "ok" ? "ok" : "\(r.status): \(r.detail)"
            table.append([String(r.epoch), Format.timestamp(ms: r.timeMS), r.source, r.endpoint, r.env ?? "-", r.window ?? "-", status])
        }
        context.stdout.write(table.render())
        return 0
    }
}
