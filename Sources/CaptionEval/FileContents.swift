import Foundation

/// Reading and writing whole files with `EvaluationError`s that name the file.
enum FileContents {
    /// The bytes of the file at `path`.
    static func bytes(_ path: String) throws(EvaluationError) -> [UInt8] {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else {
            throw .fileNotFound(path: path)
        }
        if isDirectory.boolValue { throw .unreadableFile(path: path, reason: "is a directory") }
        do {
            return Array(try Data(contentsOf: URL(fileURLWithPath: path)))
        } catch {
            throw .unreadableFile(path: path, reason: (error as NSError).localizedDescription)
        }
    }

    /// The file parsed as JSON.
    static func json(_ path: String) throws(EvaluationError) -> JSONValue {
        try JSONReader.parse(try bytes(path), path: path)
    }

    /// The file as UTF-8 text; an empty (or all white space) file is an error.
    static func text(_ path: String) throws(EvaluationError) -> String {
        let content = try bytes(path)
        guard let text = String(validating: content, as: UTF8.self) else {
            throw .unreadableFile(path: path, reason: "not valid UTF-8 text")
        }
        if text.allSatisfy(\.isWhitespace) { throw .emptyFile(path: path) }
        return text
    }

    /// Writes `text` to `path` atomically: to a temporary file in the same folder, then renamed
    /// over the target, so a reader never sees half a file.
    /// (Foundation's `.atomic` option is not used: on Linux it stages the file in a
    /// `TemporaryDirectory.*` folder under /tmp that it never removes.)
    static func writeAtomically(_ text: String, to path: String) throws(EvaluationError) {
        let staging = "\(path).partial-\(getpid())"
        do {
            try Data(text.utf8).write(to: URL(fileURLWithPath: staging))
        } catch {
            throw .unwritableFile(path: path, reason: (error as NSError).localizedDescription)
        }
        guard rename(staging, path) == 0 else {
            let reason = String(cString: strerror(errno))
            unlink(staging)
            throw .unwritableFile(path: path, reason: reason)
        }
    }
}
