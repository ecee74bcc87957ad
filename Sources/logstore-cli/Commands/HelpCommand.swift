/// `logstore help [COMMAND]`: the same page as `logstore COMMAND --help`, or the overview.
enum HelpCommand: Command {
    static let spec = CommandSpec(
        name: "help",
        abstract: "Show the help of logstore or of one command.",
        discussion:
            "'logstore help COMMAND' prints the same page as 'logstore COMMAND --help', except for serve, whose --help lists logstore-server's options.",
        positional: .optional("COMMAND", help: "A command (see the list in 'logstore --help')"),
        examples: ["logstore help import"],
        positionalCompletion: .commands,
        usesStore: false)

    static func run(_ arguments: ParsedArguments, _ context: Context) throws -> Int32 {
        guard let name = arguments.positionals.first else {
            context.stdout.write(HelpPage.overview(CLI.specs))
            return 0
        }
        guard let spec = CLI.specs.first(where: { $0.name == name }) else {
            throw ParserError.unknownCommand(name, commands: CLI.specs.map(\.name))
        }
        context.stdout.write(HelpPage.page(spec))
        return 0
    }
}
