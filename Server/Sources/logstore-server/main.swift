import Foundation
import Hummingbird
import HummingbirdWebSocket
import LogStore
import Logging
import VisdomService

/// `logstore-server`: visdom's API over a LogStore store (see `ServerOptions.usage`).
let environment = ProcessInfo.processInfo.environment
let options: ServerOptions
let access: AccessPolicy
do {
    options = try ServerOptions.parse(Array(CommandLine.arguments.dropFirst()), environment: environment)
    access = try options.accessPolicy(environment: environment)
} catch {
    if error.description.isEmpty {
        print(ServerOptions.usage)
        exit(0)
    }
    FileHandle.standardError.write(Data("logstore-server: \(error.description)\n".utf8))
    exit(64)
}

let store: LogStore
do {
    store = try LogStore(path: options.db, options: .init(durability: options.durability))
} catch {
    FileHandle.standardError.write(Data("logstore-server: \(error)\n".utf8))
    exit(1)
}

let (assets, pageNote) = StaticDirectory.assets(options.staticDir, environment: environment)
if let pageNote { FileHandle.standardError.write(Data("logstore-server: \(pageNote)\n".utf8)) }
let page = PageSettings(
    assets: assets, display: PageDisplay(maxPoints: options.displayMaxPoints), baseURL: options.baseURL,
    user: PageSettings.user(environment: environment), userCSS: PageSettings.userCSS(environment: environment),
    usePolling: options.usePolling)
let service = VisdomService(store: store, access: access, page: page) { line in
    FileHandle.standardError.write(Data("logstore-server: \(line)\n".utf8))
}
let adapter = HTTPAdapter(service: service, options: options)
var logger = Logger(label: "logstore-server")
logger.logLevel = .error

let app = Application(
    responder: CallbackResponder<BasicRequestContext> { request, _ in await adapter.respond(request) },
    server: .http1WebSocketUpgrade { head, _, _ in adapter.upgrade(head) },
    configuration: ApplicationConfiguration(address: .hostname(options.host, port: options.port), serverName: "LogStore"),
    onServerRunning: { channel in
        let port = channel.localAddress?.port ?? options.port
        let auth = access.isOpen ? "no authentication" : (access.bearerToken != nil ? "bearer token" : "login")
        // One line on stdout, which scripts wait for (the port is the real one with --port 0).
        let line = "logstore-server: serving \(options.db) on http://\(options.host):\(port)\(options.baseURL) (durability \(options.durability.rawValue), \(auth))\n"
        FileHandle.standardOutput.write(Data(line.utf8))
    },
    logger: logger
)
do {
    try await app.runService()
} catch {
    FileHandle.standardError.write(Data("logstore-server: \(error)\n".utf8))
    exit(1)
}
