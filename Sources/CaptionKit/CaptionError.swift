import Foundation

/// Every error CaptionKit throws. Each case carries what a user needs to fix the problem:
/// the file, the tensor or field name, the expected and actual values, and the reason.
public enum CaptionError: Error, Equatable, Sendable {
    /// A file or directory could not be opened or read.
    case unreadableFile(path: String, reason: String)
    /// An image file could not be decoded (truncated, corrupt, not an image, unsupported).
    case invalidImage(path: String, reason: String)
    /// An image's header declares more pixels than the configured limit; nothing was allocated.
    case imageTooLarge(path: String, width: Int, height: Int, limit: Int)
    /// A `.npy` or `.npz` file is malformed or uses a feature CaptionKit refuses.
    case invalidArrayFile(path: String, reason: String)
    /// A model path that is neither a bundle folder nor a `.npz` archive.
    case notAModelBundle(path: String, reason: String)
    /// A model bundle lacks a tensor that its configuration requires.
    case missingTensor(bundle: String, key: String, expectedShape: [Int])
    /// A model bundle holds a tensor that its configuration does not use.
    case unexpectedTensor(bundle: String, key: String)
    /// A tensor's shape differs from the one the configuration implies.
    case tensorShapeMismatch(bundle: String, key: String, expected: [Int], actual: [Int])
    /// `config.json` is malformed, or a field holds an unsupported value.
    case invalidConfiguration(path: String, field: String, reason: String)
    /// `vocab.json` is malformed or inconsistent with the model.
    case invalidVocabulary(path: String, reason: String)
    /// Decoding options are out of range (for example a beam size of 0).
    case invalidOptions(reason: String)
    /// A file could not be written (attention pictures, `.npy` output).
    case unwritableFile(path: String, reason: String)
    /// Raw pixels handed to `RGBImage` do not describe an image: an empty size, a row stride
    /// shorter than a row, or a byte count that does not match.
    case invalidPixels(reason: String)
    /// No model bundle was named and none was found where `ModelLocator` looks by default.
    case modelNotFound(workingDirectory: String, executablePath: String?)
}

extension CaptionError: CustomStringConvertible {
    /// One line a person can act on: the file or name first, then the reason.
    public var description: String {
        switch self {
        case let .unreadableFile(path, reason):
            return "\(path): cannot read: \(reason)"
        case let .invalidImage(path, reason):
            return "\(path): not a usable image: \(reason)"
        case let .imageTooLarge(path, width, height, limit):
            return "\(path): image is \(width) x \(height) = \(width * height) pixels, more than the limit of \(limit)"
        case let .invalidArrayFile(path, reason):
            return "\(path): invalid array file: \(reason)"
        case let .notAModelBundle(path, reason):
            return "\(path): not a model bundle: \(reason)"
        case let .missingTensor(bundle, key, expectedShape):
            let hint = key.hasPrefix("encoder.")
                ? "; the photo model's ImageNet VGG-16 encoder is installed, not shipped: run scripts/setup (or python3 tools/install_vgg16.py \(bundle))"
                : ""
            return "\(bundle): missing tensor '\(key)' (expected shape \(expectedShape))\(hint)"
        case let .unexpectedTensor(bundle, key):
            return "\(bundle): unexpected tensor '\(key)' (not used by this configuration)"
        case let .tensorShapeMismatch(bundle, key, expected, actual):
            return "\(bundle): tensor '\(key)' has shape \(actual), expected \(expected)"
        case let .invalidConfiguration(path, field, reason):
            return "\(path): field '\(field)': \(reason)"
        case let .invalidVocabulary(path, reason):
            return "\(path): invalid vocabulary: \(reason)"
        case let .invalidOptions(reason):
            return "invalid options: \(reason)"
        case let .unwritableFile(path, reason):
            return "\(path): cannot write: \(reason)"
        case let .invalidPixels(reason):
            return "pixel buffer: \(reason)"
        case let .modelNotFound(workingDirectory, executablePath):
            return "no model found: pass --model DIR, set \(ModelLocator.environmentVariable), run scripts/install-model "
                + "in a CaptionKit checkout, or run from one (looked for \(ModelLocator.bundledModelPath)/config.json in "
                + "\(workingDirectory) and above \(executablePath ?? "the executable"), and in the model cache "
                + "$\(ModelLocator.cacheEnvironmentVariable)/\(ModelLocator.cachedModelPath))"
        }
    }
}

extension CaptionError: LocalizedError {
    /// The same line as `description`, so that `error.localizedDescription` names the file
    /// and the reason instead of Foundation's generic "The operation could not be completed".
    public var errorDescription: String? { description }
}
