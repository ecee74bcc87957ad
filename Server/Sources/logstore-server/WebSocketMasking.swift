import NIOCore

/// RFC 6455 §5.1: "a server MUST close the connection upon receiving a frame that is not
/// masked", with status 1002 (protocol error). The websocket decoder underneath accepts both,
/// so this handler, first in an upgraded connection's pipeline, reads the frame headers as the
/// bytes pass (it keeps no payload) and closes the connection at the first unmasked frame.
///
/// It is installed while the upgrade is decided, when the request head has been read whole;
/// a conforming client sends no frame before the server's 101 (§4.1), so the first byte it
/// sees is the first byte of a frame.
final class WebSocketMasking: ChannelInboundHandler, RemovableChannelHandler {
    typealias InboundIn = ByteBuffer
    typealias InboundOut = ByteBuffer

    /// Where the reader is in the frame stream.
    private enum State {
        /// Reading a frame header; `header` holds its bytes so far.
        case header([UInt8])
        /// Passing over `remaining` payload bytes.
        case payload(remaining: UInt64)
    }
    private var state = State.header([])
    private var closed = false

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        guard !closed else { return }
        let buffer = unwrapInboundIn(data)
        var view = buffer.readableBytesView[...]
        while !view.isEmpty {
            switch state {
            case .payload(let remaining):
                let n = min(UInt64(view.count), remaining)
                view = view.dropFirst(Int(n))
                state = remaining == n ? .header([]) : .payload(remaining: remaining - n)
            case .header(var header):
                header.append(view.removeFirst())
                guard header.count >= 2 else {
                    state = .header(header)
                    continue
                }
                if header[1] & 0x80 == 0 { return refuse(context) }
                let short = UInt64(header[1] & 0x7F)
                let lengthBytes = short == 126 ? 2 : short == 127 ? 8 : 0
                guard header.count == 2 + lengthBytes + 4 else {
                    state = .header(header)
                    continue
                }
                var length = short
                if lengthBytes > 0 {
                    length = header[2..<(2 + lengthBytes)].reduce(0) { $0 << 8 | UInt64($1) }
                }
                state = length == 0 ? .header([]) : .payload(remaining: length)
            }
        }
        context.fireChannelRead(data)
    }

    /// A close frame with 1002 (sent unmasked, as a server sends), then the connection closes.
    private func refuse(_ context: ChannelHandlerContext) {
        closed = true
        let reason = Array("client frames must be masked".utf8)
        var frame = ByteBuffer()
        frame.writeBytes([0x88, UInt8(2 + reason.count), 0x03, 0xEA])  // FIN + close, 1002
        frame.writeBytes(reason)
        context.writeAndFlush(NIOAny(frame)).assumeIsolated().whenComplete { _ in context.close(promise: nil) }
    }
}
