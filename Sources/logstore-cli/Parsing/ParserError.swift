/// A mistake in the command line: printed as one line `Error: …` on stderr, exit 64
/// (sysexits' EX_USAGE). Each case names the argument that is wrong, as the user typed it.
enum ParserError: Error, Equatable, CustomStringConvertible {
    /// No command word (only global options, or nothing).
    case missingCommand
    case unknownCommand(String)
    /// `option` is not one of `command`'s options.
    case unknownOption(String, command: String)
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

    static let commandList = "import, follow, ls, log, export, check, help"

    var description: String {
        switch self {
        case .missingCommand:
            return "no command given (commands: \(Self.commandList); see 'logstore --help')"
        case .unknownCommand(let word):
            return "unknown command '\(word)' (commands: \(Self.commandList))"
        case let .unknownOption(option, command):
            let help = command == "logstore" ? "logstore --help" : "logstore help \(command)"
            return "unknown option '\(option)' for '\(command)' (see '\(help)')"
        case let .missingValue(option, valueName):
            return "\(option) needs a value: \(option) \(valueName)"
        case let .unexpectedValue(flag, value):
            return "\(flag) takes no value, but was given '\(value)'"
        case let .invalidValue(option, valueName, value, expected):
            return "invalid value '\(value)' for \(option) \(valueName): expected \(expected)"
        case .duplicateOption(let option):
            return "\(option) is given more than once"
        case let .missingOption(command, option, valueName):
            return "\(command) needs \(option) \(valueName)"
        case let .missingArgument(command, name, oneOrMore):
            return oneOrMore ? "\(command) needs at least one \(name)" : "\(command) needs a \(name)"
        case let .unexpectedArgument(word, command):
            return "unexpected argument '\(word)' for '\(command)' (see 'logstore help \(command)')"
        }
    }
}
