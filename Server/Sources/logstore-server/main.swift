import ArgumentParser
import Foundation
import Hummingbird
import HummingbirdCore
import HummingbirdWebSocket
import LogStore
import Logging
import NIOCore
import ServiceLifecycle
import VisdomService

/// `logstore-server`: visdom's API over a LogStore store (see `ServeArguments` for the options).
let log = ServerLog()
let environment = ProcessInfo.processInfo.environment
// `--help` prints the help and exits 0; a command line it refuses is an `Error:` line and 64.
let options = ServerOptions(ServeArguments.parseOrExit(), environment: environment)
guard let access = options.accessPolicy(environment: environment) else {
    ServeArguments.exit(withError: ValidationError("--enable-login needs $VISDOM_USERNAME and $VISDOM_PASSWORD"))
}

let store: LogStore
do {
    // Checkpoints on a thread of the store's own: no answer waits for one (Benchmarks/README.md).
    store = try LogStore(path: options.db, options: .init(durability: options.durability, checkpoints: .background))
} catch {
    log("\(error)")
    exit(1)
}

let (assets, pageNote) = StaticDirectory.assets(options.staticDir, environment: environment)
let page = PageSettings(
    assets: assets, display: PageDisplay(maxPoints: options.displayMaxPoints), baseURL: options.baseURL,
    user: PageSettings.user(environment: environment), userCSS: PageSettings.userCSS(environment: environment),
    usePolling: options.usePolling)
let service = VisdomService(store: store, access: access, page: page) { line in log(line) }
let adapter = HTTPAdapter(service: service, options: options, origins: options.originPolicy)
// Hummingbird sets a request id on the logger of every request; a stream handler formats it
// each time (3% of the server's CPU under load) for lines this server never prints.
let logger = Logger(label: "logstore-server", factory: { _ in SwiftLogNoOpLogHandler() })

let limits = options.limits
let census = ConnectionCensus(limit: limits.maxConnections)
raiseOpenFileLimit(to: 2 * limits.maxConnections + 64)
// A client's frame, and its message however fragmented, may be at most `maxSocketMessageBytes`
// (tornado's limit, which visdom keeps): past it the socket is closed with 1009.
// `/win_exists` and `/update` are answered from the event loop (`EventLoopAnswers`), every other
// request by `adapter` on Swift's pool.
let webSocket = HTTP1WebSocketUpgradeChannel.Configuration(
    http1: .init(additionalChannelHandlers: [EventLoopAnswers(adapter: adapter)]),
    ws: .init(maxFrameSize: options.maxSocketMessageBytes, validateUTF8: true))
let app = Application(
    responder: CallbackResponder<BasicRequestContext> { request, _ in await adapter.respond(request) },
    server: HTTPServerBuilder { responder in
        LimitedChannel(
            inner: HTTP1WebSocketUpgradeChannel(responder: responder, configuration: webSocket) { head, channel, _ in
                adapter.upgrade(head, channel: channel)
            },
            limits: limits, census: census)
    },
    configuration: ApplicationConfiguration(
        address: .hostname(options.host, port: options.port), serverName: HTTPAdapter.serverName,
        availableConnectionsDelegate: MaximumAvailableConnections(2 * limits.maxConnections)),
    onServerRunning: { channel in
        let port = channel.localAddress?.port ?? options.port
        let auth = access.isOpen ? "no authentication" : (access.bearerToken != nil ? "bearer token" : "login")
        // One line on stdout, which scripts wait for (the port is the real one with --port 0).
        ServerLog.stdout(
            "serving \(options.db) on http://\(options.host):\(port)\(options.baseURL) (durability \(options.durability.rawValue), \(auth))"
        )
        // What the web page lacks, once the server is up: a port in use stays a one-line error.
        if let pageNote { log(pageNote) }
    },
    logger: logger
)
// SIGTERM and SIGINT end it gracefully: no new connections, answers in flight are sent,
// websockets are sent a close frame. A peer that does not answer its close (or a request that
// takes longer) is cut off after `shutdownGrace`, so that a stop never hangs.
let shutdownGrace = Duration.seconds(5)
var lifecycle = ServiceGroupConfiguration(
    services: [app], gracefulShutdownSignals: [.sigterm, .sigint], logger: logger)
lifecycle.maximumGracefulShutdownDuration = shutdownGrace
lifecycle.maximumCancellationDuration = shutdownGrace
do {
    try await ServiceGroup(configuration: lifecycle).run()
} catch let error as IOError where error.errnoCode == EADDRINUSE {
    log(
        "port \(options.port) on \(options.host) is already in use, by another server (a visdom server listens on 8097 by default); choose another with --port"
    )
    exit(1)
} catch let error as ServiceGroupError {
    // the grace period ran out: the connections were cut; the store is closed below
    log("stopped after cutting off connections that did not close in time (\(error))")
} catch {
    log("\(error)")
    exit(1)
}
// Every write is answered: checkpoint and close, so that the main file alone is the store.
store.close()
if log.droppedLines > 0 {
    ServerLog.stdout("stopped; \(log.droppedLines) log lines could not be written to stderr")
}
exit(0)
