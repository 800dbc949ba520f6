import Foundation

/// A `caption serve` process started by a test: the built executable (beside the test
/// bundle), its port read from the line it prints once listening, and its exit.
final class ServeProcess: @unchecked Sendable {
    /// The executable, found as CaptionCommandTests finds it.
    static let executable: URL = {
        let candidates = [
            Bundle.main.bundleURL.appendingPathComponent("caption"),
            URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent().appendingPathComponent("caption"),
            Bundle.main.bundleURL.deletingLastPathComponent().appendingPathComponent("caption"),
        ]
        return candidates.first { FileManager.default.isExecutableFile(atPath: $0.path) } ?? candidates[0]
    }()

    /// The running process.
    let process = Process()
    /// The port it listens on.
    private(set) var port = 0
    private let output = Pipe()
    private let errorOutput = Pipe()
    private var printed = Data()

    /// What the process printed on standard error; read after `stop`.
    var errorText: String {
        String(decoding: errorOutput.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
    }

    /// Starts `caption serve ARGUMENTS --port 0` and waits (up to 60 s) for it to listen.
    init(_ arguments: [String]) throws {
        process.executableURL = ServeProcess.executable
        process.arguments = ["serve"] + arguments + ["--port", "0"]
        var environment = ProcessInfo.processInfo.environment
        environment.removeValue(forKey: "CAPTIONKIT_TOKEN")
        process.environment = environment
        process.standardOutput = output
        process.standardError = errorOutput
        try process.run()
        let deadline = Date().addingTimeInterval(60)
        while port == 0 {
            let chunk = output.fileHandleForReading.availableData
            guard !chunk.isEmpty, Date() < deadline else {
                process.terminate()
                throw RawHTTPError("caption serve did not start: \(String(decoding: printed, as: UTF8.self))\(errorText)")
            }
            printed.append(chunk)
            let text = String(decoding: printed, as: UTF8.self)
            if let range = text.range(of: #"listening on http://127\.0\.0\.1:(\d+)"#, options: .regularExpression) {
                port = Int(text[range].split(separator: ":").last ?? "") ?? 0
            }
        }
    }

    /// Sends `signal` (none when nil) and waits for the exit; returns the status and
    /// everything printed.
    func stop(signal: Int32? = SIGTERM) -> (status: Int32, output: String) {
        if let signal { kill(process.processIdentifier, signal) }
        process.waitUntilExit()
        printed.append(output.fileHandleForReading.readDataToEndOfFile())
        return (process.terminationStatus, String(decoding: printed, as: UTF8.self))
    }

    deinit {
        if process.isRunning { process.terminate() }
    }
}
