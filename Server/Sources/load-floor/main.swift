import Foundation
import Hummingbird
import Logging

/// `load-floor [--port N]`: answers every request with 200 and the body "true", reading (and
/// dropping) the request body, on 127.0.0.1. It prints `load-floor: serving on
/// http://127.0.0.1:PORT` once listening. The floor the server load test measures
/// logstore-server against: what Hummingbird alone serves with the same client.
let args = CommandLine.arguments
let port = args.firstIndex(of: "--port").flatMap { $0 + 1 < args.count ? Int(args[$0 + 1]) : nil } ?? 0
// As logstore-server: no log handler formatting each request's metadata.
let logger = Logger(label: "load-floor", factory: { _ in SwiftLogNoOpLogHandler() })
let app = Application(
    responder: CallbackResponder<BasicRequestContext> { request, _ in
        _ = try await request.body.collect(upTo: 100 << 20)
        return Response(
            status: .ok, headers: [.contentType: "text/html; charset=UTF-8"],
            body: ResponseBody(byteBuffer: ByteBuffer(string: "true")))
    },
    configuration: ApplicationConfiguration(address: .hostname("127.0.0.1", port: port), serverName: "floor"),
    onServerRunning: { channel in
        FileHandle.standardOutput.write(
            Data("load-floor: serving on http://127.0.0.1:\(channel.localAddress?.port ?? port)\n".utf8))
    },
    logger: logger
)
try await app.runService()
