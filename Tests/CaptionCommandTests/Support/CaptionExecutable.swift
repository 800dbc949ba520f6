import CaptionKit
import Foundation
import Testing

/// What one run of the executable produced.
struct CommandResult {
    /// The exit status.
    let status: Int32
    /// Standard output.
    let output: String
    /// Standard error.
    let error: String

    /// Standard output split into lines (without the final empty one).
    var outputLines: [String] { output.split(separator: "\n", omittingEmptySubsequences: false).dropLast().map(String.init) }
    /// Standard error split into lines (without the final empty one).
    var errorLines: [String] { error.split(separator: "\n", omittingEmptySubsequences: false).dropLast().map(String.init) }
}

/// The built `caption` executable, which `swift build --build-tests` puts next to the test
/// bundle, and ways to run it.
enum CaptionExecutable {
    /// The executable: beside the test bundle (`Bundle.main.bundleURL`) or the test binary.
    static let url: URL = {
        let candidates = [
            Bundle.main.bundleURL.appendingPathComponent("caption"),
            URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent().appendingPathComponent("caption"),
            Bundle.main.bundleURL.deletingLastPathComponent().appendingPathComponent("caption"),
        ]
        return candidates.first { FileManager.default.isExecutableFile(atPath: $0.path) } ?? candidates[0]
    }()

    /// The environment without `CAPTIONKIT_MODEL` and with a model cache that does not
    /// exist, so that runs do not depend on the caller's model or `scripts/install-model`.
    static let cleanEnvironment: [String: String] = {
        var environment = ProcessInfo.processInfo.environment
        environment.removeValue(forKey: "CAPTIONKIT_MODEL")
        environment["CAPTIONKIT_CACHE"] = "/nonexistent/captionkit-cache"
        return environment
    }()

    /// Runs the executable to completion. `input` is written to its standard input (which is
    /// empty otherwise); standard output and error are collected through files.
    static func run(_ arguments: [String], input: String? = nil, environment: [String: String] = cleanEnvironment,
                    directory: URL? = nil, executable: URL = url) throws -> CommandResult {
        let scratch = try TemporaryFolder()
        let outputURL = scratch.url.appendingPathComponent("stdout")
        let errorURL = scratch.url.appendingPathComponent("stderr")
        let inputURL = scratch.url.appendingPathComponent("stdin")
        try Data((input ?? "").utf8).write(to: inputURL)
        try Data().write(to: outputURL)
        try Data().write(to: errorURL)
        let process = Process()
        process.executableURL = executable
        process.arguments = arguments
        process.environment = environment
        if let directory { process.currentDirectoryURL = directory }
        let outputHandle = try FileHandle(forWritingTo: outputURL)
        let errorHandle = try FileHandle(forWritingTo: errorURL)
        let inputHandle = try FileHandle(forReadingFrom: inputURL)
        process.standardOutput = outputHandle
        process.standardError = errorHandle
        process.standardInput = inputHandle
        try process.run()
        process.waitUntilExit()
        try outputHandle.close()
        try errorHandle.close()
        try inputHandle.close()
        return CommandResult(status: process.terminationStatus,
                             output: try String(contentsOf: outputURL, encoding: .utf8),
                             error: try String(contentsOf: errorURL, encoding: .utf8))
    }
}

/// Paths of the repository's fixtures, found by walking up from this file to Package.swift.
enum CommandFixtures {
    /// The repository root.
    static let root: URL = {
        var folder = URL(fileURLWithPath: #filePath)
        repeat {
            folder.deleteLastPathComponent()
        } while folder.path != "/" && !FileManager.default.fileExists(atPath: folder.appendingPathComponent("Package.swift").path)
        return folder
    }()

    /// A path under Fixtures/.
    static func path(_ relative: String) -> String {
        root.appendingPathComponent("Fixtures").appendingPathComponent(relative).path
    }

    /// The `plain` fixture model.
    static let plainModel = path("models/plain")
    /// The image the `plain` model's references were made from (37 x 29).
    static let plainImage = path("models/plain/reference/image.png")
    /// A second image (64 x 48).
    static let otherImage = path("models/batchnorm-tanh/reference/image.png")
    /// A JPEG.
    static let jpegImage = path("images/jpeg_baseline_420.jpg")

    /// The library's answer for an image with the `plain` model.
    static func libraryCaption(_ image: String, options: DecodingOptions = DecodingOptions(),
                               model: String = plainModel) throws -> Caption {
        try Captioner(modelAt: URL(fileURLWithPath: model)).caption(imageAt: image, options: options)
    }
}

/// A new empty folder under the system's temporary folder, removed when released.
final class TemporaryFolder {
    /// The folder.
    let url: URL

    init() throws {
        url = FileManager.default.temporaryDirectory.appendingPathComponent("caption-tests-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    }

    deinit {
        try? FileManager.default.removeItem(at: url)
    }

    /// A path inside the folder.
    func path(_ relative: String) -> String {
        url.appendingPathComponent(relative).path
    }

    /// Copies a file into the folder (creating parent folders) and returns its new path.
    @discardableResult
    func copy(_ source: String, to relative: String) throws -> String {
        let destination = url.appendingPathComponent(relative)
        try FileManager.default.createDirectory(at: destination.deletingLastPathComponent(), withIntermediateDirectories: true)
        try FileManager.default.copyItem(atPath: source, toPath: destination.path)
        return destination.path
    }

    /// The names in the folder, sorted.
    func contents() throws -> [String] {
        try FileManager.default.contentsOfDirectory(atPath: url.path).sorted()
    }
}
