import Foundation
import Testing
@testable import CaptionKit

@Suite("Weight store")
struct WeightStoreTests {
    /// The bundle fixture opened both ways, with a label for messages.
    private func stores() throws -> [(String, WeightStore)] {
        let bundle = try NPYFixtures.manifest().bundle
        return [
            ("directory", try WeightStore(directory: NPYFixtures.url(bundle.directory))),
            ("archive", try WeightStore(archive: NPYFixtures.url(bundle.archive))),
            ("directory by contentsOf", try WeightStore(contentsOf: NPYFixtures.url(bundle.directory))),
            ("archive by contentsOf", try WeightStore(contentsOf: NPYFixtures.url(bundle.archive))),
        ]
    }

    @Test("a directory and an .npz hold the same tensors; other and hidden files are ignored")
    func bundleTensors() throws {
        let bundle = try NPYFixtures.manifest().bundle
        for (label, store) in try stores() {
            #expect(store.keys == Set(bundle.tensors.keys), "\(label)")
            for (key, expected) in bundle.tensors {
                let tensor = try store.tensor(key, shape: expected.shape)
                expectSameFloats(tensor.scalars, bits: expected.float32Bits, "\(label) \(key)")
                if let integers = expected.integers {
                    #expect(try store.integers(key, shape: expected.shape) == integers, "\(label) \(key)")
                    #expect(try store.integers(key) == integers, "\(label) \(key)")
                }
            }
            for (name, text) in bundle.files {
                #expect(try store.contents(ofFile: name) == Array(text.utf8), "\(label) \(name)")
            }
        }
    }

    @Test("little-endian float32 tensors of a directory bundle are used in place; float16 and float64 are converted")
    func directoryTensorsAreMapped() throws {
        let bundle = try NPYFixtures.manifest().bundle
        let store = try WeightStore(directory: NPYFixtures.url(bundle.directory))
        for (key, expected) in bundle.tensors {
            let tensor = try store.tensor(key, shape: expected.shape)
            #expect(tensor.isBorrowingMemory == (expected.descr == "<f4"), "\(key)")
        }
    }

    @Test("a missing tensor names the bundle, the key and the expected shape")
    func missingTensor() throws {
        for (label, store) in try stores() {
            let error = captionError(label) { _ = try store.tensor("decoder.fc.bias", shape: [3]) }
            #expect(error == .missingTensor(bundle: store.location, key: "decoder.fc.bias", expectedShape: [3]), "\(label)")
            let integerError = captionError(label) { _ = try store.integers("steps") }
            #expect(integerError == .missingTensor(bundle: store.location, key: "steps", expectedShape: []), "\(label)")
        }
    }

    @Test("a tensor of another shape names both shapes")
    func shapeMismatch() throws {
        for (label, store) in try stores() {
            let error = captionError(label) { _ = try store.tensor("decoder.fc.weight", shape: [4, 3]) }
            #expect(error == .tensorShapeMismatch(bundle: store.location, key: "decoder.fc.weight", expected: [4, 3], actual: [3, 4]), "\(label)")
            #expect(error.map(String.init(describing:)) == "\(store.location): tensor 'decoder.fc.weight' has shape [3, 4], expected [4, 3]")
        }
    }

    @Test("integers of a float tensor are refused")
    func integersOfFloats() throws {
        for (label, store) in try stores() {
            let error = captionError(label) { _ = try store.integers("decoder.fc.weight") }
            guard case let .invalidArrayFile(_, reason)? = error else {
                Issue.record("\(label): \(String(describing: error))")
                continue
            }
            #expect(reason.contains("holds float64 (big-endian) values, expected integers"), "\(label): \(reason)")
        }
    }

    @Test("verifyAllUsed reports the first stray tensor in sorted order, unless ignored")
    func verifyAllUsed() throws {
        for (label, store) in try stores() {
            try store.verifyAllUsed(store.keys)
            try store.verifyAllUsed(store.keys.subtracting(["encoder.features.1.num_batches_tracked"]),
                                    ignoring: { $0.hasSuffix(".num_batches_tracked") })
            let error = captionError(label) {
                try store.verifyAllUsed(["decoder.fc.weight", "encoder.features.0.weight"])
            }
            #expect(error == .unexpectedTensor(bundle: store.location, key: "decoder.embedding.weight"), "\(label)")
        }
    }

    @Test("a missing bundle, a missing side file and a malformed .npy in a directory are errors naming them")
    func openingErrors() throws {
        let missing = NPYFixtures.url("no_such_bundle")
        #expect(captionError("contentsOf") { _ = try WeightStore(contentsOf: missing) }
            == .unreadableFile(path: missing.path, reason: "no such file or directory"))
        #expect(captionError("directory") { _ = try WeightStore(directory: missing) } != nil)
        let store = try WeightStore(directory: NPYFixtures.url("bundle"))
        let sideFile = captionError("side file") { _ = try store.contents(ofFile: "labels.txt") }
        #expect(sideFile == .unreadableFile(path: NPYFixtures.url("bundle/labels.txt").path, reason: "missing or unreadable"))
        let archive = try WeightStore(archive: NPYFixtures.url("bundle.npz"))
        #expect(captionError("entry") { _ = try archive.contents(ofFile: "labels.txt") }
            == .unreadableFile(path: "\(archive.location) [labels.txt]", reason: "the archive has no such entry"))

        let directory = try NPYFixtures.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let bad = directory.appendingPathComponent("decoder.fc.weight.npy")
        try FileManager.default.copyItem(at: NPYFixtures.url("malformed/object.npy"), to: bad)
        let error = captionError("malformed") { _ = try WeightStore(directory: directory) }
        guard case let .invalidArrayFile(path, reason)? = error else {
            Issue.record("\(String(describing: error))")
            return
        }
        #expect(path == bad.path)
        #expect(reason.contains("unsupported dtype '|O'"))
    }

    @Test("opening a directory reads headers only: a 16 GiB sparse .npy opens without being read")
    func directoryOpeningIsLazy() throws {
        let directory = try NPYFixtures.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let elements = 1 << 32
        let header = NPYWriter.headerBytes(descr: "<f4", shape: [elements])
        let url = directory.appendingPathComponent("huge.npy")
        try Data(header).write(to: url)
        let handle = try FileHandle(forWritingTo: url)
        try handle.truncate(atOffset: UInt64(header.count + elements * 4))
        try handle.close()

        let before = try NPYMemoryMapTests.residentBytes()
        let store = try WeightStore(directory: directory)
        let tensor = try store.tensor("huge", shape: [elements])
        #expect(tensor.isBorrowingMemory)
        #expect(tensor[flat: elements - 1] == 0)
        // Other tests run meanwhile, so the bound is loose; reading the file would add 16 GiB.
        #expect(try NPYMemoryMapTests.residentBytes() - before < 1 << 30)
    }
}
