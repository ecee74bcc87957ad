import HummingbirdCore
import Logging
import NIOCore
import NIOHTTP1

/// How long a connection may hold the server without doing its part, and how many may be
/// open at once: the defence against clients that open connections and send nothing, half a
/// request, or a request a byte at a time (docs/SECURITY.md).
struct ConnectionLimits: Sendable {
    /// From the first byte of a request (or from the connection's opening) to the end of its head.
    var headerTimeout: TimeAmount = .seconds(10)
    /// From the end of a request's head to the end of its body.
    var bodyTimeout: TimeAmount = .seconds(60)
    /// A kept-alive connection with no request started in this long is closed.
    var idleTimeout: TimeAmount = .seconds(60)
    /// Connections open at once; more wait in the listen backlog until one closes.
    var maxConnections = 512
}

/// The server's HTTP/websocket child channel with `ConnectionLimits` enforced: wraps
/// Hummingbird's channel setup, adding `ByteArrival` first and `RequestDeadlines` after the
/// HTTP decoder; a websocket upgrade (`HTTPAdapter.upgrade`) takes both out again
/// (`RequestDeadlines.remove`).
struct LimitedChannel<Inner: ServerChildChannel>: ServerChildChannel {
    typealias Value = Inner.Value
    let inner: Inner
    let limits: ConnectionLimits

    func setup(channel: any Channel, logger: Logger) -> EventLoopFuture<Value> {
        let limits = self.limits
        return inner.setup(channel: channel, logger: logger).flatMapThrowing { value in
            let deadlines = RequestDeadlines(limits: limits)
            try channel.pipeline.syncOperations.addHandler(deadlines, name: RequestDeadlines.name)
            try channel.pipeline.syncOperations.addHandler(ByteArrival(deadlines), name: ByteArrival.name, position: .first)
            return value
        }
    }

    func handle(value: Value, logger: Logger) async {
        await inner.handle(value: value, logger: logger)
    }
}

/// First in the pipeline: tells `RequestDeadlines` that bytes arrived, which starts the header
/// timeout of a request on a kept-alive connection.
final class ByteArrival: ChannelInboundHandler, RemovableChannelHandler {
    typealias InboundIn = ByteBuffer
    static let name = "logstore.byte-arrival"
    private let deadlines: RequestDeadlines

    init(_ deadlines: RequestDeadlines) { self.deadlines = deadlines }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        deadlines.bytesArrived()
        context.fireChannelRead(data)
    }
}

/// After the HTTP decoder: one timer per connection, set by where the connection is.
/// - waiting for a request: the idle timeout on a kept-alive connection, the header timeout
///   once bytes arrive (and on a new connection);
/// - reading a request's body: the body timeout from the end of its head;
/// - the server is answering: none (that time is the server's).
/// When the timer fires the connection is closed. A request the decoder cannot parse is
/// answered 400 and the connection closed (unless an answer is already being written: then it
/// is only closed).
final class RequestDeadlines: ChannelDuplexHandler, RemovableChannelHandler {
    typealias InboundIn = HTTPServerRequestPart
    typealias InboundOut = HTTPServerRequestPart
    typealias OutboundIn = HTTPServerResponsePart
    typealias OutboundOut = HTTPServerResponsePart
    static let name = "logstore.request-deadlines"

    private enum Phase { case idle, head, body, answering }
    private let limits: ConnectionLimits
    private var phase = Phase.head
    /// Requests whose head arrived and whose answer has not ended.
    private var unanswered = 0
    private var timer: Scheduled<Void>?
    private var context: ChannelHandlerContext?

    init(limits: ConnectionLimits) { self.limits = limits }

    /// Takes the HTTP deadlines off a connection that becomes a websocket (on its event loop).
    static func remove(from channel: any Channel) {
        channel.pipeline.syncOperations.removeHandler(name: ByteArrival.name, promise: nil)
        channel.pipeline.syncOperations.removeHandler(name: RequestDeadlines.name, promise: nil)
    }

    func handlerAdded(context: ChannelHandlerContext) {
        self.context = context
        arm(limits.headerTimeout)
    }

    func handlerRemoved(context: ChannelHandlerContext) {
        timer?.cancel()
        timer = nil
        self.context = nil
    }

    func channelInactive(context: ChannelHandlerContext) {
        timer?.cancel()
        timer = nil
        context.fireChannelInactive()
    }

    func bytesArrived() {
        guard phase == .idle else { return }
        phase = .head
        arm(limits.headerTimeout)
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        switch unwrapInboundIn(data) {
        case .head:
            unanswered += 1
            phase = .body
            arm(limits.bodyTimeout)
        case .body:
            break
        case .end:
            phase = .answering
            disarm()
        }
        context.fireChannelRead(data)
    }

    func write(context: ChannelHandlerContext, data: NIOAny, promise: EventLoopPromise<Void>?) {
        if case .end = unwrapOutboundIn(data) {
            unanswered = max(0, unanswered - 1)
            if unanswered == 0, phase == .answering {
                phase = .idle
                arm(limits.idleTimeout)
            }
        }
        context.write(data, promise: promise)
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        guard error is HTTPParserError || error is ByteToMessageDecoderError else {
            context.fireErrorCaught(error)
            return
        }
        disarm()
        guard unanswered == 0 else {
            context.close(promise: nil)
            return
        }
        let text = "400 Bad Request: \(error)\n"
        var head = HTTPResponseHead(version: .http1_1, status: .badRequest)
        head.headers.add(name: "Content-Type", value: "text/plain; charset=UTF-8")
        head.headers.add(name: "Content-Length", value: String(text.utf8.count))
        head.headers.add(name: "Connection", value: "close")
        context.write(wrapOutboundOut(.head(head)), promise: nil)
        context.write(wrapOutboundOut(.body(.byteBuffer(ByteBuffer(string: text)))), promise: nil)
        context.writeAndFlush(wrapOutboundOut(.end(nil))).assumeIsolated().whenComplete { _ in
            context.close(promise: nil)
        }
    }

    private func arm(_ timeout: TimeAmount) {
        disarm()
        guard let context else { return }
        timer = context.eventLoop.assumeIsolated().scheduleTask(in: timeout) { [weak self] in
            guard let self, let context = self.context else { return }
            self.timer = nil
            context.close(promise: nil)
        }
    }

    private func disarm() {
        timer?.cancel()
        timer = nil
    }
}
