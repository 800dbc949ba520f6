import Foundation

/// What `caption serve` was asked for: where to listen, how much to accept, how many
/// images to caption at once.
public struct ServerConfiguration: Sendable {
    /// The address to bind (loopback unless told otherwise).
    public var host: String
    /// The TCP port (0 picks a free one).
    public var port: Int
    /// Captioning workers: images captioned at once, one thread each.
    public var workers: Int
    /// The largest request body accepted, in bytes.
    public var maxBodyBytes: Int
    /// Requests that may wait for a worker before new ones are answered 503.
    public var queueCapacity: Int
    /// The bearer token every `/v1` request must carry, or nil for none.
    public var token: String?
    /// Seconds a client may take to send its request body before it is answered 408.
    public var readTimeoutSeconds: Double

    /// A configuration; the defaults are `caption serve`'s.
    public init(host: String = "127.0.0.1", port: Int = 8080, workers: Int = 1, maxBodyBytes: Int = 20_000_000,
                queueCapacity: Int = 64, token: String? = nil, readTimeoutSeconds: Double = 30) {
        self.host = host
        self.port = port
        self.workers = workers
        self.maxBodyBytes = maxBodyBytes
        self.queueCapacity = queueCapacity
        self.token = token
        self.readTimeoutSeconds = readTimeoutSeconds
    }
}
