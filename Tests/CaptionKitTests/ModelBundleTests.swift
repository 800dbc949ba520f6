import Foundation
import Testing
@testable import CaptionKit

/// A private copy of the `plain` fixture bundle that a test may break; removed when released.
private final class ScratchBundle {
    let url: URL

    deinit {
        try? FileManager.default.removeItem(at: url)
    }

    init() throws {
        url = FileManager.default.temporaryDirectory.appendingPathComponent("captionkit-bundle-\(UUID().uuidString)")
        try FileManager.default.copyItem(at: Fixtures.url("models/plain"), to: url)
        try? FileManager.default.removeItem(at: url.appendingPathComponent("reference"))
    }

    func remove(_ name: String) throws {
        try FileManager.default.removeItem(at: url.appendingPathComponent(name))
    }

    func write(_ name: String, _ text: String) throws {
        try Data(text.utf8).write(to: url.appendingPathComponent(name))
    }

    func read(_ name: String) throws -> String {
        try String(contentsOf: url.appendingPathComponent(name), encoding: .utf8)
    }

    func load() throws -> ModelBundle {
        defer { try? FileManager.default.removeItem(at: url) }
        return try ModelBundle(contentsOf: url)
    }
}

/// The error a broken bundle gives, or nil when it loads.
private func loadingError(_ scratch: ScratchBundle) -> CaptionError? {
    do {
        _ = try scratch.load()
        return nil
    } catch let error as CaptionError {
        return error
    } catch {
        Issue.record("not a CaptionError: \(error)")
        return nil
    }
}

@Suite("Model bundle loading")
struct ModelBundleTests {
    @Test("the fixture bundle loads with weights memory-mapped")
    func loads() throws {
        let bundle = try ModelBundle(contentsOf: Fixtures.url("models/plain"))
        #expect(bundle.vocabulary.count == 34)
        #expect(bundle.decoder.vocabularySize == 34)
        #expect(bundle.decoder.output.weight.isBorrowingMemory)
        #expect(bundle.decoder.embedding.weight.isBorrowingMemory)
    }

    @Test("a missing tensor is named with its expected shape")
    func missingTensor() throws {
        let scratch = try ScratchBundle()
        try scratch.remove("decoder.init_c.weight.npy")
        let error = loadingError(scratch)
        guard case let .missingTensor(_, key, shape) = error else {
            Issue.record("got \(String(describing: error))")
            return
        }
        #expect(key == "decoder.init_c.weight")
        #expect(shape == [20, 16])
    }

    @Test("a tensor of the wrong shape is named with both shapes")
    func misShapedTensor() throws {
        let scratch = try ScratchBundle()
        try NPYWriter.write(Tensor(shape: [20, 17]), to: scratch.url.appendingPathComponent("decoder.init_h.weight.npy"))
        #expect(loadingError(scratch) == .tensorShapeMismatch(bundle: scratch.url.path, key: "decoder.init_h.weight", expected: [20, 16], actual: [20, 17]))
    }

    @Test("an unexpected tensor is named")
    func unexpectedTensor() throws {
        let scratch = try ScratchBundle()
        try NPYWriter.write(Tensor(shape: [3]), to: scratch.url.appendingPathComponent("decoder.extra.bias.npy"))
        #expect(loadingError(scratch) == .unexpectedTensor(bundle: scratch.url.path, key: "decoder.extra.bias"))
    }

    @Test("a gate tensor in a bundle configured without a gate is unexpected")
    func gateMismatch() throws {
        let scratch = try ScratchBundle()
        try scratch.write("config.json", try scratch.read("config.json").replacingOccurrences(of: "\"gate\": true", with: "\"gate\": false"))
        #expect(loadingError(scratch) == .unexpectedTensor(bundle: scratch.url.path, key: "decoder.f_beta.bias"))
    }

    @Test("a vocabulary of another size than fc is refused")
    func vocabularySize() throws {
        let scratch = try ScratchBundle()
        let words = (0..<10).map { "\"w\($0)\": \($0 + 4)" }.joined(separator: ", ")
        try scratch.write("vocab.json", "{\"<pad>\": 0, \"<start>\": 1, \"<end>\": 2, \"<unk>\": 3, \(words)}")
        guard case let .invalidVocabulary(path, reason) = loadingError(scratch) else {
            Issue.record("vocabulary size not reported")
            return
        }
        #expect(path.hasSuffix("vocab.json"))
        #expect(reason.contains("14 words") && reason.contains("34"))
    }

    @Test("an unknown configuration value names its field")
    func badConfiguration() throws {
        let scratch = try ScratchBundle()
        try scratch.write("config.json", try scratch.read("config.json").replacingOccurrences(of: "\"relu\"", with: "\"swish\""))
        guard case let .invalidConfiguration(path, field, _) = loadingError(scratch) else {
            Issue.record("bad activation not reported")
            return
        }
        #expect(path.hasSuffix("config.json"))
        #expect(field == "decoder.attention_activation")
    }

    @Test("a missing config.json or bundle is an unreadable-file error")
    func missingFiles() throws {
        let scratch = try ScratchBundle()
        try scratch.remove("config.json")
        guard case .unreadableFile = loadingError(scratch) else {
            Issue.record("missing config.json not reported")
            return
        }
        #expect(throws: CaptionError.self) { try ModelBundle(contentsOf: URL(fileURLWithPath: "/nonexistent/model")) }
    }

    @Test("a file that is not a .npz archive is named as not a bundle, config.json with a hint")
    func fileThatIsNoBundle() throws {
        for (file, hint) in [("models/plain/config.json", "pass the folder that holds it"),
                             ("scenes/example.txt", "a .npz archive")] {
            let url = Fixtures.url(file)
            do {
                _ = try ModelBundle(contentsOf: url)
                Issue.record("\(file) loaded as a bundle")
            } catch let error as CaptionError {
                guard case let .notAModelBundle(path, reason) = error else {
                    Issue.record("\(file): \(error)")
                    continue
                }
                #expect(path == url.path)
                #expect(reason.contains(hint), "\(reason)")
            }
        }
    }
}
