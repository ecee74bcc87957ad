import HTTPTypes
import Hummingbird
import HummingbirdWebSocket
import LogStore
import VisdomService

/// Hummingbird's side of the server: HTTP requests become `VisdomService.respond` calls and
/// websocket upgrades on `/vis_socket` and `/socket` become `SocketHub` connections. Nothing
/// about visdom is decided here.
struct HTTPAdapter: Sendable {
    let service: VisdomService
    let options: ServerOptions

    /// The request path below the base URL, nil when outside it.
    func route(_ path: String) -> String? {
        let path = path.split(separator: "?", maxSplits: 1, omittingEmptySubsequences: false).first.map(String.init) ?? path
        guard !options.baseURL.isEmpty else { return path }
        guard path.hasPrefix(options.baseURL) else { return nil }
        let rest = String(path.dropFirst(options.baseURL.count))
        return rest.isEmpty ? "/" : rest
    }

    func respond(_ request: Request) async -> Response {
        guard let path = route(request.uri.path) else { return Response(status: .notFound) }
        let headers = request.headers.map { (name: $0.name.rawName, value: $0.value) }
        if let length = request.headers[.contentLength].flatMap({ Int($0) }), length > options.maxBodyBytes {
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
        let answer = await service.respond(method: request.method.rawValue, path: path, query: request.uri.query ?? "",
                                           headers: headers, body: body)
        var fields: HTTPFields = [.contentType: "text/html; charset=UTF-8"]
        if let epoch = answer.epoch { fields[HTTPField.Name("X-LogStore-Epoch")!] = String(epoch) }
        for h in answer.headers {
            guard let name = HTTPField.Name(h.name) else { continue }
            if name == .contentType { fields[.contentType] = h.value } else { fields.append(HTTPField(name: name, value: h.value)) }
        }
        return Response(
            status: HTTPResponse.Status(code: answer.status), headers: fields,
            body: ResponseBody(byteBuffer: ByteBuffer(bytes: answer.body)))
    }

    func tooLarge() -> Response {
        Response(status: .contentTooLarge, headers: [.contentType: "text/plain; charset=UTF-8"],
                 body: ResponseBody(byteBuffer: ByteBuffer(string: "request body above \(options.maxBodyBytes) bytes\n")))
    }

    /// `/vis_socket` and `/socket`, for a request the access policy admits; anything else is
    /// left to `respond` (which refuses it with the policy's status).
    func upgrade(_ head: HTTPRequest) -> ShouldUpgradeResult<WebSocketDataHandler<HTTP1WebSocketUpgradeChannel.Context>> {
        let kind: SocketHub.Kind
        switch route(head.path ?? "") {
        case "/vis_socket": kind = .source
        case "/socket": kind = .page
        default: return .dontUpgrade
        }
        let headers = head.headerFields.map { (name: $0.name.rawName, value: $0.value) }
        guard service.access.refusal(headers: headers) == nil else { return .dontUpgrade }
        let hub = service.sockets
        return .upgrade([:]) { inbound, outbound, _ in
            let (sid, messages) = await hub.open(kind)
            await withThrowingTaskGroup(of: Void.self) { group in
                group.addTask {
                    for await frame in messages {
                        switch frame {
                        case .text(let text):
                            try await outbound.write(.text(text))
                            await hub.sent(text.utf8.count, sid: sid)
                        case .close(let code, let reason):
                            try await outbound.close(code == 1008 ? .policyViolation : .unknown(UInt16(code)), reason: reason)
                        }
                    }
                }
                defer { group.cancelAll() }
                do {
                    for try await message in inbound.messages(maxSize: options.maxBodyBytes) {
                        if case .text(let text) = message { await hub.received(text, from: kind, sid: sid) }
                    }
                } catch {}
                await hub.close(kind, sid: sid)
            }
        }
    }
}
