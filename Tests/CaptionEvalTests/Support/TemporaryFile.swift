import Foundation

/// Files written for one test under the system's temporary folder.
enum TemporaryFile {
    /// Writes `content` to a new file called `name` in a fresh folder and returns its path.
    static func write(_ content: String, name: String) throws -> String {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("CaptionEvalTests-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        let url = folder.appendingPathComponent(name)
        try Data(content.utf8).write(to: url)
        return url.path
    }
}
