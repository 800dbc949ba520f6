import Foundation
import Testing
@testable import CaptionKit

/// The fixtures `tools/make_npy_fixtures.py` writes into Fixtures/npy, and its manifest of
/// expected values (NumPy's own reading of every file).
enum NPYFixtures {
    /// What reading an array must give: NumPy's `astype(float32)` as bit patterns, and the
    /// exact integers of integer and bool arrays.
    struct Expected: Decodable {
        let shape: [Int]
        let float32Bits: [UInt32]
        let integers: [Int64]?
        let descr: String?
    }

    /// A `.npy` file NumPy reads.
    struct ValidFile: Decodable {
        let file: String
        let descr: String
        let fortranOrder: Bool
        let version: Int
        /// Whether CaptionKit should use the bytes in place (little-endian float32, aligned).
        let inPlace: Bool
        /// Set when `integers()` must fail (uint64 above int64).
        let integersError: String?
        let shape: [Int]
        let float32Bits: [UInt32]
        let integers: [Int64]?
    }

    /// An `.npz` archive and the arrays NumPy reads from it.
    struct ArchiveFile: Decodable {
        let file: String
        let method: String
        let arrays: [String: Expected]
        let otherEntries: [String: String]?
    }

    /// A damaged file and the text CaptionKit's error must contain.
    struct MalformedFile: Decodable {
        let file: String
        let errorContains: String
    }

    /// The tiny model bundle, as a directory and as an archive.
    struct Bundle: Decodable {
        let directory: String
        let archive: String
        let files: [String: String]
        let tensors: [String: Expected]
    }

    /// A file `np.save` wrote; CaptionKit's writer must produce the same bytes.
    struct WriterFile: Decodable {
        let file: String
        let descr: String
        let shape: [Int]
        let float32Bits: [UInt32]
        let integers: [Int64]?
    }

    /// Only the header NumPy writes for an array of `shape`.
    struct WriterHeader: Decodable {
        let file: String
        let descr: String
        let shape: [Int]
    }

    struct Manifest: Decodable {
        let valid: [ValidFile]
        let archives: [ArchiveFile]
        let malformed: [MalformedFile]
        let bundle: Bundle
        let writer: [WriterFile]
        let writerHeaders: [WriterHeader]
    }

    /// Fixtures/npy.
    static let directory = Fixtures.url("npy")

    /// A fixture file by its path relative to Fixtures/npy.
    static func url(_ relative: String) -> URL {
        directory.appendingPathComponent(relative)
    }

    /// The parsed manifest.
    static func manifest() throws -> Manifest {
        try JSONDecoder().decode(Manifest.self, from: Data(contentsOf: url("manifest.json")))
    }

    /// The whole contents of a fixture file.
    static func bytes(_ relative: String) throws -> [UInt8] {
        [UInt8](try Data(contentsOf: url(relative)))
    }

    /// A fresh temporary directory, removed by the caller with `removeItem`.
    static func temporaryDirectory() throws -> URL {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("captionkit-npy-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        return url
    }
}

/// Records an issue unless `actual` has exactly the float32 bit patterns `expected` (any
/// NaN matches any NaN), naming the first differing element.
func expectSameFloats(_ actual: [Float], bits expected: [UInt32], _ label: String, sourceLocation: SourceLocation = #_sourceLocation) {
    guard actual.count == expected.count else {
        Issue.record("\(label): \(actual.count) elements, expected \(expected.count)", sourceLocation: sourceLocation)
        return
    }
    let differing = actual.indices.filter { index in
        let wanted = Float(bitPattern: expected[index])
        return wanted.isNaN ? !actual[index].isNaN : actual[index].bitPattern != expected[index]
    }
    if let first = differing.first {
        Issue.record(
            "\(label): \(differing.count) of \(actual.count) elements differ; first at \(first): \(actual[first]) (bits \(actual[first].bitPattern)), expected \(Float(bitPattern: expected[first])) (bits \(expected[first]))",
            sourceLocation: sourceLocation)
    }
}

/// Runs `body` and returns the `CaptionError` it throws, recording an issue when it throws
/// nothing or another error.
func captionError(_ label: String, sourceLocation: SourceLocation = #_sourceLocation, _ body: () throws -> Void) -> CaptionError? {
    do {
        try body()
        Issue.record("\(label): no error thrown", sourceLocation: sourceLocation)
    } catch let error as CaptionError {
        return error
    } catch {
        Issue.record("\(label): threw \(error), not a CaptionError", sourceLocation: sourceLocation)
    }
    return nil
}

/// Runs `body` on damaged input. Returns true when it succeeds and false when it throws an
/// `.invalidArrayFile` whose path starts with `path`; anything else (another error) is
/// recorded as an issue and gives `nil`. A crash fails the whole run, which is the point.
func acceptsOrRefuses(path: String, _ label: @autoclosure () -> String, sourceLocation: SourceLocation = #_sourceLocation, _ body: () throws -> Void) -> Bool? {
    do {
        try body()
        return true
    } catch let CaptionError.invalidArrayFile(errorPath, _) where errorPath.hasPrefix(path) {
        return false
    } catch {
        Issue.record("\(label()): \(error)", sourceLocation: sourceLocation)
        return nil
    }
}

@Suite("NPY fixtures")
struct NPYFixtureTests {
    @Test("every file under Fixtures/npy is listed in the manifest, and every listed file exists")
    func manifestCoversTheFixtures() throws {
        let manifest = try NPYFixtures.manifest()
        var listed = Set(manifest.valid.map(\.file) + manifest.archives.map(\.file) + manifest.malformed.map(\.file)
            + manifest.writer.map(\.file) + manifest.writerHeaders.map(\.file) + [manifest.bundle.archive, "manifest.json"])
        listed.formUnion(manifest.bundle.tensors.keys.map { "\(manifest.bundle.directory)/\($0).npy" })
        listed.formUnion(manifest.bundle.files.keys.map { "\(manifest.bundle.directory)/\($0)" })
        let root = NPYFixtures.directory.standardizedFileURL.path
        let enumerator = try #require(FileManager.default.enumerator(atPath: root))
        var present = Set<String>()
        while let relative = enumerator.nextObject() as? String {
            var isDirectory: ObjCBool = false
            _ = FileManager.default.fileExists(atPath: root + "/" + relative, isDirectory: &isDirectory)
            // The bundle's hidden file is there to be ignored, which WeightStoreTests checks.
            if !isDirectory.boolValue && !relative.hasPrefix("\(manifest.bundle.directory)/._") {
                present.insert(relative)
            }
        }
        #expect(present.subtracting(listed).sorted() == [])
        #expect(listed.subtracting(present).sorted() == [])
        #expect(manifest.valid.count > 100)
        #expect(manifest.malformed.count > 60)
    }
}
