import Foundation
import Glibc
import LogStore

/// `logstore serve`: runs `logstore-server` (the `Server/` package) on the store. The server is
/// its own executable so that this command and the library build without an HTTP library; this
/// command finds it and replaces itself with it (exec), passing every later word on untouched:
/// the options are declared once, by logstore-server.
enum ServeCommand: Command {
    static let spec = CommandSpec(
        name: "serve",
        abstract: "Serve visdom's API (the Python client's calls and socket) from the store.",
        discussion: """
            Runs logstore-server, which answers the visdom 0.2.4 client as visdom's own server
            would: point `Visdom(port=8097)` at it. Every request that changes state is one
            epoch, answered once it is durable. Binds 127.0.0.1 unless --host says otherwise.
            logstore-server is built by `swift build -c release --package-path Server`; it is
            looked for in $LOGSTORE_SERVER, next to this logstore, in Server/.build/release
            and Server/.build/debug under the current directory, then on PATH. Every word after
            `serve` goes to logstore-server, which alone declares and checks the options.
            """,
        positional: .optional(
            "OPTION...", help: "logstore-server's options, passed on untouched ('logstore serve --help' lists them)"),
        examples: [
            "logstore serve                     # ./logstore.db on 127.0.0.1:8097",
            "logstore --db runs.db serve --port 8098",
            "logstore serve --static ~/.venv/lib/python3.11/site-packages/visdom/static   # then open http://127.0.0.1:8097",
            "logstore serve --help              # logstore-server's options",
        ],
        positionalCompletion: .nothing,
        passesArgumentsOn: true)

    static func run(_ arguments: ParsedArguments, _ context: Context) throws -> Int32 {
        guard let server = locate() else {
            throw CommandFailure(
                "logstore-server not found: build it with `swift build -c release --package-path Server` "
                    + "or set $LOGSTORE_SERVER to its path")
        }
        // The store first: a `--db` among the words passed on comes later and wins.
        let argv = [server, "--db", context.db] + arguments.positionals
        context.stdout.flush()
        let cArgs = argv.map { strdup($0) } + [nil]
        execv(server, cArgs)
        throw CommandFailure("cannot run \(server): \(String(cString: strerror(errno)))")
    }

    /// The first executable logstore-server among the places the help page lists.
    static func locate() -> String? {
        let fm = FileManager.default
        let environment = ProcessInfo.processInfo.environment
        var candidates: [String] = []
        if let explicit = environment["LOGSTORE_SERVER"], !explicit.isEmpty { return explicit }
        let me = URL(fileURLWithPath: CommandLine.arguments[0]).resolvingSymlinksInPath()
        candidates.append(me.deletingLastPathComponent().appendingPathComponent("logstore-server").path)
        candidates.append("Server/.build/release/logstore-server")
        candidates.append("Server/.build/debug/logstore-server")
        for dir in (environment["PATH"] ?? "").split(separator: ":") {
            candidates.append("\(dir)/logstore-server")
        }
        return candidates.first { fm.isExecutableFile(atPath: $0) }
    }
}
