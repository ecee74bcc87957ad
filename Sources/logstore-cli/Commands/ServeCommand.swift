import Foundation
import Glibc
import LogStore

/// `logstore serve`: runs `logstore-server` (the `Server/` package) on the store. The server is
/// its own executable so that this command and the library build without an HTTP library; this
/// command finds it and replaces itself with it (exec), passing the options on.
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
            and Server/.build/debug under the current directory, then on PATH.
            """,
        options: [
            .init(name: "--host", valueName: "ADDR", help: "Address to bind (default 127.0.0.1)"),
            .init(name: "--port", valueName: "N", help: "Port (default 8097, visdom's; 0 picks a free one)"),
            .init(name: "--durability", valueName: "MODE",
                  help: "full (default: an answered request survives a power loss) or normal (a crash)",
                  completion: .words(["full", "normal"])),
            .init(name: "--max-body-size", valueName: "BYTES", help: "Refuse larger request bodies with 413 (default 100 MiB)"),
            .init(name: "--max-message-size", valueName: "BYTES",
                  help: "Close a websocket whose client sends a larger message with 1009 (default 10 MiB, as visdom)"),
            .init(name: "--base-url", valueName: "/PREFIX", help: "Serve under a URL prefix, as visdom's -base_url"),
            .init(name: "--token", valueName: "TOKEN",
                  help: "Require `Authorization: Bearer TOKEN` (prefer $LOGSTORE_TOKEN: arguments are visible to other users)"),
            .init(name: "--enable-login", valueName: nil,
                  help: "visdom's -enable_login, with $VISDOM_USERNAME and $VISDOM_PASSWORD"),
            .init(name: "--allow-host", valueName: "NAME",
                  help: "Also answer requests whose Host is NAME (default: loopback names, IP addresses, --host)"),
            .init(name: "--allow-origin", valueName: "URL",
                  help: "Also accept writes and sockets from pages of origin URL (default: the server's own)"),
            .init(name: "--header-timeout", valueName: "S", help: "Close a connection whose request head takes longer (default 10)"),
            .init(name: "--body-timeout", valueName: "S", help: "Close a connection whose request body takes longer (default 60)"),
            .init(name: "--idle-timeout", valueName: "S", help: "Close a kept-alive connection idle this long (default 60)"),
            .init(name: "--max-connections", valueName: "N",
                  help: "Connections kept open; past it the one waiting longest is closed (default 512)"),
            .init(name: "--static", valueName: "DIR",
                  help: "visdom's web page from this static directory (default: the visdom package's, found by python3 or $LOGSTORE_PYTHON)"),
            .init(name: "--display-max-points", valueName: "N",
                  help: "The page draws each trace thinned to N points (default 10000, 0: all); reads and exports keep every point"),
            .init(name: "--use-polling", valueName: nil, help: "The page polls /socket_wrap (visdom's -use_frontend_client_polling)"),
        ],
        examples: [
            "logstore serve                     # ./logstore.db on 127.0.0.1:8097",
            "logstore --db runs.db serve --port 8098",
            "logstore serve --static ~/.venv/lib/python3.11/site-packages/visdom/static   # then open http://127.0.0.1:8097",
        ])

    static func run(_ arguments: ParsedArguments, _ context: Context) throws -> Int32 {
        guard let server = locate() else {
            throw CommandFailure(
                "logstore-server not found: build it with `swift build -c release --package-path Server` "
                    + "or set $LOGSTORE_SERVER to its path")
        }
        var argv = [server, "--db", context.db]
        for option in spec.options {
            if option.isFlag {
                if arguments.flags.contains(option.name) { argv.append(option.name) }
            } else if let value = arguments.values[option.name] {
                argv += [option.name, value]
            }
        }
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
