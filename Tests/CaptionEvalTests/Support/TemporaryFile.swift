import Foundation

/// Files written for one test under the system's temporary folder, all in one folder per
/// test process that is removed when the process exits.
enum TemporaryFile {
    /// This process's folder, created on first use; its removal is registered with `atexit`.
    static let folder: URL = {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("CaptionEvalTests-\(UUID().uuidString)")
        atexit { try? FileManager.default.removeItem(at: TemporaryFile.folder) }
        return folder
    }()

    /// A fresh empty subfolder.
    static func newFolder() throws -> URL {
        let subfolder = folder.appendingPathComponent(UUID().uuidString)
        try FileManager.default.createDirectory(at: subfolder, withIntermediateDirectories: true)
        return subfolder
    }

    /// Writes `content` to a new file called `name` in a fresh subfolder and returns its path.
    static func write(_ content: String, name: String) throws -> String {
        let url = try newFolder().appendingPathComponent(name)
        try Data(content.utf8).write(to: url)
        return url.path
    }
}
