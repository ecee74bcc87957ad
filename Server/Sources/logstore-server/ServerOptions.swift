import ArgumentParser
import Foundation
import LogStore
import VisdomService

/// `logstore-server`'s command line: the one declaration of `serve`'s options, which
/// `logstore serve` passes on untouched. swift-argument-parser reads it and writes the help
/// page and the errors (naming the option, with a did-you-mean for a mistyped one).
struct ServeArguments: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "logstore-server",
        abstract: "Serve visdom 0.2.4's API (the Python client's HTTP calls and its socket) from a LogStore store.",
        discussion: """
            Point the visdom client at it as at visdom's own server (`Visdom(port=8097)`). Every \
            request that changes state is one epoch, answered once it is durable. \
            `logstore [--db PATH] serve OPTIONS` runs it with these options.
            """)

    @Option(
        help: .init("The store, created if missing (default: $LOGSTORE_DB, else ./logstore.db).", valueName: "path"))
    var db: String?
    @Option(help: .init("Address to bind (127.0.0.1: this machine only).", valueName: "addr"))
    var host = "127.0.0.1"
    @Option(help: .init("Port (8097 is visdom's; 0 picks a free one).", valueName: "n"))
    var port = 8097
    @Option(
        help: .init(
            "full: an answered request survives a power loss; normal: a crash of this process.", valueName: "mode"))
    var durability = LogStore.Durability.full
    @Option(help: .init("Refuse request bodies of more bytes with 413.", valueName: "bytes"))
    var maxBodySize = 100 << 20
    @Option(
        help: .init(
            "Close a websocket whose client sends a larger message or frame, with 1009 (tornado's limit, visdom's).",
            valueName: "bytes"))
    var maxMessageSize = 10 << 20
    @Option(help: .init("Serve under a URL prefix, as visdom's -base_url.", valueName: "/prefix"))
    var baseURL = ""
    @Option(
        help: .init(
            "Require `Authorization: Bearer TOKEN` on every request (prefer $LOGSTORE_TOKEN: arguments are visible to other users).",
            valueName: "token"))
    var token: String?
    @Flag(help: "visdom's -enable_login: the client logs in with $VISDOM_USERNAME and $VISDOM_PASSWORD.")
    var enableLogin = false
    @Option(
        help: .init(
            "Also answer requests whose Host is NAME (default: loopback names, IP addresses and --host; '*' answers any; docs/SECURITY.md).",
            valueName: "name"))
    var allowHost: [String] = []
    @Option(
        help: .init(
            "Also accept writes and sockets from pages of origin URL (scheme://host:port; default: this server's own pages).",
            valueName: "url"))
    var allowOrigin: [String] = []
    @Option(help: .init("Close a connection whose request head takes longer.", valueName: "seconds"))
    var headerTimeout = 10
    @Option(help: .init("Close a connection whose request body takes longer.", valueName: "seconds"))
    var bodyTimeout = 60
    @Option(help: .init("Close a kept-alive connection idle this long.", valueName: "seconds"))
    var idleTimeout = 60
    @Option(help: .init("Connections open at once; past it the one waiting longest is closed.", valueName: "n"))
    var maxConnections = 512
    @Option(
        name: .customLong("static"),
        help: .init(
            "visdom's web page from this visdom `static` directory (default: that of the visdom package python3 imports; $LOGSTORE_PYTHON picks another).",
            valueName: "dir"))
    var staticDir: String?
    @Option(
        help: .init(
            "The page draws each trace thinned to at most N points (0: every point), chosen in buckets a power of two points wide so appends change only the tail; /win_data and exports keep every point.",
            valueName: "n"))
    var displayMaxPoints = 10_000
    @Flag(help: "The page polls /socket_wrap (visdom's -use_frontend_client_polling).")
    var usePolling = false

    func validate() throws {
        try Self.check("--port", port, 0...65535)
        try Self.check("--max-body-size", maxBodySize, 1...Int(Int32.max))
        try Self.check("--max-message-size", maxMessageSize, 1...Int(Int32.max))
        for (name, seconds) in [
            ("--header-timeout", headerTimeout), ("--body-timeout", bodyTimeout), ("--idle-timeout", idleTimeout),
        ] {
            try Self.check(name, seconds, 1...86400)
        }
        try Self.check("--max-connections", maxConnections, 1...1_000_000)
        try Self.check("--display-max-points", displayMaxPoints, 0...Int(Int32.max))
        guard baseURL.isEmpty || (baseURL.hasPrefix("/") && !baseURL.hasSuffix("/")) else {
            throw ValidationError("--base-url: '\(baseURL)' must start with / and not end with /")
        }
        if token?.isEmpty == true { throw ValidationError("--token: the token is empty") }
    }

    private static func check(_ name: String, _ value: Int, _ range: ClosedRange<Int>) throws {
        guard range.contains(value) else {
            throw ValidationError("\(name): \(value) is not in \(range.lowerBound)...\(range.upperBound)")
        }
    }
}

// LogStore.Durability is this project's own type, and only logstore-server, the one user of
// swift-argument-parser, gives it this conformance.
// swift-format-ignore: AvoidRetroactiveConformances
extension LogStore.Durability: @retroactive ExpressibleByArgument {}

/// What the server runs with: the arguments, with the environment's defaults filled in.
struct ServerOptions {
    var db: String
    var host: String
    var port: Int
    var durability: LogStore.Durability
    var maxBodyBytes: Int
    /// The largest websocket frame or message a client may send (tornado's
    /// `websocket_max_message_size`, visdom's limit).
    var maxSocketMessageBytes: Int
    var baseURL: String
    var token: String?
    var enableLogin: Bool
    var allowedHosts: [String]
    var allowedOrigins: [String]
    var limits: ConnectionLimits
    /// The visdom static directory of the web page; nil: the one `python3` finds.
    var staticDir: String?
    var displayMaxPoints: Int
    var usePolling: Bool

    init(_ a: ServeArguments, environment: [String: String]) {
        db = a.db ?? environment["LOGSTORE_DB"].flatMap { $0.isEmpty ? nil : $0 } ?? "logstore.db"
        token = a.token ?? environment["LOGSTORE_TOKEN"].flatMap { $0.isEmpty ? nil : $0 }
        (host, port, durability, maxBodyBytes, baseURL) = (a.host, a.port, a.durability, a.maxBodySize, a.baseURL)
        maxSocketMessageBytes = a.maxMessageSize
        (enableLogin, allowedHosts, allowedOrigins) = (a.enableLogin, a.allowHost, a.allowOrigin)
        limits = ConnectionLimits(
            headerTimeout: .seconds(Int64(a.headerTimeout)), bodyTimeout: .seconds(Int64(a.bodyTimeout)),
            idleTimeout: .seconds(Int64(a.idleTimeout)), maxConnections: a.maxConnections)
        (staticDir, displayMaxPoints, usePolling) = (a.staticDir, a.displayMaxPoints, a.usePolling)
    }

    /// The hosts and origins these options admit.
    var originPolicy: OriginPolicy {
        OriginPolicy(boundHost: host, allowedHosts: allowedHosts, allowedOrigins: allowedOrigins)
    }

    /// The access policy these options ask for, reading visdom's credential variables; nil
    /// when `--enable-login` lacks them.
    func accessPolicy(environment: [String: String]) -> AccessPolicy? {
        var login: AccessPolicy.Login?
        if enableLogin {
            guard let user = environment["VISDOM_USERNAME"], !user.isEmpty,
                let password = environment["VISDOM_PASSWORD"], !password.isEmpty
            else { return nil }
            login = AccessPolicy.Login(username: user, password: password)
        }
        return AccessPolicy(bearerToken: token, login: login)
    }
}
