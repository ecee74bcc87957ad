import Dispatch
import HummingbirdCore
import Logging
import NIOCore
import NIOHTTP1
import Synchronization

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// How long a connection may hold the server without doing its part, and how many may be
/// open at once: the defence against clients that open connections and send nothing, half a
/// request, or a request a byte at a time (docs/SECURITY.md).
///
/// Past `maxConnections` a new connection is still accepted, and the connection that has
/// waited longest for a request (idle, or with its head unfinished) is closed to make room:
/// slow connections cannot keep a well-behaved client out. Only when twice as many are open
/// (every one busy) does the server stop accepting until one closes.
struct ConnectionLimits: Sendable {
    /// From the first byte of a request (or from the connection's opening) to the end of its head.
    var headerTimeout: TimeAmount = .seconds(10)
    /// From the end of a request's head to the end of its body.
    var bodyTimeout: TimeAmount = .seconds(60)
    /// A kept-alive connection with no request started in this long is closed.
    var idleTimeout: TimeAmount = .seconds(60)
    /// Connections open at once before the longest-waiting one is closed for a new one.
    var maxConnections = 512
}

/// Every open connection of the process, and those that wait for a request (evictable), by
/// when they started waiting. Shared by all event loops.
final class ConnectionCensus: Sendable {
    private struct Waiting {
        let since: UInt64
        let channel: any Channel
    }
    private struct State {
        var open = 0
        var waiting: [ObjectIdentifier: Waiting] = [:]
    }
    private let state = Mutex(State())
    let limit: Int

    init(limit: Int) { self.limit = limit }

    var openConnections: Int { state.withLock { $0.open } }

    /// A connection opened: past the limit, the longest-waiting connection is closed (this one,
    /// if no other waits).
    func opened() {
        let victim: (any Channel)? = state.withLock { s in
            s.open += 1
            guard s.open > limit, let oldest = s.waiting.min(by: { $0.value.since < $1.value.since }) else {
                return nil
            }
            s.waiting.removeValue(forKey: oldest.key)
            return oldest.value.channel
        }
        victim?.close(promise: nil)
    }

    func closed() { state.withLock { $0.open -= 1 } }

    func waiting(_ channel: any Channel) {
        let key = ObjectIdentifier(channel)
        let now = DispatchTime.now().uptimeNanoseconds
        state.withLock { $0.waiting[key] = Waiting(since: now, channel: channel) }
    }

    func busy(_ channel: any Channel) {
        let key = ObjectIdentifier(channel)
        _ = state.withLock { $0.waiting.removeValue(forKey: key) }
    }
}

/// The server's HTTP/websocket child channel with `ConnectionLimits` enforced: wraps
/// Hummingbird's channel setup, adding `ByteArrival` first and `RequestDeadlines` after the
/// HTTP decoder; a websocket upgrade (`HTTPAdapter.upgrade`) takes both out again
/// (`RequestDeadlines.remove`).
struct LimitedChannel<Inner: ServerChildChannel>: ServerChildChannel {
    typealias Value = Inner.Value
    let inner: Inner
    let limits: ConnectionLimits
    let census: ConnectionCensus

    func setup(channel: any Channel, logger: Logger) -> EventLoopFuture<Value> {
        let limits = self.limits
        let census = self.census
        return inner.setup(channel: channel, logger: logger).flatMapThrowing { value in
            let deadlines = RequestDeadlines(limits: limits, census: census)
            try channel.pipeline.syncOperations.addHandler(deadlines, name: RequestDeadlines.name)
            try channel.pipeline.syncOperations.addHandler(
                ByteArrival(deadlines, census: census), name: ByteArrival.name, position: .first)
            return value
        }
    }

    func handle(value: Value, logger: Logger) async {
        await inner.handle(value: value, logger: logger)
    }
}

/// First in the pipeline, for the connection's whole life: counts it in the census, and tells
/// `RequestDeadlines` (while it is there) that bytes arrived, which starts the header timeout
/// of a request on a kept-alive connection.
final class ByteArrival: ChannelInboundHandler, RemovableChannelHandler {
    typealias InboundIn = ByteBuffer
    static let name = "logstore.byte-arrival"
    private weak var deadlines: RequestDeadlines?
    private let census: ConnectionCensus
    private var counted = false

    init(_ deadlines: RequestDeadlines, census: ConnectionCensus) {
        self.deadlines = deadlines
        self.census = census
    }

    func handlerAdded(context: ChannelHandlerContext) {
        counted = true
        census.opened()
    }

    func handlerRemoved(context: ChannelHandlerContext) {
        if counted { census.closed() }
        counted = false
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        deadlines?.bytesArrived()
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
    /// When the connection is closed unless it moves on; nil while the server is answering.
    private var deadline: NIODeadline?
    /// The one scheduled check and when it runs. A new deadline only reschedules it when it is
    /// earlier: a request moves the deadline thousands of times per second, and a check that
    /// finds a later deadline schedules itself again for it.
    private var timer: Scheduled<Void>?
    private var timerFires: NIODeadline?
    private var context: ChannelHandlerContext?

    private let census: ConnectionCensus

    init(limits: ConnectionLimits, census: ConnectionCensus) {
        self.limits = limits
        self.census = census
    }

    /// Takes the HTTP deadlines off a connection that becomes a websocket (on its event loop).
    static func remove(from channel: any Channel) {
        channel.pipeline.syncOperations.removeHandler(name: RequestDeadlines.name, promise: nil)
    }

    func handlerAdded(context: ChannelHandlerContext) {
        self.context = context
        census.waiting(context.channel)
        arm(limits.headerTimeout)
    }

    func handlerRemoved(context: ChannelHandlerContext) {
        stopTimer()
        census.busy(context.channel)
        self.context = nil
    }

    func channelInactive(context: ChannelHandlerContext) {
        stopTimer()
        census.busy(context.channel)
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
            census.busy(context.channel)
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
                census.waiting(context.channel)
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
        let due = NIODeadline.now() + timeout
        deadline = due
        if let fires = timerFires, fires <= due { return }
        schedule(at: due)
    }

    private func disarm() { deadline = nil }

    private func schedule(at due: NIODeadline) {
        timer?.cancel()
        guard let context else { return }
        timerFires = due
        timer = context.eventLoop.assumeIsolated().scheduleTask(deadline: due) { [weak self] in
            guard let self, let context = self.context else { return }
            self.timer = nil
            self.timerFires = nil
            guard let deadline = self.deadline else { return }
            if deadline <= .now() {
                context.close(promise: nil)
            } else {
                self.schedule(at: deadline)
            }
        }
    }

    private func stopTimer() {
        timer?.cancel()
        timer = nil
        timerFires = nil
        deadline = nil
    }
}

/// Raises this process's soft limit on open files towards `wanted` (within the hard limit), so
/// that the connection cap, not the descriptor limit, is what bounds connections.
func raiseOpenFileLimit(to wanted: Int) {
    #if canImport(Glibc)
        let resourceNoFile = __rlimit_resource_t(RLIMIT_NOFILE.rawValue)
    #else
        let resourceNoFile = RLIMIT_NOFILE
    #endif
    var limit = rlimit()
    guard getrlimit(resourceNoFile, &limit) == 0, limit.rlim_cur < rlim_t(wanted) else { return }
    limit.rlim_cur = min(rlim_t(wanted), limit.rlim_max)
    _ = setrlimit(resourceNoFile, &limit)
}
