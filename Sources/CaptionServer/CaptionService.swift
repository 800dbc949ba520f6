import CaptionKit
import Foundation
import HTTPTypes
import Hummingbird
import Logging
import NIOCore

/// The HTTP captioning service behind `caption serve`: one loaded `Captioner`, a fixed pool
/// of captioning threads behind a bounded queue, and the routes (docs/openapi.yaml):
///
/// - `GET /`: the web page; `GET /healthz`; `GET /metrics` (Prometheus text);
/// - `GET /v1/model`, `POST /v1/captions` (behind the bearer token when one is set).
///
/// Every error is answered as `{"error": {"code": ..., "message": ...}}` with its status.
public final class CaptionService: Sendable {
    /// The loaded model.
    public let captioner: Captioner
    /// How the server was configured.
    public let configuration: ServerConfiguration
    /// The service's metrics.
    public let metrics: ServerMetrics
    /// The captioning pool.
    public let queue: CaptionQueue
    private let renderer: CaptionRenderer

    /// A service for `captioner`; `renderer` writes the `caption --json` object of a caption.
    /// Starts the pool's threads. A process serving for real should first give each image
    /// one thread, as `caption serve` does: `ThreadPlan(threads: workers, singleImage: false).apply()`.
    public init(captioner: Captioner, configuration: ServerConfiguration, renderer: @escaping CaptionRenderer) {
        self.captioner = captioner
        self.configuration = configuration
        self.renderer = renderer
        let metrics = ServerMetrics()
        self.metrics = metrics
        queue = CaptionQueue(workers: configuration.workers, capacity: configuration.queueCapacity) { depth in
            metrics.setQueueDepth(depth)
        }
    }

    /// Seconds past `--read-timeout` after which a silent connection is closed without an
    /// answer (one that stops partway through its request head, or idles between requests).
    static let idleGraceSeconds = 10.0

    /// The Hummingbird application serving the routes. `onServerRunning` is told the port
    /// once the server listens.
    public func makeApplication(logger: Logger? = nil,
                                onServerRunning: @escaping @Sendable (Int) async -> Void = { _ in }) -> some ApplicationProtocol {
        let router = Router(context: BasicRequestContext.self)
        router.add(middleware: ErrorMiddleware(metrics: metrics))
        ServiceRoutes(service: self).add(to: router)
        // The read deadline of a body is UploadReader's, answered 408; Hummingbird's idle timer
        // (which closes without an answer) only ends connections that stay silent longer.
        let idleTimeout = TimeAmount.milliseconds(Int64((configuration.readTimeoutSeconds + CaptionService.idleGraceSeconds) * 1000))
        let bodyLimit = configuration.maxBodyBytes
        var appLogger = logger ?? Logger(label: "caption-serve")
        if logger == nil { appLogger.logLevel = .notice }
        return Application(
            router: router,
            server: .http1(configuration: .init(additionalChannelHandlers: [UnwantedBodyHandler(limit: bodyLimit)],
                                                idleTimeout: idleTimeout)),
            configuration: .init(address: .hostname(configuration.host, port: configuration.port), serverName: "caption-serve"),
            onServerRunning: { channel in await onServerRunning(channel.localAddress?.port ?? 0) },
            logger: appLogger
        )
    }

    /// Serves until SIGTERM or SIGINT, then stops accepting connections, finishes the
    /// requests in flight and the images queued, and returns.
    public func run(onServerRunning: @escaping @Sendable (Int) async -> Void = { _ in }) async throws {
        let application = makeApplication(onServerRunning: onServerRunning)
        try await application.runService()
        shutdown()
    }

    /// Stops the pool once the images queued are captioned.
    public func shutdown() {
        queue.shutdown()
    }

    /// Captions one upload: decodes it and captions it on the pool.
    /// - Throws: `APIError` 422 (does not decode, too large) or 503 (queue full).
    func caption(_ upload: UploadReader.Upload, options: CaptionRequestOptions, started: ContinuousClock.Instant,
                 uploadTime: Duration) async throws -> String {
        let clock = ContinuousClock()
        let submitted = clock.now
        let captioner = self.captioner
        let decoding = options.decoding
        let result: (Caption, Duration, Duration, Duration)
        do {
            result = try await queue.submit {
                let start = clock.now
                let image = try captioner.imageDecoder.decode(upload.data, name: upload.name)
                let decoded = clock.now
                let caption = try captioner.caption(image, options: decoding)
                return (caption, start - submitted, decoded - start, clock.now - decoded)
            }
        } catch CaptionQueue.Refusal.full {
            throw APIError.queueFull(capacity: queue.capacity)
        } catch CaptionQueue.Refusal.closed {
            throw APIError.shuttingDown
        } catch let error as CaptionError {
            switch error {
            case .invalidImage, .imageTooLarge:
                throw APIError.unprocessableImage(error.description)
            case .invalidOptions(let reason):
                throw APIError.badOption(reason)
            default:
                throw error
            }
        }
        metrics.recordImageCaptioned()
        let (caption, queued, decode, search) = result
        let answer = CaptionAnswer(caption: caption, includesAttention: options.attention,
                                   timings: .init(upload: uploadTime, queue: queued, decode: decode, caption: search,
                                                  total: clock.now - started))
        return answer.json(imageName: upload.name, showsAlternatives: decoding.nBest > 1, renderer: renderer)
    }
}
