import Foundation
import Glibc
import LogStore

/// The `logstore` command: parses the command line, runs one command, and maps the outcome to
/// an exit status. Exit statuses (sysexits): 0 success, 1 error, 64 usage error.
///
/// Stream contract: help, `--version` and each command's output go to stdout; everything else
/// (errors, warnings, summaries, progress, status) goes to stderr. An error is one line
/// `Error: …` on stderr and is the last thing printed; nothing ever ends in a crash or a stack
/// trace, whatever the input.
enum CLI {
    static let version = "0.2.0"

    /// The one table of commands: the parser, the help pages, the unknown-command message and
    /// the completion scripts are all read from it, in this order.
    static var commands: [any Command.Type] {
        [
            ImportCommand.self, FollowCommand.self, ListCommand.self, LogCommand.self, ExportCommand.self,
            ForkCommand.self, CompactCommand.self, BackupCommand.self, CheckCommand.self, ServeCommand.self,
            CompletionCommand.self,
            HelpCommand.self,
        ]
    }

    static var specs: [CommandSpec] { commands.map { $0.spec } }

    static func run(_ argv: [String]) -> Int32 {
        // A closed stdout is an EPIPE from write(2), handled there, not a signal that kills us.
        signal(SIGPIPE, SIG_IGN)
        let environment = ProcessInfo.processInfo.environment
        let terminal = Terminal(environment: environment)
        let stdout = BufferedOutput(fd: STDOUT_FILENO)
        defer { stdout.flush() }
        do {
            switch try ArgumentParser(commands: specs).parse(argv) {
            case .help(let spec):
                stdout.write(spec.map(HelpPage.page) ?? HelpPage.overview(specs))
                return 0
            case .version:
                stdout.write("logstore \(version)\n")
                return 0
            case .run(let spec, let arguments):
                guard let command = commands.first(where: { $0.spec.name == spec.name }) else { return 70 }
                let context = Context(
                    db: arguments.db ?? environment["LOGSTORE_DB"].flatMap { $0.isEmpty ? nil : $0 } ?? "logstore.db",
                    terminal: terminal, stdout: stdout, environment: environment)
                return try command.run(arguments, context)
            }
        } catch let e as ParserError {
            StandardError.write(terminal.error(e.description))
            return 64
        } catch {
            stdout.flush()
            StandardError.write(terminal.error(DisplayWidth.sanitize("\(error)")))
            return 1
        }
    }
}

/// What a command runs with.
struct Context {
    /// The store's path: `--db`, else `$LOGSTORE_DB`, else `./logstore.db`.
    let db: String
    let terminal: Terminal
    let stdout: BufferedOutput
    let environment: [String: String]

    /// Opens the store at `db`. A store to be created needs its directory: SQLite's own error
    /// for a missing one would not name the path.
    func openStore(readOnly: Bool = false, durability: LogStore.Durability = .normal) throws -> LogStore {
        if !readOnly && !FileManager.default.fileExists(atPath: db) {
            let parent = (db as NSString).deletingLastPathComponent
            var isDirectory: ObjCBool = false
            if !parent.isEmpty
                && !(FileManager.default.fileExists(atPath: parent, isDirectory: &isDirectory) && isDirectory.boolValue)
            {
                throw CommandFailure("\(db): cannot create the store: no directory \(parent)")
            }
        }
        return try LogStore(path: db, options: .init(readOnly: readOnly, durability: durability))
    }
}

/// One `logstore` command: its spec (options, help page) and what it does.
protocol Command {
    static var spec: CommandSpec { get }
    /// Runs the command and returns the exit status; a thrown error is printed as `Error: …`
    /// and exits 1 (a `ParserError`: 64).
    static func run(_ arguments: ParsedArguments, _ context: Context) throws -> Int32
}

/// An error found by the CLI itself (not the library), printed as `Error: <message>`, exit 1.
struct CommandFailure: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}
