import HTTPTypes
import Hummingbird
import HummingbirdWebSocket
import LogStore
import NIOCore
import NIOHTTP1
import VisdomService

/// Hummingbird's side of the server: HTTP requests become `VisdomService.respond` calls and
/// websocket upgrades on `/vis_socket` and `/socket` become `SocketHub` connections. Nothing
/// about visdom is decided here.
struct HTTPAdapter: Sendable {
    let service: VisdomService
    let options: ServerOptions
    let origins: OriginPolicy

    /// The request path below the base URL, nil when outside it.
    func route(_ path: String) -> String? {
        let path =
            !path.utf8.contains(UInt8(ascii: "?"))
            ? path
            : path.split(separator: "?", maxSplits: 1, omittingEmptySubsequences: false).first.map(String.init) ?? path
        guard !options.baseURL.isEmpty else { return path }
        guard path.utf8.starts(with: options.baseURL.utf8) else { return nil }
        let rest = String(path.dropFirst(options.baseURL.count))
        return rest.isEmpty ? "/" : rest
    }

    func respond(_ request: Request) async -> Response {
        let headers = Self.fields(request.head)
        if let refusal = origins.refusal(method: request.method.rawValue, headers: headers, isUpgrade: false) {
            return response(refusal)
        }
        guard let path = route(request.uri.path) else { return Response(status: .notFound) }
        if let length = Self.contentLength(request.head), length > options.maxBodyBytes {
            return tooLarge()
        }
        let body: [UInt8]
        do {
            var buffer = try await request.body.collect(upTo: options.maxBodyBytes)
            body = buffer.readBytes(length: buffer.readableBytes) ?? []
        } catch let error as any HTTPResponseError where error.status == .contentTooLarge {
            return tooLarge()
        } catch {
            // The client went away or sent a broken body: nothing was read, nothing applied.
            return Response(status: .badRequest)
        }
        return response(
            await service.respond(
                method: request.method.rawValue, path: path, query: request.uri.query ?? "", headers: headers,
                body: body))
    }

    /// The request's header fields as (name, value) pairs, `Host` included (HTTP types keep it
    /// apart, as the request's authority).
    static func fields(_ head: HTTPRequest) -> [(name: String, value: String)] {
        var fields = head.headerFields.map { (name: $0.name.rawName, value: $0.value) }
        if let authority = head.authority { fields.append((name: "Host", value: authority)) }
        return fields
    }

    /// The request's `Content-Length` as a number (its first field: HTTP types' subscript
    /// joins every field of a name into a new string first).
    static func contentLength(_ head: HTTPRequest) -> Int? {
        head.headerFields.first { $0.name == .contentLength }.flatMap { Int($0.value) }
    }

    /// The fields every answer starts from, built once.
    static let htmlFields: HTTPFields = [.contentType: "text/html; charset=UTF-8"]
    static let epochField = HTTPField.Name("X-LogStore-Epoch")!

    /// The `Server` field's value (Hummingbird's `serverName`, which it adds to every answer).
    static let serverName = "LogStore"

    func response(_ answer: VisdomResponse) -> Response {
        Response(
            status: HTTPResponse.Status(code: answer.status), headers: Self.answerFields(answer),
            body: ResponseBody(byteBuffer: ByteBuffer(bytes: answer.body)))
    }

    /// The header fields of `answer`, `Content-Length` last (where `Response.init` would put it,
    /// without its look-up and setter); Hummingbird adds `Date` and `Server` after them.
    static func answerFields(_ answer: VisdomResponse) -> HTTPFields {
        var fields = Self.htmlFields
        if let epoch = answer.epoch { fields.append(HTTPField(name: Self.epochField, value: String(epoch))) }
        for h in answer.headers {
            guard let name = HTTPField.Name(h.name) else { continue }
            if name == .contentType {
                fields[.contentType] = h.value
            } else {
                fields.append(HTTPField(name: name, value: h.value))
            }
        }
        fields.append(HTTPField(name: .contentLength, value: String(answer.body.count)))
        return fields
    }

    func tooLarge() -> Response {
        Response(
            status: .contentTooLarge, headers: [.contentType: "text/plain; charset=UTF-8"],
            body: ResponseBody(byteBuffer: ByteBuffer(string: "request body above \(options.maxBodyBytes) bytes\n")))
    }

    /// `/vis_socket` and `/socket`, for a request the origin and access policies admit. A
    /// refused upgrade is answered here with the policy's status (403, 401, visdom's 400) and
    /// the connection closed; another path is not upgraded (400). Runs on the connection's
    /// event loop, with the request head read whole.
    func upgrade(_ head: HTTPRequest, channel: any Channel) -> ShouldUpgradeResult<
        WebSocketDataHandler<HTTP1WebSocketUpgradeChannel.Context>
    > {
        let kind: SocketHub.Kind
        switch route(head.path ?? "") {
        case "/vis_socket": kind = .source
        case "/socket": kind = .page
        default: return .dontUpgrade
        }
        let headers = Self.fields(head)
        if let refusal = origins.refusal(method: head.method.rawValue, headers: headers, isUpgrade: true)
            ?? service.access.refusal(headers: headers)
        {
            Self.refuseUpgrade(refusal, on: channel)
            return .dontUpgrade
        }
        RequestDeadlines.remove(from: channel)
        try? channel.pipeline.syncOperations.addHandler(WebSocketMasking(), position: .first)
        let hub = service.sockets
        return .upgrade([:]) { inbound, outbound, _ in
            let (sid, messages) = await hub.open(kind)
            try await withThrowingTaskGroup(of: Void.self) { group in
                group.addTask {
                    for await frame in messages {
                        switch frame {
                        case .text(let text):
                            try await outbound.write(.text(text))
                            await hub.sent(text.utf8.count, sid: sid)
                        case .close(let code, let reason):
                            try await outbound.close(
                                code == 1008 ? .policyViolation : .unknown(UInt16(code)), reason: reason)
                        }
                    }
                }
                defer { group.cancelAll() }
                do {
                    for try await message in inbound.messages(maxSize: options.maxSocketMessageBytes) {
                        if case .text(let text) = message { await hub.received(text, from: kind, sid: sid) }
                    }
                } catch {
                    // A protocol error (a text frame that is not UTF-8: 1007): the socket
                    // library closes with its code when the handler rethrows it.
                    await hub.close(kind, sid: sid)
                    throw error
                }
                await hub.close(kind, sid: sid)
            }
        }
    }

    /// Writes `answer` as the whole response to an upgrade request and closes the connection
    /// (Hummingbird would answer any refused upgrade 400).
    static func refuseUpgrade(_ answer: VisdomResponse, on channel: any Channel) {
        var head = HTTPResponseHead(version: .http1_1, status: .init(statusCode: answer.status))
        head.headers.add(name: "Content-Length", value: String(answer.body.count))
        head.headers.add(name: "Content-Type", value: "text/plain; charset=UTF-8")
        head.headers.add(name: "Connection", value: "close")
        for h in answer.headers { head.headers.add(name: h.name, value: h.value) }
        let pipeline = channel.pipeline.syncOperations
        pipeline.write(NIOAny(HTTPServerResponsePart.head(head)), promise: nil)
        pipeline.write(NIOAny(HTTPServerResponsePart.body(.byteBuffer(ByteBuffer(bytes: answer.body)))), promise: nil)
        pipeline.write(NIOAny(HTTPServerResponsePart.end(nil)), promise: nil)
        pipeline.flush()
        pipeline.close(promise: nil)
    }
}
