import Foundation

/// Finds the model bundle the commands (`caption`, `caption-eval run`) use, in this order:
/// `--model`, the `CAPTIONKIT_MODEL` environment variable, `weights/default` in the working
/// directory, then `weights/default` in the package the executable was built in (found by
/// walking up from the executable's real path to the first folder holding
/// `weights/default/config.json`).
public struct ModelLocator: Sendable {
    /// The bundled model's path inside a CaptionKit checkout.
    public static let bundledModelPath = "weights/default"
    /// The environment variable naming a model bundle.
    public static let environmentVariable = "CAPTIONKIT_MODEL"

    /// The `--model` value, if given.
    public var explicitPath: String?
    /// The process environment.
    public var environment: [String: String] = ProcessInfo.processInfo.environment
    /// The working directory the relative default is looked up in.
    public var workingDirectory: String = FileManager.default.currentDirectoryPath
    /// The running executable's path (symbolic links are resolved before walking up).
    public var executablePath: String? = ModelLocator.currentExecutablePath()

    /// A locator for this process (environment, working directory and executable as they
    /// are), with the `--model` value if one was given.
    public init(explicitPath: String?) {
        self.explicitPath = explicitPath
    }

    /// The path of the model to load. `--model` and `CAPTIONKIT_MODEL` are returned as given
    /// (loading reports what is wrong with them); the defaults only where they exist.
    /// - Throws: `CaptionError.modelNotFound` listing where it looked when no model is found.
    public func locate() throws(CaptionError) -> String {
        if let explicitPath {
            return explicitPath
        }
        if let path = environment[ModelLocator.environmentVariable], !path.isEmpty {
            return path
        }
        let local = URL(fileURLWithPath: workingDirectory).appendingPathComponent(ModelLocator.bundledModelPath)
        if ModelLocator.holdsBundle(local) {
            return ModelLocator.bundledModelPath
        }
        if let packaged = packagedModel() {
            return packaged.path
        }
        throw .modelNotFound(workingDirectory: workingDirectory, executablePath: executablePath)
    }

    /// `weights/default` in the closest folder above the executable that holds one.
    private func packagedModel() -> URL? {
        guard let executablePath else { return nil }
        var folder = URL(fileURLWithPath: executablePath).resolvingSymlinksInPath().deletingLastPathComponent()
        while true {
            let candidate = folder.appendingPathComponent(ModelLocator.bundledModelPath)
            if ModelLocator.holdsBundle(candidate) {
                return candidate
            }
            let parent = folder.deletingLastPathComponent()
            if parent.path == folder.path {
                return nil
            }
            folder = parent
        }
    }

    /// Whether `folder` holds a `config.json`.
    private static func holdsBundle(_ folder: URL) -> Bool {
        FileManager.default.fileExists(atPath: folder.appendingPathComponent("config.json").path)
    }

    /// The running executable's path: `/proc/self/exe` on Linux, Foundation's answer elsewhere.
    public static func currentExecutablePath() -> String? {
        #if os(Linux)
        if let path = try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe") {
            return path
        }
        #endif
        return Bundle.main.executablePath
    }
}
