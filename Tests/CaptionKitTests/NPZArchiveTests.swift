import Foundation
import Testing
@testable import CaptionKit

@Suite("NPZ archives")
struct NPZArchiveTests {
    @Test("np.savez, np.savez_compressed and zip64 archives read to NumPy's values")
    func validArchives() throws {
        let manifest = try NPYFixtures.manifest()
        #expect(Set(manifest.archives.map(\.method)) == ["stored", "deflate"])
        for fixture in manifest.archives {
            let archive = try NPZArchive(contentsOf: NPYFixtures.url(fixture.file))
            #expect(Set(archive.arrayNames) == Set(fixture.arrays.keys), "\(fixture.file)")
            #expect(archive.entryNames.count == fixture.arrays.count + (fixture.otherEntries?.count ?? 0), "\(fixture.file)")
            for (name, expected) in fixture.arrays {
                let array = try archive.array(named: name)
                #expect(array.shape == expected.shape, "\(fixture.file) \(name)")
                #expect(array.path == "\(archive.path) [\(name).npy]")
                expectSameFloats(array.tensor().scalars, bits: expected.float32Bits, "\(fixture.file) \(name)")
                if let integers = expected.integers {
                    #expect(try array.integers() == integers, "\(fixture.file) \(name)")
                }
            }
            for (name, text) in fixture.otherEntries ?? [:] {
                #expect(try archive.contents(ofEntry: name) == Array(text.utf8), "\(fixture.file) \(name)")
            }
        }
    }

    @Test("every malformed archive fixture is an invalidArrayFile error, at opening or at reading")
    func malformedArchives() throws {
        let files = try NPYFixtures.manifest().malformed.filter { $0.file.hasSuffix(".npz") }
        #expect(files.count > 20)
        for fixture in files {
            let error = captionError(fixture.file) {
                let archive = try NPZArchive(contentsOf: NPYFixtures.url(fixture.file))
                for name in archive.arrayNames {
                    _ = try archive.array(named: name).tensor()
                }
            }
            guard case let .invalidArrayFile(path, reason)? = error else {
                Issue.record("\(fixture.file): \(String(describing: error))")
                continue
            }
            #expect(path.hasPrefix(NPYFixtures.url(fixture.file).path), "\(fixture.file): \(path)")
            #expect(reason.contains(fixture.errorContains), "\(fixture.file): '\(reason)' lacks '\(fixture.errorContains)'")
        }
    }

    @Test("archives cut short at every length or with any one byte damaged give errors, never crashes")
    func damagedArchives() throws {
        var failures = 0
        var successes = 0
        for file in ["archives/savez.npz", "archives/savez_compressed.npz", "archives/zip64.npz"] {
            let original = try NPYFixtures.bytes(file)
            var variants: [[UInt8]] = (0..<original.count).map { Array(original.prefix($0)) }
            // Damage every byte of the central directory and end records, and a sample of the rest.
            let tail = max(0, original.count - 600)
            for position in Array(stride(from: 0, to: tail, by: 7)) + Array(tail..<original.count) {
                var damaged = original
                damaged[position] ^= 0x5A
                variants.append(damaged)
            }
            for (index, bytes) in variants.enumerated() {
                let outcome = acceptsOrRefuses(path: "damaged.npz", "\(file) variant \(index)") {
                    let archive = try NPZArchive(bytes: bytes, path: "damaged.npz")
                    for name in archive.arrayNames {
                        let array = try archive.array(named: name)
                        #expect(array.tensor().count == array.header.elementCount)
                    }
                }
                if outcome == true { successes += 1 }
                if outcome == false { failures += 1 }
            }
        }
        #expect(failures > 3000)
        #expect(successes > 0)
    }

    @Test("stored float32 entries are used in place when aligned, copied when not; values agree")
    func storedEntriesInPlace() throws {
        let archive = try NPZArchive(contentsOf: NPYFixtures.url("archives/savez.npz"))
        let weight = try archive.array(named: "weight")
        let tensor = weight.tensor()
        #expect(tensor.isBorrowingMemory == weight.isUsableInPlace)
        let compressed = try NPZArchive(contentsOf: NPYFixtures.url("archives/savez_compressed.npz")).array(named: "weight")
        #expect(compressed.isUsableInPlace)
        #expect(compressed.tensor().isBorrowingMemory)
        #expect(compressed.tensor().scalars.map(\.bitPattern) == tensor.scalars.map(\.bitPattern))
    }

    @Test("asking for an entry the archive lacks is an error naming it")
    func missingEntry() throws {
        let archive = try NPZArchive(contentsOf: NPYFixtures.url("archives/savez.npz"))
        let error = captionError("missing") { _ = try archive.array(named: "nothing") }
        #expect(error == .invalidArrayFile(path: archive.path, reason: "no entry named 'nothing.npy'"))
    }
}

extension NPZArchive {
    /// An archive read from bytes in memory, for tests that try many damaged variants.
    init(bytes: [UInt8], path: String) throws(CaptionError) {
        guard let region = ByteRegion.allocated(count: bytes.count, fill: { $0.copyBytes(from: bytes) }) else {
            throw CaptionError.unreadableFile(path: path, reason: "out of memory")
        }
        try self.init(region: region, path: path)
    }
}
