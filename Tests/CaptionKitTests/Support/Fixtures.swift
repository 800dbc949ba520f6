import Foundation

/// The repository's Fixtures/ folder, found by walking up from this file to the folder that
/// holds Package.swift.
enum Fixtures {
    /// Fixtures/ itself.
    static let directory: URL = {
        var folder = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        while folder.path != "/" && !FileManager.default.fileExists(atPath: folder.appendingPathComponent("Package.swift").path) {
            folder.deleteLastPathComponent()
        }
        return folder.appendingPathComponent("Fixtures")
    }()

    /// A fixture by its path relative to Fixtures/.
    static func url(_ relative: String) -> URL {
        directory.appendingPathComponent(relative)
    }
}
