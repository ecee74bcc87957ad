import Foundation
import LogStore
import VisdomService

/// `logstore-server`'s command line.
struct ServerOptions {
    var db = "logstore.db"
    var host = "127.0.0.1"
    var port = 8097
    var durability = LogStore.Durability.full
    var maxBodyBytes = 100 << 20
    /// The largest websocket frame or message a client may send (tornado's
    /// `websocket_max_message_size`, visdom's limit).
    var maxSocketMessageBytes = 10 << 20
    var baseURL = ""
    var token: String?
    var enableLogin = false
    var allowedHosts: [String] = []
    var allowedOrigins: [String] = []
    var limits = ConnectionLimits()
    /// The visdom static directory of the web page; nil: the one `python3` finds.
    var staticDir: String?
    var displayMaxPoints = 10_000
    var usePolling = false

    static let usage = """
        usage: logstore-server [--db PATH] [--host ADDR] [--port N] [--durability full|normal]
                               [--max-body-size BYTES] [--max-message-size BYTES]
                               [--base-url /PREFIX] [--token TOKEN]
                               [--enable-login] [--allow-host NAME]... [--allow-origin ORIGIN]...
                               [--header-timeout S] [--body-timeout S] [--idle-timeout S]
                               [--max-connections N]
                               [--enable-login] [--static DIR] [--display-max-points N]
                               [--use-polling]

        Serves visdom 0.2.4's API (the Python client's HTTP calls and its /vis_socket) from a
        LogStore store. Every state-changing request is one epoch, answered once it is durable.

          --db PATH            the store (default: $LOGSTORE_DB, else ./logstore.db); created if missing
          --host ADDR          address to bind (default 127.0.0.1: this machine only)
          --port N             port (default 8097, visdom's; 0 picks a free one)
          --durability MODE    full (default): an answered request survives a power loss;
                               normal: it survives a crash of this process
          --max-body-size N    refuse request bodies above N bytes with 413 (default 104857600)
          --max-message-size N  close a websocket whose client sends a message (or frame)
                               above N bytes, with 1009 (default 10485760, as visdom)
          --base-url /PREFIX   serve under a URL prefix, as visdom's -base_url
          --token TOKEN        require `Authorization: Bearer TOKEN` on every request
                               (prefer $LOGSTORE_TOKEN: arguments are visible to other users)
          --enable-login       visdom's -enable_login: the client logs in with the username and
                               password in $VISDOM_USERNAME and $VISDOM_PASSWORD
          --allow-host NAME    also answer requests whose Host is NAME (default: loopback names,
                               IP addresses and --host only; '*' answers any; docs/SECURITY.md)
          --allow-origin URL   also accept writes and sockets from pages of origin URL
                               (scheme://host:port; default: this server's own pages only)
          --header-timeout S   close a connection whose request head takes longer (default 10)
          --body-timeout S     close a connection whose request body takes longer (default 60)
          --idle-timeout S     close a kept-alive connection idle this long (default 60)
          --max-connections N  connections open at once; more wait (default 512)
          --static DIR         visdom's web page: a visdom `static` directory (default: that of
                               the visdom package `python3` imports; $LOGSTORE_PYTHON picks another)
          --display-max-points N  the page draws each trace thinned to N points (default 10000;
                               0: every point); /win_data and exports keep every point
          --use-polling        the page polls /socket_wrap (visdom's -use_frontend_client_polling)
        """

    struct UsageError: Error, CustomStringConvertible {
        let description: String
    }

    static func parse(_ args: [String], environment: [String: String]) throws(UsageError) -> ServerOptions {
        var o = ServerOptions()
        if let db = environment["LOGSTORE_DB"], !db.isEmpty { o.db = db }
        if let t = environment["LOGSTORE_TOKEN"], !t.isEmpty { o.token = t }
        var i = 0
        func value(_ name: String) throws(UsageError) -> String {
            i += 1
            guard i < args.count else { throw UsageError(description: "\(name) needs a value") }
            return args[i]
        }
        func number(_ name: String, _ range: ClosedRange<Int>) throws(UsageError) -> Int {
            let text = try value(name)
            guard let n = Int(text), range.contains(n) else {
                throw UsageError(description: "\(name): '\(text)' is not a number in \(range.lowerBound)...\(range.upperBound)")
            }
            return n
        }
        while i < args.count {
            switch args[i] {
            case "--db": o.db = try value("--db")
            case "--host": o.host = try value("--host")
            case "--port": o.port = try number("--port", 0...65535)
            case "--durability":
                let text = try value("--durability")
                guard let d = LogStore.Durability(rawValue: text) else {
                    throw UsageError(description: "--durability: '\(text)' is not full or normal")
                }
                o.durability = d
            case "--max-body-size": o.maxBodyBytes = try number("--max-body-size", 1...Int(Int32.max))
            case "--max-message-size": o.maxSocketMessageBytes = try number("--max-message-size", 1...Int(Int32.max))
            case "--base-url":
                let url = try value("--base-url")
                guard url.isEmpty || (url.hasPrefix("/") && !url.hasSuffix("/")) else {
                    throw UsageError(description: "--base-url: '\(url)' must start with / and not end with /")
                }
                o.baseURL = url
            case "--token":
                let t = try value("--token")
                guard !t.isEmpty else { throw UsageError(description: "--token: the token is empty") }
                o.token = t
            case "--enable-login": o.enableLogin = true
            case "--allow-host": o.allowedHosts.append(try value("--allow-host"))
            case "--allow-origin": o.allowedOrigins.append(try value("--allow-origin"))
            case "--header-timeout": o.limits.headerTimeout = .seconds(Int64(try number("--header-timeout", 1...86400)))
            case "--body-timeout": o.limits.bodyTimeout = .seconds(Int64(try number("--body-timeout", 1...86400)))
            case "--idle-timeout": o.limits.idleTimeout = .seconds(Int64(try number("--idle-timeout", 1...86400)))
            case "--max-connections": o.limits.maxConnections = try number("--max-connections", 1...1_000_000)
            case "--static": o.staticDir = try value("--static")
            case "--display-max-points": o.displayMaxPoints = try number("--display-max-points", 0...Int(Int32.max))
            case "--use-polling": o.usePolling = true
            case "-h", "--help": throw UsageError(description: "")
            default: throw UsageError(description: "unknown argument '\(args[i])'")
            }
            i += 1
        }
        return o
    }

    /// The hosts and origins these options admit.
    var originPolicy: OriginPolicy {
        OriginPolicy(boundHost: host, allowedHosts: allowedHosts, allowedOrigins: allowedOrigins)
    }

    /// The access policy these options ask for, reading visdom's credential variables.
    func accessPolicy(environment: [String: String]) throws(UsageError) -> AccessPolicy {
        var login: AccessPolicy.Login?
        if enableLogin {
            guard let user = environment["VISDOM_USERNAME"], !user.isEmpty,
                let password = environment["VISDOM_PASSWORD"], !password.isEmpty
            else {
                throw UsageError(description: "--enable-login needs $VISDOM_USERNAME and $VISDOM_PASSWORD")
            }
            login = AccessPolicy.Login(username: user, password: password)
        }
        return AccessPolicy(bearerToken: token, login: login)
    }
}
