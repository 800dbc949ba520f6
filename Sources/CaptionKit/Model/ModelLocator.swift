import Foundation

/// Finds the model bundle to load when none is named, in this order: `--model` (the
/// commands' option), the `CAPTIONKIT_MODEL` environment variable, `weights/default` in the
/// working directory, the user's model cache (`$CAPTIONKIT_CACHE/models/default`, by default
/// `~/.cache/captionkit/models/default`, which `scripts/install-model` points at a
/// checkout's model), then `weights/default` in the package the executable was built in
/// (found by walking up from the executable's real path to the first folder holding
/// `weights/default/config.json`).
///
/// The cache is what lets a package that depends on CaptionKit find the model:
/// `Captioner.defaultModelURL()` asks this locator.
public struct ModelLocator: Sendable {
    /// The bundled model's path inside a CaptionKit checkout.
    public static let bundledModelPath = "weights/default"
    /// The environment variable naming a model bundle.
    public static let environmentVariable = "CAPTIONKIT_MODEL"
    /// The environment variable naming the cache folder (default `~/.cache/captionkit`).
    public static let cacheEnvironmentVariable = "CAPTIONKIT_CACHE"
    /// The default model's path inside the cache folder.
    public static let cachedModelPath = "models/default"

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
        if let cached = cachedModel, ModelLocator.holdsBundle(cached) {
            return cached.path
        }
        if let packaged = packagedModel() {
            return packaged.path
        }
        throw .modelNotFound(workingDirectory: workingDirectory, executablePath: executablePath)
    }

    /// The cache folder: `$CAPTIONKIT_CACHE`, else `$HOME/.cache/captionkit`; nil when
    /// neither variable is set.
    public var cacheFolder: URL? {
        if let path = environment[ModelLocator.cacheEnvironmentVariable], !path.isEmpty {
            return URL(fileURLWithPath: path, isDirectory: true)
        }
        guard let home = environment["HOME"], !home.isEmpty else { return nil }
        return URL(fileURLWithPath: home, isDirectory: true).appendingPathComponent(".cache/captionkit")
    }

    /// The cached default model's location (it may not exist).
    public var cachedModel: URL? {
        cacheFolder?.appendingPathComponent(ModelLocator.cachedModelPath)
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
