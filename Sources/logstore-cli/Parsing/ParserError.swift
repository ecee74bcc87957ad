/// A mistake in the command line: printed as one line `Error: …` on stderr, exit 64
/// (sysexits' EX_USAGE). Each case names the argument that is wrong, as the user typed it.
enum ParserError: Error, Equatable, CustomStringConvertible {
    /// No command word (only global options, or nothing).
    case missingCommand(commands: [String])
    /// `word` is none of `commands`; the message suggests the closest one.
    case unknownCommand(String, commands: [String])
    /// `option` is not one of `command`'s options (`known`); the message suggests the closest.
    case unknownOption(String, command: String, known: [String])
    /// The option takes a value and none followed it.
    case missingValue(option: String, valueName: String)
    /// A flag was given a value: `--json=yes`.
    case unexpectedValue(flag: String, value: String)
    /// The value does not parse: `--limit ten`.
    case invalidValue(option: String, valueName: String, value: String, expected: String)
    /// The same option twice.
    case duplicateOption(String)
    /// A required option is absent.
    case missingOption(command: String, option: String, valueName: String)
    /// A required positional argument is absent.
    case missingArgument(command: String, name: String, oneOrMore: Bool)
    /// A positional argument the command does not take.
    case unexpectedArgument(String, command: String)

    var description: String {
        switch self {
        case .missingCommand(let commands):
            return "no command given (commands: \(commands.joined(separator: ", ")); see 'logstore --help')"
        case .unknownCommand(let word, let commands):
            let guess = Suggestion.closest(to: word, among: commands).map { "; did you mean '\($0)'?" } ?? ""
            return
                "unknown command '\(DisplayWidth.sanitize(word))'\(guess) (commands: \(commands.joined(separator: ", ")))"
        case .unknownOption(let option, let command, let known):
            let help = command == "logstore" ? "logstore --help" : "logstore help \(command)"
            let guess = Suggestion.closest(to: option, among: known).map { "; did you mean '\($0)'?" } ?? ""
            return "unknown option '\(DisplayWidth.sanitize(option))' for '\(command)'\(guess) (see '\(help)')"
        case .missingValue(let option, let valueName):
            return "\(option) needs a value: \(option) \(valueName)"
        case .unexpectedValue(let flag, let value):
            return "\(flag) takes no value, but was given '\(value)'"
        case .invalidValue(let option, let valueName, let value, let expected):
            return "invalid value '\(value)' for \(option) \(valueName): expected \(expected)"
        case .duplicateOption(let option):
            return "\(option) is given more than once"
        case .missingOption(let command, let option, let valueName):
            return "\(command) needs \(option) \(valueName)"
        case .missingArgument(let command, let name, let oneOrMore):
            return oneOrMore ? "\(command) needs at least one \(name)" : "\(command) needs a \(name)"
        case .unexpectedArgument(let word, let command):
            return "unexpected argument '\(word)' for '\(command)' (see 'logstore help \(command)')"
        }
    }
}
