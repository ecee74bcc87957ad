import LogStore

/// What one command accepts, and the words of its help page. The parser and the help page are
/// both read from this one value, so what `--help` shows is exactly what the parser takes.
struct CommandSpec: Sendable {
    struct Option: Sendable {
        /// The long name, with its dashes: `--env`.
        let name: String
        /// The placeholder of the option's value (`ENV`); nil for a flag, which takes none.
        let valueName: String?
        /// A required option appears in the usage line without brackets.
        var required = false
        let help: String
        /// The value is a visdom env or window name, which may be anything: the next word is taken
        /// as it is, even when it is empty or starts with `--` (visdom names windows "" or "--").
        var verbatim = false
        /// What a shell completes for the value; nil: files for a PATH or FILE, else nothing.
        var completion: ValueCompletion? = nil

        var isFlag: Bool { valueName == nil }
        var completes: ValueCompletion {
            completion ?? (valueName == "PATH" || valueName == "FILE" ? .files : .nothing)
        }
        /// `--env ENV`, or `--json`.
        var synopsis: String { valueName.map { "\(name) \($0)" } ?? name }
    }

    enum Positional: Sendable {
        case none
        case optional(String, help: String)
        case one(String, help: String)
        case oneOrMore(String, help: String)
    }

    /// The command word.
    let name: String
    /// One line, for the command list of `logstore --help`.
    let abstract: String
    /// Paragraphs after the usage line.
    let discussion: String
    var positional: Positional = .none
    var options: [Option] = []
    /// Whole command lines, each optionally followed by `  # comment`.
    let examples: [String]
    /// What a shell completes for the positional arguments.
    var positionalCompletion: ValueCompletion = .files
    /// Whether `--db PATH` applies (every command except `help`).
    var usesStore = true
    /// Every word after the command word is another program's (`serve`: logstore-server's),
    /// taken untouched as positional arguments, `--help` included: that program declares and
    /// checks them.
    var passesArgumentsOn = false

    /// `--durability`, for the commands that write.
    static let durabilityOption = Option(
        name: "--durability", valueName: "MODE",
        help: "normal (default: survives a crash of the process) or full (also a power loss; slower)",
        completion: .words(["normal", "full"]))

    func option(named name: String) -> Option? { options.first { $0.name == name } }

    /// `logstore [--db PATH] export --env ENV [--window WIN] [--output FILE] [--pretty]`
    var usage: String {
        var words = ["logstore"]
        if usesStore { words.append("[--db PATH]") }
        words.append(name)
        for o in options { words.append(o.required ? o.synopsis : "[\(o.synopsis)]") }
        switch positional {
        case .none: break
        case .optional(let n, _): words.append("[\(n)]")
        case .one(let n, _): words.append(n)
        case .oneOrMore(let n, _): words.append("\(n)...")
        }
        return words.joined(separator: " ")
    }
}

/// What a shell's completion offers for a value (`logstore completion`).
enum ValueCompletion: Sendable, Equatable {
    case nothing
    case files
    /// One of these words.
    case words([String])
    /// A command name.
    case commands
}

/// What the command line asked for, once parsed.
enum Invocation {
    /// A help page: one command's, or with nil the overview.
    case help(CommandSpec?)
    case version
    case run(CommandSpec, ParsedArguments)
}

/// The options and arguments given to one command.
struct ParsedArguments {
    let spec: CommandSpec
    /// `--db PATH` when given (before or after the command word).
    var db: String?
    var values: [String: String] = [:]
    var flags: Set<String> = []
    var positionals: [String] = []

    init(spec: CommandSpec, db: String?) {
        self.spec = spec
        self.db = db
    }

    func value(_ name: String) -> String? { values[name] }
    func flag(_ name: String) -> Bool { flags.contains(name) }

    /// The option's value as an epoch number; nil when the option is absent.
    func epoch(_ name: String) throws(ParserError) -> Int64? {
        try count(name).map { Int64($0) }
    }

    /// `--durability normal|full` (default normal).
    func durability() throws(ParserError) -> LogStore.Durability {
        guard let text = values["--durability"] else { return .normal }
        guard let d = LogStore.Durability(rawValue: text) else {
            throw .invalidValue(option: "--durability", valueName: "MODE", value: text, expected: "normal or full")
        }
        return d
    }

    /// The option's value as a whole number >= 0; nil when the option is absent.
    func count(_ name: String) throws(ParserError) -> Int? {
        guard let text = values[name] else { return nil }
        guard !text.isEmpty, text.utf8.allSatisfy({ $0 >= 0x30 && $0 <= 0x39 }), let n = Int(text) else {
            throw .invalidValue(
                option: name, valueName: spec.option(named: name)?.valueName ?? "N", value: text,
                expected: "a whole number >= 0")
        }
        return n
    }
}
