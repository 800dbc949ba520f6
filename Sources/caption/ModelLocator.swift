import Foundation

/// Finds the model bundle the command uses, in this order: `--model`, the `CAPTIONKIT_MODEL`
/// environment variable, `weights/default` in the working directory, then `weights/default`
/// in the package the executable was built in (found by walking up from the executable's
/// real path to the first folder holding `weights/default/config.json`).
struct ModelLocator {
    /// The bundled model's path inside a CaptionKit checkout.
    static let bundledModelPath = "weights/default"
    /// The environment variable naming a model bundle.
    static let environmentVariable = "CAPTIONKIT_MODEL"

    /// The `--model` value, if given.
    var explicitPath: String?
    /// The process environment.
    var environment: [String: String] = ProcessInfo.processInfo.environment
    /// The working directory the relative default is looked up in.
    var workingDirectory: String = FileManager.default.currentDirectoryPath
    /// The running executable's path (symbolic links are resolved before walking up).
    var executablePath: String? = ModelLocator.currentExecutablePath()

    /// The path of the model to load. `--model` and `CAPTIONKIT_MODEL` are returned as given
    /// (loading reports what is wrong with them); the defaults only where they exist.
    /// - Throws: `CommandFailure` listing where it looked when no model is found.
    func locate() throws -> String {
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
        throw CommandFailure(
            "no model found: pass --model DIR, set \(ModelLocator.environmentVariable), or run from a CaptionKit "
                + "checkout (looked for \(ModelLocator.bundledModelPath)/config.json in \(workingDirectory) and above "
                + "\(executablePath ?? "the executable"))")
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
    static func currentExecutablePath() -> String? {
        #if os(Linux)
        if let path = try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe") {
            return path
        }
        #endif
        return Bundle.main.executablePath
    }
}
