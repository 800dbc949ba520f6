import CaptionEval
import Foundation

/// What one run of `caption-eval` produced.
struct CommandRun {
    /// The exit status.
    let status: Int32
    /// Standard output.
    let standardOutput: String
    /// Standard error.
    let standardError: String
}

/// The built `caption-eval` executable, which `swift build --build-tests` puts next to the test
/// bundle, and ways to run it. Standard output and error go through files (a pipe that fills
/// up would block the process).
enum CaptionEvalExecutable {
    /// A started process and the files its output goes to.
    struct Started {
        /// The process (running).
        let process: Process
        /// Its folder of output files, removed when the last reference goes.
        let files: ScratchFolder

        /// Waits for the process to end and collects what it wrote.
        func finish() throws -> CommandRun {
            process.waitUntilExit()
            return CommandRun(status: process.terminationStatus,
                              standardOutput: try String(contentsOf: files.url("stdout"), encoding: .utf8),
                              standardError: try String(contentsOf: files.url("stderr"), encoding: .utf8))
        }
    }

    /// The executable.
    static let url = Bundle.main.bundleURL.appendingPathComponent("caption-eval")

    /// Starts the executable with `arguments` (and `environment` added to this process's);
    /// standard input is empty.
    static func start(_ arguments: [String], environment extra: [String: String] = [:]) throws -> Started {
        let files = try ScratchFolder()
        for name in ["stdout", "stderr", "stdin"] {
            try Data().write(to: files.url(name))
        }
        let process = Process()
        process.executableURL = url
        process.arguments = arguments
        var environment = ProcessInfo.processInfo.environment
        environment.removeValue(forKey: "CAPTIONKIT_MODEL")
        // METEOR's data (scripts/fetch-meteor-data) comes from the user's cache folder, but no
        // METEOR cache is written there: a cache folder of the run's own links the wheels and
        // has a file where the METEOR cache would go, so the command reads the paraphrase table
        // from the wheel, as without a cache (the library tests cover the cache).
        let cache = files.url("cache")
        try FileManager.default.createDirectory(at: cache, withIntermediateDirectories: true)
        try FileManager.default.createSymbolicLink(
            at: cache.appendingPathComponent("wheels"),
            withDestinationURL: URL(fileURLWithPath: METEORData.defaultWheelPath()).deletingLastPathComponent())
        try Data().write(to: cache.appendingPathComponent("meteor"))
        environment["CAPTIONKIT_CACHE"] = cache.path
        process.environment = environment.merging(extra) { $1 }
        process.standardOutput = try FileHandle(forWritingTo: files.url("stdout"))
        process.standardError = try FileHandle(forWritingTo: files.url("stderr"))
        process.standardInput = try FileHandle(forReadingFrom: files.url("stdin"))
        try process.run()
        return Started(process: process, files: files)
    }

    /// Runs the executable with `arguments` to its end.
    static func run(_ arguments: [String], environment: [String: String] = [:]) throws -> CommandRun {
        try start(arguments, environment: environment).finish()
    }
}

/// A new empty folder under the system's temporary folder, removed when released.
final class ScratchFolder: @unchecked Sendable {
    /// The folder.
    let root: URL

    init() throws {
        root = FileManager.default.temporaryDirectory.appendingPathComponent("caption-eval-tests-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: root, withIntermediateDirectories: true)
    }

    deinit {
        try? FileManager.default.removeItem(at: root)
    }

    /// A URL inside the folder.
    func url(_ relative: String) -> URL {
        root.appendingPathComponent(relative)
    }

    /// A path inside the folder.
    func path(_ relative: String) -> String {
        url(relative).path
    }

    /// The names in the folder, sorted.
    func contents() throws -> [String] {
        try FileManager.default.contentsOfDirectory(atPath: root.path).sorted()
    }
}

/// Paths in the repository, found by walking up from this file to Package.swift.
enum Repository {
    /// The repository root.
    static let root: URL = {
        var folder = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        while folder.path != "/", !FileManager.default.fileExists(atPath: folder.appendingPathComponent("Package.swift").path) {
            folder = folder.deletingLastPathComponent()
        }
        return folder
    }()

    /// The path of `relative` under the root.
    static func path(_ relative: String) -> String {
        root.appendingPathComponent(relative).path
    }
}
