import Foundation
import Prometheus

/// The service's Prometheus metrics (served at `GET /metrics` in the text format):
///
/// - `captionkit_http_requests_total{status}`: answered requests by HTTP status;
/// - `captionkit_caption_request_duration_seconds`: latency of `POST /v1/captions`, histogram;
/// - `captionkit_queue_depth`: images waiting or being captioned;
/// - `captionkit_images_captioned_total`: images captioned successfully.
public final class ServerMetrics: Sendable {
    /// The registry the metrics live in.
    public let registry = PrometheusCollectorRegistry()
    private let latency: DurationHistogram
    private let queueDepth: Gauge
    private let imagesCaptioned: Counter

    /// Latency buckets: 5 ms to 30 s.
    static let latencyBuckets: [Duration] = [
        .milliseconds(5), .milliseconds(10), .milliseconds(25), .milliseconds(50), .milliseconds(100),
        .milliseconds(250), .milliseconds(500), .seconds(1), .milliseconds(2500), .seconds(5), .seconds(10), .seconds(30),
    ]

    /// `captionkit_http_requests_total`, one counter per status label.
    private static var requests: MetricNameDescriptor {
        MetricNameDescriptor(metricName: "captionkit_http_requests", unitName: "total", helpText: "Answered HTTP requests by status.")
    }

    /// Registers every metric (so each appears from the first scrape on).
    public init() {
        latency = registry.makeDurationHistogram(
            descriptor: MetricNameDescriptor(
                metricName: "captionkit_caption_request_duration", unitName: "seconds",
                helpText: "Time from the request to the answer of POST /v1/captions, whatever its status."),
            buckets: ServerMetrics.latencyBuckets)
        queueDepth = registry.makeGauge(descriptor: MetricNameDescriptor(
            metricName: "captionkit_queue", unitName: "depth", helpText: "Images waiting for a worker or being captioned."))
        imagesCaptioned = registry.makeCounter(descriptor: MetricNameDescriptor(
            metricName: "captionkit_images_captioned", unitName: "total", helpText: "Images captioned successfully."))
    }

    /// Counts one answered request with `status`.
    public func recordRequest(status: Int) {
        registry.makeCounter(descriptor: ServerMetrics.requests, labels: [("status", String(status))]).increment()
    }

    /// Records the latency of one `POST /v1/captions`.
    public func recordCaptionLatency(_ duration: Duration) {
        latency.record(duration)
    }

    /// Sets the queue depth.
    public func setQueueDepth(_ depth: Int) {
        queueDepth.set(Double(depth))
    }

    /// Counts one captioned image.
    public func recordImageCaptioned() {
        imagesCaptioned.increment()
    }

    /// The metrics in Prometheus's text exposition format.
    public func text() -> String {
        registry.emitToString()
    }
}
