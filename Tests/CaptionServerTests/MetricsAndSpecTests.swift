import Foundation
import Testing
@testable import CaptionServer

/// `GET /metrics` counts what happened; docs/openapi.yaml names every option.
@Suite struct MetricsAndSpecTests {
    @Test func metricsCountRequestsImagesAndLatency() async throws {
        let text = try await LiveServer.with { port, _ in
            _ = try await BadInputTests.post(port, try BadInputTests.png.get(), contentType: "image/png")
            _ = try await BadInputTests.post(port, Data("x".utf8), contentType: "text/plain")
            return try await RawHTTPConnection.request(port: port, path: "/metrics")
        }
        #expect(text.status == 200)
        #expect(text.headers["content-type"]?.hasPrefix("text/plain") == true)
        let body = text.text
        #expect(body.contains("captionkit_http_requests_total{status=\"200\"} 1"), "\(body)")
        #expect(body.contains("captionkit_http_requests_total{status=\"415\"} 1"), "\(body)")
        #expect(body.contains("captionkit_images_captioned_total 1"), "\(body)")
        #expect(body.contains("captionkit_caption_request_duration_seconds_count 2"), "\(body)")
        #expect(body.contains("captionkit_queue_depth 0"), "\(body)")
    }

    /// Routes, statuses and answer fields are checked against the server by
    /// OpenAPIConformanceTests; this checks the options and fields it does not provoke.
    @Test func openAPIFileDescribesEveryOptionAndField() throws {
        let spec = try String(contentsOf: ServerFixtures.root.appendingPathComponent("docs/openapi.yaml"), encoding: .utf8)
        #expect(spec.hasPrefix("openapi: 3."))
        for option in CaptionRequestOptions.known {
            #expect(spec.contains("name: \(option)"), "missing query parameter \(option)")
        }
        for field in ["timings_ms", "attention", "grid_height", "n_best", "finished", "vocabulary_size", "retry-after"] {
            #expect(spec.lowercased().contains(field.lowercased()), "missing \(field)")
        }
    }
}
