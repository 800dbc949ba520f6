import Foundation

/// Every error CaptionEval throws. Each case names the file (and where it helps, the line,
/// column, entry or image) and the reason, so its description is one line a person can act on.
public enum EvaluationError: Error, Equatable, Sendable {
    /// The file does not exist.
    case fileNotFound(path: String)
    /// The file exists but could not be read.
    case unreadableFile(path: String, reason: String)
    /// The file is empty (or only white space).
    case emptyFile(path: String)
    /// The file is not valid JSON; `line` and `column` (1-based, columns in characters) mark
    /// where parsing stopped.
    case malformedJSON(path: String, line: Int, column: Int, reason: String)
    /// The file is valid JSON or text but not in the expected shape; `location` names the
    /// entry or line (for example `entry 3` or `line 12`), `reason` what is wrong.
    case invalidContent(path: String, location: String, reason: String)
    /// The references file's format could not be recognised.
    case unrecognizedFormat(path: String, reason: String)
    /// A results entry names an image that has no reference captions.
    case imageWithoutReferences(path: String, imageID: String)
    /// Two results entries name the same image.
    case duplicateImage(path: String, imageID: String, firstEntry: Int, secondEntry: Int)
    /// The results file holds no captions.
    case noCaptions(path: String)
    /// The requested split has no images in the references file.
    case unknownSplit(path: String, split: String, available: [String])
    /// A file could not be written.
    case unwritableFile(path: String, reason: String)
}

extension EvaluationError: CustomStringConvertible {
    /// One line: the file first, then what is wrong.
    public var description: String {
        switch self {
        case let .fileNotFound(path):
            return "\(path): no such file"
        case let .unreadableFile(path, reason):
            return "\(path): cannot read: \(reason)"
        case let .emptyFile(path):
            return "\(path): the file is empty"
        case let .malformedJSON(path, line, column, reason):
            return "\(path):\(line):\(column): malformed JSON: \(reason)"
        case let .invalidContent(path, location, reason):
            return "\(path): \(location): \(reason)"
        case let .unrecognizedFormat(path, reason):
            return "\(path): unrecognised references format: \(reason)"
        case let .imageWithoutReferences(path, imageID):
            return "\(path): image \(imageID) has no reference captions"
        case let .duplicateImage(path, imageID, firstEntry, secondEntry):
            return "\(path): image \(imageID) appears twice (entries \(firstEntry) and \(secondEntry))"
        case let .noCaptions(path):
            return "\(path): no captions to score"
        case let .unknownSplit(path, split, available):
            let choices = available.isEmpty ? "the file has no splits" : "available: \(available.joined(separator: ", "))"
            return "\(path): no images in split '\(split)' (\(choices))"
        case let .unwritableFile(path, reason):
            return "\(path): cannot write: \(reason)"
        }
    }
}

extension EvaluationError: LocalizedError {
    /// The same line as `description`, so that `error.localizedDescription` names the file
    /// and the reason instead of Foundation's generic "The operation could not be completed".
    public var errorDescription: String? { description }
}
