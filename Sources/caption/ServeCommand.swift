import ArgumentParser
import CaptionKit
import CaptionServer
import Foundation

/// `caption serve`: the HTTP captioning service (docs/serve.md). Loads the model once, then
/// answers `POST /v1/captions` and serves the web page at `/` until SIGTERM or SIGINT.
struct ServeCommand: ExecutableCommand {
    static let usageName = "caption serve"

    static let configuration = CommandConfiguration(
        commandName: "caption serve",
        abstract: "Serve captions over HTTP, with a web page at /.",
        discussion: """
            Loads the model once and answers POST /v1/captions (the image as the body, or the \
            multipart/form-data field 'image'), GET /v1/model, GET /healthz and GET /metrics; \
            the page at / captions a dropped image and shows where each word looked. The API \
            is described in docs/openapi.yaml. SIGTERM or SIGINT stops accepting connections, \
            finishes the requests in flight and exits 0.

            Examples:
              caption serve --model weights/scenes
              caption serve --precision int8
              caption serve --host 0.0.0.0 --port 9000 --token s3cret --queue 32
            """
    )

    @Option(help: ArgumentHelp("Address to listen on (loopback by default).", valueName: "address"))
    var host: String = "127.0.0.1"

    @Option(help: ArgumentHelp("TCP port (0 picks a free one).", valueName: "port"))
    var port: Int = 8080

    @Option(help: ArgumentHelp("Model bundle: a directory or .npz file.", valueName: "dir|file.npz"))
    var model: String?

    @OptionGroup var encoderPrecision: PrecisionOption

    @Option(help: ArgumentHelp("Images captioned at once, one thread each (default: every core).", valueName: "n"))
    var threads: Int?

    @Option(help: ArgumentHelp("Largest request body, as bytes or with KB, MB, GB (powers of 1000) or KiB, MiB, GiB.",
                               valueName: "size"))
    var maxBody = ByteSizeArgument(bytes: 20_000_000)

    @Option(help: ArgumentHelp("Requests that may wait for a worker; more are answered 503 at once.", valueName: "n"))
    var queue: Int = 64

    @Option(help: ArgumentHelp("Require 'Authorization: Bearer TOKEN' on /v1 requests (default: $CAPTIONKIT_TOKEN).",
                               valueName: "token"))
    var token: String?

    @Option(help: ArgumentHelp("Seconds a client may take to send its request body (then 408).", valueName: "seconds"))
    var readTimeout: Double = 30

    /// The command's own `--json` formatter, so that the service answers the fields
    /// `caption --json` prints.
    static let renderer: CaptionRenderer = { caption, name, showsAlternatives in
        OutputFormatter(json: true, showsImagePath: false, showsAlternatives: showsAlternatives).text(for: caption, imagePath: name)
    }

    /// The environment variable that supplies the token when `--token` is not given.
    static let tokenVariable = "CAPTIONKIT_TOKEN"

    func validate() throws {
        guard (0...65535).contains(port) else { throw ValidationError("--port must be from 0 to 65535, got \(port)") }
        if let threads, threads < 1 { throw ValidationError("--threads must be at least 1, got \(threads)") }
        guard queue >= 0 else { throw ValidationError("--queue must be at least 0, got \(queue)") }
        guard maxBody.bytes >= 1 else { throw ValidationError("--max-body must be at least 1 byte") }
        guard readTimeout > 0, readTimeout <= 3600 else { throw ValidationError("--read-timeout must be from 0 to 3600 seconds") }
        if let token, token.isEmpty { throw ValidationError("--token must not be empty") }
    }

    /// The server's configuration from the options and the environment.
    var serverConfiguration: ServerConfiguration {
        let environmentToken = ProcessInfo.processInfo.environment[ServeCommand.tokenVariable].flatMap { $0.isEmpty ? nil : $0 }
        return ServerConfiguration(host: host, port: port, workers: threads ?? ComputeThreads.availableCores,
                                   maxBodyBytes: maxBody.bytes, queueCapacity: queue, token: token ?? environmentToken,
                                   readTimeoutSeconds: readTimeout)
    }

    /// Loads the model and serves until a signal; returns the exit status.
    func execute() -> Int32 {
        let service: CaptionService
        let modelPath: String
        do {
            modelPath = try ModelLocator(explicitPath: model).locate()
            let captioner = try encoderPrecision.captioner(modelAt: modelPath, commandName: "caption serve")
            // Each worker captions one image on one thread (ThreadPlan's plan for several images).
            ThreadPlan(threads: serverConfiguration.workers, singleImage: false).apply()
            service = CaptionService(captioner: captioner, configuration: serverConfiguration, renderer: ServeCommand.renderer)
        } catch {
            StandardStream.error.writeLine("caption serve: \(error)")
            return 1
        }
        let configuration = service.configuration
        let finished = DispatchSemaphore(value: 0)
        let status = ExitStatus()
        Task {
            do {
                try await service.run { port in
                    StandardStream.output.writeLine(
                        "caption serve: listening on http://\(configuration.host):\(port) (model \(modelPath), "
                            + "\(service.captioner.encoderPrecision.rawValue) encoder, "
                            + "\(configuration.workers) workers, queue \(configuration.queueCapacity)"
                            + (configuration.token == nil ? ")" : ", token required)"))
                }
                StandardStream.output.writeLine("caption serve: stopped")
            } catch {
                StandardStream.error.writeLine("caption serve: \(error)")
                status.value = 1
            }
            finished.signal()
        }
        finished.wait()
        return status.value
    }
}

/// The exit status the server's task hands back to the main thread.
private final class ExitStatus: @unchecked Sendable {
    /// Set once by the task before it signals; read after the wait.
    var value: Int32 = 0
}
