import CaptionKit
import Foundation
import Hummingbird
@testable import CaptionServer
@testable import caption

/// Paths of the repository's files, found by walking up from this file to Package.swift.
enum ServerFixtures {
    /// The repository root.
    static let root: URL = {
        var folder = URL(fileURLWithPath: #filePath)
        repeat {
            folder.deleteLastPathComponent()
        } while folder.path != "/" && !FileManager.default.fileExists(atPath: folder.appendingPathComponent("Package.swift").path)
        return folder
    }()

    /// The synthetic-scene model every server test uses.
    static let modelURL = root.appendingPathComponent("weights/scenes")

    /// A scene fixture image (PNG).
    static let scenePNG = root.appendingPathComponent("Fixtures/scenes/example.png")

    /// A JPEG fixture image.
    static let photoJPEG = root.appendingPathComponent("Fixtures/images/jpeg_baseline_420.jpg")

    /// The bytes of `url`.
    static func bytes(_ url: URL) throws -> Data {
        try Data(contentsOf: url)
    }

    /// The scene model, loaded once for every test.
    static let captioner: Result<Captioner, any Error> = Result { try Captioner(modelAt: modelURL) }
}

/// A `CaptionService` on the scene model, listening on 127.0.0.1 at a free port for the
/// length of one test.
enum LiveServer {
    /// `caption serve`'s renderer: the `caption --json` formatter.
    static let renderer = ServeCommand.renderer

    /// Runs `body` with the port of a running service configured by `configuration` (its
    /// host and port are replaced by 127.0.0.1 and a free port), then stops the service.
    static func with<T: Sendable>(_ configuration: ServerConfiguration = ServerConfiguration(workers: 2),
                                  _ body: @Sendable (Int, CaptionService) async throws -> T) async throws -> T {
        var configuration = configuration
        configuration.host = "127.0.0.1"
        configuration.port = 0
        let service = CaptionService(captioner: try ServerFixtures.captioner.get(), configuration: configuration, renderer: renderer)
        let (portStream, portContinuation) = AsyncStream<Int>.makeStream()
        let application = service.makeApplication { port in portContinuation.yield(port) }
        let serverTask = Task { try await application.runService(gracefulShutdownSignals: []) }
        var ports = portStream.makeAsyncIterator()
        guard let port = await ports.next() else { throw RawHTTPError("the server did not start") }
        do {
            let result = try await body(port, service)
            serverTask.cancel()
            _ = await serverTask.result
            service.shutdown()
            return result
        } catch {
            serverTask.cancel()
            _ = await serverTask.result
            service.shutdown()
            throw error
        }
    }
}
