/// `logstore completion bash|zsh|fish`: a shell completion script, generated from the same
/// command table as the parser and the help pages.
enum CompletionCommand: Command {
    static let shells = ["bash", "zsh", "fish"]

    static let spec = CommandSpec(
        name: "completion",
        abstract: "Print a shell completion script (bash, zsh or fish).",
        discussion: """
            Completes the commands, each command's options, the values of options that take
            one of a few words (--durability, --format), file names where a path is expected,
            and the command after 'help'. To use it:
              bash:  source <(logstore completion bash)          # e.g. in ~/.bashrc
              zsh:   logstore completion zsh > ~/.zfunc/_logstore  # a directory on $fpath
                     (or source <(logstore completion zsh) after compinit)
              fish:  logstore completion fish > ~/.config/fish/completions/logstore.fish
            """,
        positional: .one("SHELL", help: "bash, zsh or fish"),
        examples: ["logstore completion bash > ~/.local/share/bash-completion/completions/logstore"],
        positionalCompletion: .words(shells),
        usesStore: false)

    static func run(_ arguments: ParsedArguments, _ context: Context) throws -> Int32 {
        let shell = arguments.positionals[0]
        let script = CompletionScript(commands: CLI.specs)
        switch shell {
        case "bash": context.stdout.write(script.bash())
        case "zsh": context.stdout.write(script.zsh())
        case "fish": context.stdout.write(script.fish())
        default:
            throw ParserError.invalidValue(
                option: "completion", valueName: "SHELL", value: shell, expected: "bash, zsh or fish")
        }
        return 0
    }
}
