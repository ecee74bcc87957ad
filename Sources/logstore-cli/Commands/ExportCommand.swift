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
            """,
        options: [
            .init(name: "--env", valueName: "ENV", required: true, help: "The env to export"),
            .init(name: "--window", valueName: "WIN", help: "Only this window of the env"),
            .init(name: "--output", valueName: "FILE", help: "Write to FILE instead of stdout ('-': stdout)"),
            .init(name: "--pretty", valueName: nil, help: "Indent by two spaces, as json.dumps(indent=2)"),
        ],
        examples: [
            "logstore export --env main --window loss",
            "logstore export --env main --output ~/.visdom/main.json   # a file visdom can load",
        ])

    static func run(_ arguments: ParsedArguments, _ context: Context) throws -> Int32 {
        let env = arguments.value("--env")!
        let store = try context.openStore(readOnly: true)
        let value = try arguments.value("--window").map { try store.exportWindow(env: env, window: $0) } ?? store.exportEnv(env)
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
