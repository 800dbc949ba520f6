import Foundation
import Testing
@testable import CaptionKit

@Suite("NPY writer")
struct NPYWriterTests {
    @Test("float32 and int64 files are byte for byte what np.save writes, header padding included")
    func matchesNumPyBytes() throws {
        let manifest = try NPYFixtures.manifest()
        let directory = try NPYFixtures.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        #expect(manifest.writer.count >= 10)
        for fixture in manifest.writer {
            let output = directory.appendingPathComponent(URL(fileURLWithPath: fixture.file).lastPathComponent)
            if let integers = fixture.integers, fixture.descr == "<i8" {
                try NPYWriter.write(integers: integers, shape: fixture.shape, to: output)
                #expect(try NPYArray(contentsOf: output).integers() == integers, "\(fixture.file)")
            } else {
                let tensor = Tensor(shape: fixture.shape, scalars: fixture.float32Bits.map(Float.init(bitPattern:)))
                try NPYWriter.write(tensor, to: output)
                expectSameFloats(try NPYArray(contentsOf: output).tensor().scalars, bits: fixture.float32Bits, fixture.file)
            }
            let written = [UInt8](try Data(contentsOf: output))
            let numpy = try NPYFixtures.bytes(fixture.file)
            #expect(written == numpy, "\(fixture.file): \(written.count) bytes written, NumPy wrote \(numpy.count)")
        }
    }

    @Test("the header for the memory-map test's 100 MB array is NumPy's")
    func largeArrayHeader() throws {
        for fixture in try NPYFixtures.manifest().writerHeaders {
            #expect(NPYWriter.headerBytes(descr: fixture.descr, shape: fixture.shape) == (try NPYFixtures.bytes(fixture.file)))
        }
    }

    @Test("headers always end on a 64-byte boundary with a newline, whatever the rank")
    func headerAlignment() throws {
        for rank in 0...70 {
            let shape = [Int](repeating: 1, count: rank)
            let header = NPYWriter.headerBytes(descr: "<f4", shape: shape)
            #expect(header.count % 64 == 0, "rank \(rank)")
            #expect(header.last == 0x0A, "rank \(rank)")
            // One float32 element of data follows the header.
            let parsed = try (header + [0, 0, 0, 0]).withUnsafeBytes { (bytes) throws(CaptionError) in
                try NPYHeader.parse(bytes, path: "header")
            }
            #expect(parsed.shape == shape && parsed.dataOffset == header.count && parsed.majorVersion == 1, "rank \(rank)")
        }
    }

    @Test("writing replaces an existing file and leaves no temporary file behind")
    func atomicReplacement() throws {
        let directory = try NPYFixtures.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let output = directory.appendingPathComponent("weights.npy")
        try NPYWriter.write(Tensor(shape: [3], scalars: [1, 2, 3]), to: output)
        let reader = try NPYArray(contentsOf: output).tensor()
        try NPYWriter.write(Tensor(shape: [2, 2], scalars: [4, 5, 6, 7]), to: output)
        let replaced = try NPYArray(contentsOf: output).tensor()
        #expect(replaced.shape == [2, 2] && replaced.scalars == [4, 5, 6, 7])
        // A reader that mapped the old file still sees the old contents.
        #expect(reader.scalars == [1, 2, 3])
        #expect(try FileManager.default.contentsOfDirectory(atPath: directory.path) == ["weights.npy"])
    }

    @Test("a destination in a missing directory is an unwritableFile error")
    func unwritableDestination() throws {
        let directory = try NPYFixtures.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let output = directory.appendingPathComponent("missing/weights.npy")
        let error = captionError("missing directory") { try NPYWriter.write(Tensor(shape: [1]), to: output) }
        #expect(error == .unwritableFile(path: output.path, reason: "No such file or directory"))
        #expect(try FileManager.default.contentsOfDirectory(atPath: directory.path) == [])
    }
}
