import CaptionKit
import Foundation

/// The folder `caption-eval features` writes: `features.f16` (N x P x C little-endian float16,
/// image after image), `images.txt` (the N file names, one a line) and `shape.json`. Opening an
/// existing folder cuts both files back to the images they both hold whole, so that appending
/// continues an interrupted run.
final class FeatureStore {
    /// The file names of the images stored so far, in order.
    private(set) var names: [String]
    /// Images stored so far.
    var imageCount: Int { names.count }

    private let featuresFile: FileHandle
    private let namesFile: FileHandle
    private let valuesPerImage: Int

    /// Opens (creating it when needed) the store in `folder` for `encoder`'s output.
    init(folder: String, encoder: VGGEncoder) throws {
        let grid = encoder.gridSize
        let channels = encoder.outputChannels
        valuesPerImage = grid.height * grid.width * channels
        let manager = FileManager.default
        try manager.createDirectory(atPath: folder, withIntermediateDirectories: true)
        let shape = """
            {"positions": \(grid.height * grid.width), "channels": \(channels), \
            "grid_height": \(grid.height), "grid_width": \(grid.width), "dtype": "float16"}\n
            """
        try Data(shape.utf8).write(to: URL(fileURLWithPath: folder).appendingPathComponent("shape.json"))

        let featuresPath = (folder as NSString).appendingPathComponent("features.f16")
        let namesPath = (folder as NSString).appendingPathComponent("images.txt")
        for path in [featuresPath, namesPath] where !manager.fileExists(atPath: path) {
            _ = manager.createFile(atPath: path, contents: nil)
        }
        let storedNames = try String(contentsOfFile: namesPath, encoding: .utf8)
        var completeNames = storedNames.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        completeNames.removeLast()  // the text after the last newline: empty, or a cut line
        let featureBytes = (try manager.attributesOfItem(atPath: featuresPath)[.size] as? Int) ?? 0
        let bytesPerImage = valuesPerImage * MemoryLayout<Float16>.size
        names = Array(completeNames.prefix(min(completeNames.count, featureBytes / bytesPerImage)))

        featuresFile = try FileHandle(forUpdating: URL(fileURLWithPath: featuresPath))
        try featuresFile.truncate(atOffset: UInt64(names.count * bytesPerImage))
        try featuresFile.seekToEnd()
        namesFile = try FileHandle(forUpdating: URL(fileURLWithPath: namesPath))
        try namesFile.truncate(atOffset: UInt64(names.reduce(0) { $0 + $1.utf8.count + 1 }))
        try namesFile.seekToEnd()
    }

    /// Appends one image's annotation vectors (`[P, C]`), then its name.
    func append(_ image: EncodedImage, name: String) throws {
        precondition(image.annotations.count == valuesPerImage, "encoder output does not match shape.json")
        let halves = image.annotations.withUnsafeBufferPointer { values in
            values.map { Float16($0).bitPattern.littleEndian }
        }
        try halves.withUnsafeBytes { try featuresFile.write(contentsOf: $0) }
        try namesFile.write(contentsOf: Data((name + "\n").utf8))
        names.append(name)
    }
}
