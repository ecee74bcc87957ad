/// The help pages, rendered from the command specs: `logstore --help` (the overview) and
/// `logstore help COMMAND` == `logstore COMMAND --help` (but `serve --help` is logstore-server's,
/// as `serve` passes its words on). Printed on stdout, exit 0.
enum HelpPage {
    static let dbOption = CommandSpec.Option(
        name: "--db", valueName: "PATH", help: "The store (default: $LOGSTORE_DB, else ./logstore.db)")
    static let helpOption = CommandSpec.Option(name: "-h, --help", valueName: nil, help: "Show this help")

    static func overview(_ commands: [CommandSpec]) -> String {
        var out = """
            OVERVIEW: logstore keeps visdom's plot data as an append-only log of epochs in one SQLite file.

            USAGE: logstore [--db PATH] <command> [<options>] [<arguments>]

            COMMANDS:

            """
        let width = commands.map(\.name.count).max() ?? 0
        for c in commands { out += "  " + pad(c.name, width) + "  " + c.abstract + "\n" }
        out += "\nOPTIONS:\n"
        out += optionLines([
            dbOption, helpOption, CommandSpec.Option(name: "--version", valueName: nil, help: "Show the version"),
        ])
        out += "\nSee 'logstore help <command>' for a command's options and an example.\n"
        return out
    }

    static func page(_ spec: CommandSpec) -> String {
        var out = "OVERVIEW: \(spec.abstract)\n\nUSAGE: \(spec.usage)\n"
        if !spec.discussion.isEmpty { out += "\n" + spec.discussion + "\n" }
        switch spec.positional {
        case .none: break
        case .optional(let n, let help), .one(let n, let help), .oneOrMore(let n, let help):
            out += "\nARGUMENTS:\n" + optionLines([CommandSpec.Option(name: n, valueName: nil, help: help)])
        }
        out += "\nOPTIONS:\n"
        out += optionLines(
            spec.options + (spec.usesStore ? [dbOption] : []) + (spec.passesArgumentsOn ? [] : [helpOption]))
        out += spec.examples.count == 1 ? "\nEXAMPLE:\n" : "\nEXAMPLES:\n"
        for e in spec.examples { out += "  \(e)\n" }
        return out
    }

    private static func optionLines(_ options: [CommandSpec.Option]) -> String {
        let width = options.map(\.synopsis.count).max() ?? 0
        return options.map { "  " + pad($0.synopsis, width) + "  " + $0.help + "\n" }.joined()
    }

    private static func pad(_ s: String, _ width: Int) -> String {
        s + String(repeating: " ", count: max(0, width - s.count))
    }
}
