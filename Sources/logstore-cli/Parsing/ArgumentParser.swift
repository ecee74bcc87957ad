/// Turns the command line into an `Invocation`.
///
/// The grammar, in the spirit of swift-argument-parser:
///
///     logstore [--db PATH] [-h | --help | --version] COMMAND [WORD...]
///
/// - Options are long (`--name`), except `-h`. An option's value is the next word or follows
///   `=` (`--env=main`); a next word that starts with `--` is not taken as a value.
/// - A command's options and positional arguments may come in any order; `--` ends the options,
///   so every later word is positional (`logstore import -- --odd-name.jsonl`). A lone `-` is
///   positional.
/// - `--db PATH` belongs to every command that opens the store and may come before or after
///   the command word.
/// - `-h`/`--help` anywhere before `--` asks for the help page instead of running, and wins
///   over any mistake in the other words.
/// - A command that passes its arguments on (`serve`) takes every later word as it is.
struct ArgumentParser {
    let commands: [CommandSpec]

    func parse(_ words: [String]) throws(ParserError) -> Invocation {
        var db: String? = nil
        var i = 0
        while i < words.count {
            let word = words[i]
            if word == "--help" || word == "-h" { return .help(nil) }
            if word == "--version" { return .version }
            if word == "--" {
                i += 1
                break
            }
            guard word.hasPrefix("-"), word != "-" else { break }
            let (name, inline) = Self.split(word)
            guard name == "--db" else {
                throw .unknownOption(name, command: "logstore", known: ["--db", "--help", "--version"])
            }
            if db != nil { throw .duplicateOption("--db") }
            db = try Self.value(of: name, valueName: "PATH", inline: inline, words, &i)
            i += 1
        }
        guard i < words.count else { throw .missingCommand(commands: commands.map(\.name)) }
        let name = words[i]
        guard let spec = commands.first(where: { $0.name == name }) else {
            throw .unknownCommand(name, commands: commands.map(\.name))
        }
        let rest = Array(words[(i + 1)...])
        if spec.passesArgumentsOn {
            var parsed = ParsedArguments(spec: spec, db: db)
            parsed.positionals = rest
            return .run(spec, parsed)
        }
        if let dashes = rest.firstIndex(of: "--") {
            if rest[..<dashes].contains(where: { $0 == "--help" || $0 == "-h" }) { return .help(spec) }
        } else if rest.contains(where: { $0 == "--help" || $0 == "-h" }) {
            return .help(spec)
        }
        return .run(spec, try parse(rest, for: spec, db: db))
    }

    /// One command's words.
    func parse(_ words: [String], for spec: CommandSpec, db: String?) throws(ParserError) -> ParsedArguments {
        var parsed = ParsedArguments(spec: spec, db: db)
        var optionsEnded = false
        var i = 0
        while i < words.count {
            defer { i += 1 }
            let word = words[i]
            if optionsEnded || word == "-" || !word.hasPrefix("-") {
                parsed.positionals.append(word)
                continue
            }
            if word == "--" {
                optionsEnded = true
                continue
            }
            let (name, inline) = Self.split(word)
            if name == "--db" && spec.usesStore {
                if parsed.db != nil { throw .duplicateOption("--db") }
                parsed.db = try Self.value(of: name, valueName: "PATH", inline: inline, words, &i)
                continue
            }
            guard let option = spec.option(named: name) else {
                let known = spec.options.map(\.name) + (spec.usesStore ? ["--db"] : []) + ["--help"]
                throw .unknownOption(name, command: spec.name, known: known)
            }
            if option.isFlag {
                if let inline { throw .unexpectedValue(flag: name, value: inline) }
                parsed.flags.insert(name)
            } else {
                if parsed.values[name] != nil { throw .duplicateOption(name) }
                parsed.values[name] = try Self.value(
                    of: name, valueName: option.valueName ?? "VALUE", inline: inline, words, &i,
                    verbatim: option.verbatim)
            }
        }
        for option in spec.options where option.required && parsed.values[option.name] == nil {
            throw .missingOption(command: spec.name, option: option.name, valueName: option.valueName ?? "")
        }
        let count = parsed.positionals.count
        switch spec.positional {
        case .none:
            if count > 0 { throw .unexpectedArgument(parsed.positionals[0], command: spec.name) }
        case .optional:
            if count > 1 { throw .unexpectedArgument(parsed.positionals[1], command: spec.name) }
        case .one(let n, _):
            if count == 0 { throw .missingArgument(command: spec.name, name: n, oneOrMore: false) }
            if count > 1 { throw .unexpectedArgument(parsed.positionals[1], command: spec.name) }
        case .oneOrMore(let n, _):
            if count == 0 { throw .missingArgument(command: spec.name, name: n, oneOrMore: true) }
        }
        return parsed
    }

    /// `--env=main` → ("--env", "main"); `--env` → ("--env", nil). Only long options carry `=`.
    private static func split(_ word: String) -> (String, String?) {
        guard word.hasPrefix("--"), let eq = word.firstIndex(of: "=") else { return (word, nil) }
        return (String(word[..<eq]), String(word[word.index(after: eq)...]))
    }

    /// The option's value: after `=`, else the next word (consumed by advancing `i`). Never empty
    /// (an empty `--db` would open a temporary database), except for a `verbatim` option, whose
    /// value is a visdom name: any next word, "" and "--x" included.
    private static func value(
        of name: String, valueName: String, inline: String?, _ words: [String], _ i: inout Int, verbatim: Bool = false
    ) throws(ParserError) -> String {
        let value: String
        if let inline {
            value = inline
        } else {
            guard i + 1 < words.count, verbatim || !words[i + 1].hasPrefix("--") else {
                throw .missingValue(option: name, valueName: valueName)
            }
            i += 1
            value = words[i]
        }
        if value.isEmpty && !verbatim {
            throw .invalidValue(option: name, valueName: valueName, value: value, expected: "a non-empty value")
        }
        return value
    }
}
