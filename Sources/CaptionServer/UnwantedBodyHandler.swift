import HTTPTypes
import NIOCore
import NIOHTTPTypes

/// A channel handler between HTTP decoding and Hummingbird that keeps the server from
/// reading a request body nobody wants. Hummingbird reads a request's body to its end after
/// the answer, so that the connection can carry the next request; for a body over the
/// limit, that would mean receiving all of it. This handler instead:
///
/// - when an answer that carries `Connection: close` is written before the request's body
///   has ended (413 past the limit, 408 past the read deadline), passes no more of that
///   body on and closes the connection as soon as the answer is written;
/// - when the answer has been written and what arrives after it passes `limit` bytes of
///   body (a large body sent to a route that does not read it), closes the connection.
///
/// One instance per connection (Hummingbird's `additionalChannelHandlers`).
final class UnwantedBodyHandler: ChannelDuplexHandler, RemovableChannelHandler {
    typealias InboundIn = HTTPRequestPart
    typealias InboundOut = HTTPRequestPart
    typealias OutboundIn = HTTPResponsePart
    typealias OutboundOut = HTTPResponsePart

    /// The most body bytes read for one request.
    private let limit: Int
    /// A request's head has arrived and its end has not.
    private var requestOpen = false
    /// Body bytes of the current request so far.
    private var bodyBytes = 0
    /// The current request's answer has been written in full.
    private var answered = false
    /// The rest of the connection's input is dropped: it is being closed.
    private var closing = false

    /// A handler that reads at most `limit` bytes of a body whose answer has been written.
    init(limit: Int) {
        self.limit = limit
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        guard !closing else { return }
        switch unwrapInboundIn(data) {
        case .head:
            requestOpen = true
            bodyBytes = 0
            answered = false
        case let .body(buffer):
            bodyBytes += buffer.readableBytes
            if answered && bodyBytes > limit {
                closing = true
                context.close(promise: nil)
                return
            }
        case .end:
            requestOpen = false
        }
        context.fireChannelRead(data)
    }

    func write(context: ChannelHandlerContext, data: NIOAny, promise: EventLoopPromise<Void>?) {
        switch unwrapOutboundIn(data) {
        case let .head(response):
            if requestOpen && response.headerFields[.connection]?.lowercased() == "close" {
                // The answer refuses the body: what is still coming is not passed on.
                closing = true
            }
            context.write(data, promise: promise)
        case .body:
            context.write(data, promise: promise)
        case .end:
            answered = true
            guard closing || (requestOpen && bodyBytes > limit) else {
                context.write(data, promise: promise)
                return
            }
            closing = true
            // Close once the answer is on its way, never before (a close drops unwritten data).
            let written = context.eventLoop.makePromise(of: Void.self)
            let channel = context.channel
            written.futureResult.whenComplete { _ in channel.close(promise: nil) }
            if let promise { written.futureResult.cascade(to: promise) }
            context.writeAndFlush(data, promise: written)
        }
    }
}
