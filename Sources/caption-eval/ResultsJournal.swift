import CaptionEval
import Foundation

/// The journal of a `caption-eval run`: `RESULTS.partial`, JSON Lines, appended one line per
/// captioned image with one `write(2)` each, so that an interrupted run (Ctrl-C, kill) loses
/// at most the images in flight and `--resume` carries on from the rest.
///
///     {"journal": "caption-eval run", "model": "/abs/path", "precision": "fp32", "beam_size": 3, "max_length": 50}
///     {"image_id": "42", "caption": "a red circle"}
///     ...
///
/// The first line records the settings the captions depend on; resuming with other settings
/// is refused. A last line without its newline (the process died while writing it) is dropped
/// when the journal is opened again. Failed images are not journaled, so a resumed run tries
/// them again.
final class ResultsJournal {
    /// The settings line's values, in file order.
    typealias Settings = [(key: String, value: JSONValue)]

    /// The journal's path.
    let path: String
    /// Captions already in the journal, by image id (as text).
    private(set) var captions: [String: String] = [:]
    private let descriptor: Int32

    /// Opens the journal at `path` for a run with `settings`. Without `resume` the journal
    /// must not exist and is created with its settings line; with `resume` an existing journal
    /// is read (its settings must equal `settings`) and appended to, and a missing one is
    /// created.
    /// - Throws: `EvaluationError` naming the journal and the reason.
    init(path: String, settings: Settings, resume: Bool) throws(EvaluationError) {
        self.path = path
        let exists = FileManager.default.fileExists(atPath: path)
        if exists && !resume {
            throw .invalidContent(path: path, location: "journal", reason: "an earlier run was interrupted here: add --resume to continue it, or delete the file to start over")
        }
        let settingsLine = JSONWriter.serialize(.object([("journal", .string("caption-eval run"))] + settings), indent: nil) + "\n"
        var keptLength = 0
        if exists {
            (captions, keptLength) = try Self.read(path: path, settings: settings)
        }
        descriptor = open(path, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0o644)
        guard descriptor >= 0 else {
            throw .unwritableFile(path: path, reason: String(cString: strerror(errno)))
        }
        // Drop a torn last line so that the next entry starts on a line of its own.
        guard ftruncate(descriptor, off_t(keptLength)) == 0 else {
            let reason = String(cString: strerror(errno))
            close(descriptor)
            throw .unwritableFile(path: path, reason: reason)
        }
        if keptLength == 0 {
            try append(settingsLine)
        }
    }

    deinit {
        close(descriptor)
    }

    /// Appends one captioned image.
    func record(imageID: String, caption: String) throws(EvaluationError) {
        try append(JSONWriter.serialize(.object([("image_id", .string(imageID)), ("caption", .string(caption))]), indent: nil) + "\n")
        captions[imageID] = caption
    }

    /// Deletes the journal (after the results file is complete).
    func remove() {
        unlink(path)
    }

    private func append(_ line: String) throws(EvaluationError) {
        let bytes = Array(line.utf8)
        var offset = 0
        while offset < bytes.count {
            let written = bytes.withUnsafeBytes { write(descriptor, $0.baseAddress.map { $0 + offset }, bytes.count - offset) }
            if written < 0 {
                if errno == EINTR { continue }
                throw .unwritableFile(path: path, reason: String(cString: strerror(errno)))
            }
            offset += written
        }
    }

    /// What a journal without a setting was written with: journals from before `precision`
    /// existed were written by the float32 encoder.
    private static let defaultSettings: [String: JSONValue] = ["precision": .string("fp32")]

    /// The captions of an existing journal and the length of its complete lines.
    private static func read(path: String, settings: Settings) throws(EvaluationError) -> ([String: String], Int) {
        let bytes: [UInt8]
        do {
            bytes = Array(try Data(contentsOf: URL(fileURLWithPath: path)))
        } catch {
            throw .unreadableFile(path: path, reason: (error as NSError).localizedDescription)
        }
        let completeLength = (bytes.lastIndex(of: UInt8(ascii: "\n")) ?? -1) + 1
        let lines = bytes[..<completeLength].split(separator: UInt8(ascii: "\n"), omittingEmptySubsequences: false).dropLast()
        guard let first = lines.first else {
            // Not even the settings line was finished: treat as a fresh journal.
            return ([:], 0)
        }
        let header = try JSONReader.parse(Array(first), path: "\(path) line 1")
        guard header["journal"] == .string("caption-eval run") else {
            throw .invalidContent(path: path, location: "line 1", reason: "not a caption-eval run journal")
        }
        for (key, value) in settings where (header[key] ?? defaultSettings[key]) != value {
            let written = header[key].map { JSONWriter.serialize($0, indent: nil) } ?? "nothing"
            throw .invalidContent(path: path, location: "line 1", reason: "written with \(key) \(written), this run has \(JSONWriter.serialize(value, indent: nil)): use the same settings to resume, or delete the file to start over")
        }
        var captions: [String: String] = [:]
        for (index, line) in lines.enumerated().dropFirst() {
            let entry = try JSONReader.parse(Array(line), path: "\(path) line \(index + 1)")
            guard let imageID = entry["image_id"]?.stringValue, let caption = entry["caption"]?.stringValue else {
                throw .invalidContent(path: path, location: "line \(index + 1)", reason: "expected {\"image_id\": STRING, \"caption\": STRING}")
            }
            captions[imageID] = caption
        }
        return (captions, completeLength)
    }
}
