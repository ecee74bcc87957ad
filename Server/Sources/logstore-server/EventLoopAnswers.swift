import HTTPTypes
import HummingbirdCore
import NIOCore
import NIOHTTPTypes
import VisdomService

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// Answers the two requests a training script sends for every `vis.line(…,
/// update="append")`, `POST /win_exists` and `POST /update`, from the connection's event loop
/// (`VisdomService.respondAtOnce`: the lookup there, the update's answer from the writer
/// thread once durable), instead of through Hummingbird's handler on Swift's pool: no hop
/// from the event loop to the pool and back, and no pool thread to wake. Sits in the HTTP
/// pipeline after HTTP types' codec, before Hummingbird's request handling; every other
/// request passes through untouched.
///
/// The answer is the one `HTTPAdapter.respond` gives (the same Host/Origin check,
/// authentication and visdom answer), with the fields Hummingbird adds (`Date`, `Server`),
/// written through the same codec: the same bytes on the wire.
///
/// Invariants:
/// - answers go out in the order their requests came in: a request is answered here only
///   when every request passed on has been answered (its response's `.end` went out through
///   here); while an answer of this handler's is pending, what arrives is held (and the
///   connection not read) until it is written;
/// - only a request Hummingbird would keep the connection open after (no `Connection` field),
///   whose body has a `Content-Length` of at most `maxBodyBytes` (and within
///   `--max-body-size`), is answered here: its body is parsed on the event loop; the rest take
///   Hummingbird's path;
/// - a graceful shutdown's quiesce event waits while a request is being read or answered
///   here, so that the connection is not closed between a request's head and its answer.
final class EventLoopAnswers: ChannelDuplexHandler, RemovableChannelHandler {
    typealias InboundIn = HTTPRequestPart
    typealias InboundOut = HTTPRequestPart
    typealias OutboundIn = HTTPResponsePart
    typealias OutboundOut = HTTPResponsePart

    /// The largest body parsed on the event loop: the client's update of one point is ~300
    /// bytes; a larger body is parsed on Swift's pool, where a slow parse stalls no socket.
    static let maxBodyBytes = 64 * 1024

    private let adapter: HTTPAdapter
    private enum State {
        /// Passing parts on (or between requests).
        case passing
        /// Reading a request this handler answers.
        case reading(HTTPRequest, ByteBuffer)
        /// Its answer is pending.
        case answering
    }
    private var state = State.passing
    /// Requests passed on whose answer has not ended.
    private var passedOn = 0
    /// What arrived while an answer was pending, in order.
    private var held: [NIOAny] = []
    /// A quiesce event that arrived while reading or answering.
    private var heldQuiesce: Any?
    private var context: ChannelHandlerContext?
    private var date = HTTPDate()

    init(adapter: HTTPAdapter) { self.adapter = adapter }

    func handlerAdded(context: ChannelHandlerContext) { self.context = context }
    func handlerRemoved(context: ChannelHandlerContext) { self.context = nil }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        if case .answering = state {
            held.append(data)
            return
        }
        switch unwrapInboundIn(data) {
        case .head(let head):
            if passedOn == 0, answersHere(head) {
                state = .reading(head, context.channel.allocator.buffer(capacity: HTTPAdapter.contentLength(head) ?? 0))
                return
            }
            passedOn += 1
        case .body(var chunk):
            if case .reading(let head, var body) = state {
                state = .passing  // so that `body` is the only reference to its storage
                body.writeBuffer(&chunk)
                state = .reading(head, body)
                return
            }
        case .end:
            if case .reading(let head, let body) = state {
                state = .answering
                answer(head, body: body, context: context)
                return
            }
        }
        context.fireChannelRead(data)
    }

    func read(context: ChannelHandlerContext) {
        // No more bytes read while an answer is pending and requests are held: the connection
        // stays within what the kernel buffers, as Hummingbird's own back-pressure keeps it.
        if case .answering = state, !held.isEmpty { return }
        context.read()
    }

    func write(context: ChannelHandlerContext, data: NIOAny, promise: EventLoopPromise<Void>?) {
        if case .end = unwrapOutboundIn(data) { passedOn = max(0, passedOn - 1) }
        context.write(data, promise: promise)
    }

    func userInboundEventTriggered(context: ChannelHandlerContext, event: Any) {
        if event is ChannelShouldQuiesceEvent {
            switch state {
            case .reading, .answering:
                heldQuiesce = event
                return
            case .passing:
                break
            }
        }
        context.fireUserInboundEventTriggered(event)
    }

    /// Whether `head` is a request this handler answers (see the type's invariants).
    private func answersHere(_ head: HTTPRequest) -> Bool {
        guard let path = Self.route(head, adapter),
            VisdomService.answersAtOnce(method: head.method.rawValue, path: path),
            head.headerFields[.connection] == nil,
            let length = HTTPAdapter.contentLength(head),
            length <= min(Self.maxBodyBytes, adapter.options.maxBodyBytes)
        else { return false }
        return true
    }

    /// The request's path below the base URL, as `HTTPAdapter.respond` finds it.
    private static func route(_ head: HTTPRequest, _ adapter: HTTPAdapter) -> String? {
        adapter.route(URI(head.path ?? "").path)
    }

    private func answer(_ head: HTTPRequest, body: ByteBuffer, context: ChannelHandlerContext) {
        let headers = HTTPAdapter.fields(head)
        let method = head.method.rawValue
        if let refusal = adapter.origins.refusal(method: method, headers: headers, isUpgrade: false) {
            return finish(refusal)
        }
        let loop = context.eventLoop
        let bound = NIOLoopBound(self, eventLoop: loop)
        let admitted = adapter.service.respondAtOnce(
            method: method, path: Self.route(head, adapter) ?? "", headers: headers, body: Array(body.readableBytesView)
        ) { answer in
            if loop.inEventLoop {
                bound.value.finish(answer)
            } else {
                loop.execute { bound.value.finish(answer) }
            }
        }
        // Not reached: `answersHere` admitted only what `respondAtOnce` answers.
        if !admitted { finish(VisdomResponse(status: 500)) }
    }

    /// Writes `answer`, then lets through what was held while it was pending.
    private func finish(_ answer: VisdomResponse) {
        guard let context else { return }  // the connection went away meanwhile
        var response = HTTPResponse(
            status: HTTPResponse.Status(code: answer.status), headerFields: HTTPAdapter.answerFields(answer))
        // What Hummingbird's responder adds to every answer, in its order.
        response.headerFields[.date] = date.now()
        response.headerFields[.server] = HTTPAdapter.serverName
        context.write(wrapOutboundOut(.head(response)), promise: nil)
        context.write(wrapOutboundOut(.body(context.channel.allocator.buffer(bytes: answer.body))), promise: nil)
        context.writeAndFlush(wrapOutboundOut(.end(nil)), promise: nil)
        state = .passing
        let waiting = held
        held = []
        for data in waiting {
            channelRead(context: context, data: data)
        }
        // What was passed on is delivered to Hummingbird's handler on a read's completion.
        if !waiting.isEmpty { context.fireChannelReadComplete() }
        if case .passing = state, let event = heldQuiesce {
            heldQuiesce = nil
            context.fireUserInboundEventTriggered(event)
        }
        if !waiting.isEmpty, case .passing = state { context.read() }
    }
}

/// The `Date` field's value (RFC 9110's IMF-fixdate, as Hummingbird writes it), formatted
/// once per second.
struct HTTPDate {
    private var second = -1
    private var text = ""

    private static let days = ["Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"]
    private static let months = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]

    mutating func now() -> String {
        var t = time(nil)
        guard t != second else { return text }
        var tm = tm()
        gmtime_r(&t, &tm)
        second = t
        text = Self.format(tm)
        return text
    }

    static func format(_ tm: tm) -> String {
        func two(_ n: Int32) -> String { n < 10 ? "0\(n)" : "\(n)" }
        return "\(days[Int(tm.tm_wday)]), \(two(tm.tm_mday)) \(months[Int(tm.tm_mon)]) \(1900 + tm.tm_year) "
            + "\(two(tm.tm_hour)):\(two(tm.tm_min)):\(two(tm.tm_sec)) GMT"
    }
}
