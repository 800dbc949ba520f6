import Foundation

/// The named tensors of a model bundle: a directory of `<key>.npy` files, or one `.npz`
/// archive of `<key>.npy` entries. Keys are PyTorch `state_dict` names
/// (`decoder.fc.weight`).
///
/// Opening is cheap: a directory's files are memory-mapped and only their headers read;
/// an archive's central directory is read and entries are extracted when asked for.
/// Every lookup names the bundle and key in its error, and checks the shape the caller
/// expects.
public struct WeightStore: Sendable {
    /// Where the arrays live.
    private enum Source: Sendable {
        /// A directory and each key's mapped `.npy` file, header already checked.
        case files(directory: URL, arrays: [String: NPYArray])
        /// An `.npz` archive, read entry by entry.
        case archive(NPZArchive)
    }

    /// The bundle's path (a directory or an `.npz` file), as errors name it.
    public let location: String
    /// Every tensor name in the bundle.
    public let keys: Set<String>
    private let source: Source

    /// Opens the `.npy` files of a directory; other files (`config.json`, `vocab.json`)
    /// and hidden files are ignored. Each file's header is checked now; data stays on disk
    /// until used.
    public init(directory: URL) throws(CaptionError) {
        location = directory.path
        let names: [String]
        do {
            names = try FileManager.default.contentsOfDirectory(atPath: directory.path)
        } catch {
            throw CaptionError.unreadableFile(path: directory.path, reason: "cannot list the directory: \(error.localizedDescription)")
        }
        var arrays: [String: NPYArray] = [:]
        for name in names.sorted() where name.hasSuffix(".npy") && !name.hasPrefix(".") {
            arrays[String(name.dropLast(4))] = try NPYArray(contentsOf: directory.appendingPathComponent(name))
        }
        keys = Set(arrays.keys)
        source = .files(directory: directory, arrays: arrays)
    }

    /// Opens an `.npz` archive; entries not named `*.npy` are ignored as tensors.
    public init(archive: URL) throws(CaptionError) {
        let opened = try NPZArchive(contentsOf: archive)
        location = opened.path
        keys = Set(opened.arrayNames)
        source = .archive(opened)
    }

    /// Opens `url` as a directory bundle when it is a directory, else as an `.npz` archive.
    /// A file that does not start like a zip archive is `notAModelBundle` rather than a
    /// broken archive: `--model folder/config.json` is a common slip, and a text file is no
    /// damaged zip.
    public init(contentsOf url: URL) throws(CaptionError) {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: url.path, isDirectory: &isDirectory) else {
            throw CaptionError.unreadableFile(path: url.path, reason: "no such file or directory")
        }
        if isDirectory.boolValue {
            try self.init(directory: url)
            return
        }
        let handle = FileHandle(forReadingAtPath: url.path)
        defer { try? handle?.close() }
        if let handle, (try? handle.read(upToCount: 2)) != Data("PK".utf8) {
            throw CaptionError.notAModelBundle(
                path: url.path,
                reason: url.lastPathComponent == "config.json"
                    ? "this is the bundle's config.json; pass the folder that holds it"
                    : "expected a folder holding config.json and the .npy tensors, or a .npz archive of them")
        }
        try self.init(archive: url)
    }

    /// The stored array for `key`, or `nil` when the bundle has none.
    public func array(_ key: String) throws(CaptionError) -> NPYArray? {
        switch source {
        case let .files(_, arrays):
            return arrays[key]
        case let .archive(archive):
            return keys.contains(key) ? try archive.array(named: key) : nil
        }
    }

    /// The tensor called `key` as `Float`, which must have exactly `shape`. Little-endian
    /// float32 data is used in place; other types are converted.
    public func tensor(_ key: String, shape: [Int]) throws(CaptionError) -> Tensor {
        try checkedArray(key, shape: shape).tensor()
    }

    /// The exact values of the integer (or bool) array called `key`, in row-major order;
    /// its shape is checked when `shape` is given (PyTorch's `num_batches_tracked` is `[]`).
    public func integers(_ key: String, shape: [Int]? = nil) throws(CaptionError) -> [Int64] {
        let found: NPYArray
        if let shape {
            found = try checkedArray(key, shape: shape)
        } else if let array = try array(key) {
            found = array
        } else {
            throw CaptionError.missingTensor(bundle: location, key: key, expectedShape: [])
        }
        return try found.integers()
    }

    /// Throws `.unexpectedTensor` for the first key (in sorted order) that is neither in
    /// `used` nor accepted by `ignoring`, so a bundle with stray tensors is reported.
    public func verifyAllUsed(_ used: Set<String>, ignoring: (String) -> Bool = { _ in false }) throws(CaptionError) {
        if let stray = keys.subtracting(used).filter({ !ignoring($0) }).min() {
            throw CaptionError.unexpectedTensor(bundle: location, key: stray)
        }
    }

    /// Whether the bundle holds another file named `name` (a file in the directory, or an
    /// entry of the archive).
    public func containsFile(_ name: String) -> Bool {
        switch source {
        case let .files(directory, _):
            return FileManager.default.fileExists(atPath: directory.appendingPathComponent(name).path)
        case let .archive(archive):
            return archive.entryNames.contains(name)
        }
    }

    /// The bytes of another file of the bundle (`config.json`, `vocab.json`): a file in the
    /// directory, or an entry of the archive.
    public func contents(ofFile name: String) throws(CaptionError) -> [UInt8] {
        switch source {
        case let .files(directory, _):
            let path = directory.appendingPathComponent(name).path
            guard let data = FileManager.default.contents(atPath: path) else {
                throw CaptionError.unreadableFile(path: path, reason: "missing or unreadable")
            }
            return [UInt8](data)
        case let .archive(archive):
            guard archive.entryNames.contains(name) else {
                throw CaptionError.unreadableFile(path: "\(location) [\(name)]", reason: "the archive has no such entry")
            }
            return try archive.contents(ofEntry: name)
        }
    }

    /// The array for `key`, after checking it exists and has `shape`.
    private func checkedArray(_ key: String, shape: [Int]) throws(CaptionError) -> NPYArray {
        guard let found = try array(key) else {
            throw CaptionError.missingTensor(bundle: location, key: key, expectedShape: shape)
        }
        guard found.shape == shape else {
            throw CaptionError.tensorShapeMismatch(bundle: location, key: key, expected: shape, actual: found.shape)
        }
        return found
    }
}
