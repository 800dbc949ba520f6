import Foundation
import Testing
@testable import CaptionKit

@Suite("NPY malformed input")
struct NPYMalformedTests {
    @Test("every malformed .npy fixture is an invalidArrayFile error naming the file and the reason")
    func malformedFixtures() throws {
        let manifest = try NPYFixtures.manifest()
        let files = manifest.malformed.filter { $0.file.hasSuffix(".npy") }
        #expect(files.count > 50)
        for fixture in files {
            let path = NPYFixtures.url(fixture.file).path
            let error = captionError(fixture.file) { _ = try NPYArray(contentsOf: NPYFixtures.url(fixture.file)) }
            guard case let .invalidArrayFile(errorPath, reason)? = error else {
                Issue.record("\(fixture.file): \(String(describing: error))")
                continue
            }
            #expect(errorPath == path)
            #expect(reason.contains(fixture.errorContains), "\(fixture.file): '\(reason)' lacks '\(fixture.errorContains)'")
        }
    }

    @Test("every valid fixture cut short at every length is an error, never a crash")
    func everyTruncation() throws {
        let manifest = try NPYFixtures.manifest()
        var checked = 0
        for fixture in manifest.valid {
            let bytes = try NPYFixtures.bytes(fixture.file)
            for length in 0..<bytes.count {
                let result = bytes.withUnsafeBytes { buffer in
                    Result { () throws(CaptionError) in
                        try NPYHeader.parse(UnsafeRawBufferPointer(rebasing: buffer.prefix(length)), path: "cut")
                    }
                }
                guard case .failure(.invalidArrayFile(path: "cut", _)) = result else {
                    Issue.record("\(fixture.file) cut to \(length) bytes: \(result)")
                    continue
                }
                checked += 1
            }
        }
        #expect(checked > 10_000)
    }

    @Test("any single damaged header byte gives an error or a consistent array, never a crash")
    func everyHeaderByteDamaged() throws {
        let replacements: [UInt8] = [0x00, 0x20, 0x7F, 0xFF, UInt8(ascii: "("), UInt8(ascii: ","), UInt8(ascii: "9"), UInt8(ascii: "'")]
        var accepted = 0
        var refused = 0
        for file in ["valid/f4_le_3d.npy", "valid/i8_be_1d.npy", "valid/f2_le_3d_fortran.npy", "valid/f4_le_v3.npy"] {
            let original = try NPYFixtures.bytes(file)
            let header = try NPYArray(contentsOf: NPYFixtures.url(file)).header
            for position in 0..<header.dataOffset {
                for replacement in replacements where original[position] != replacement {
                    var damaged = original
                    damaged[position] = replacement
                    guard let region = ByteRegion.allocated(count: damaged.count, fill: { $0.copyBytes(from: damaged) }) else {
                        Issue.record("out of memory")
                        return
                    }
                    let outcome = acceptsOrRefuses(path: "damaged", "\(file) byte \(position) = \(replacement)") {
                        let array = try NPYArray(region: region, fileOffset: 0, fileCount: nil, path: "damaged")
                        // Whatever was accepted must be self-consistent.
                        #expect(array.tensor().count == array.header.elementCount)
                        #expect(array.header.dataOffset + array.header.dataByteCount == damaged.count)
                    }
                    if outcome == true { accepted += 1 }
                    if outcome == false { refused += 1 }
                }
            }
        }
        #expect(accepted > 0)
        #expect(refused > 1000)
    }

    @Test("a missing file and a directory are unreadable, not invalid")
    func unreadablePaths() throws {
        let missing = NPYFixtures.url("valid/no_such_file.npy")
        let error = captionError("missing") { _ = try NPYArray(contentsOf: missing) }
        #expect(error == .unreadableFile(path: missing.path, reason: "No such file or directory"))
        let directory = NPYFixtures.url("valid")
        let directoryError = captionError("directory") { _ = try NPYArray(contentsOf: directory) }
        #expect(directoryError == .unreadableFile(path: directory.path, reason: "not a regular file"))
    }
}
