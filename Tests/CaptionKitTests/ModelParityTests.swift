import Foundation
import Testing
@testable import CaptionKit

/// One fixture model of Fixtures/models: a bundle and the PyTorch reference's outputs.
struct ReferenceModel {
    struct BeamCase: Decodable {
        let beamSize: Int
        let maxLength: Int
        let tokens: [String]
        let tokenIds: [Int]
        let score: Float
        let finished: Bool
        let alphas: [[Float]]?
    }

    struct BeamFile: Decodable {
        let grid: [Int]
        let cases: [BeamCase]
    }

    let bundleURL: URL
    let referenceURL: URL

    init(_ name: String, references: String? = nil) {
        bundleURL = Fixtures.url("models/\(name)")
        referenceURL = Fixtures.url("models/\(references ?? name)/reference")
    }

    /// A reference tensor (`reference/<name>.npy`).
    func tensor(_ name: String) throws -> Tensor {
        try NPYArray(contentsOf: referenceURL.appendingPathComponent("\(name).npy")).tensor()
    }

    func beamCases() throws -> BeamFile {
        let decoder = JSONDecoder()
        decoder.keyDecodingStrategy = .convertFromSnakeCase
        return try decoder.decode(BeamFile.self, from: Data(contentsOf: referenceURL.appendingPathComponent("beam.json")))
    }
}

/// Compares with a tolerance relative to the reference's largest magnitude:
/// |a - b| <= tolerance * max|b| for every element.
func expectRelativelyClose(_ actual: Tensor, _ expected: Tensor, tolerance: Float = 1e-4, _ label: String,
                           sourceLocation: SourceLocation = #_sourceLocation) {
    #expect(actual.count == expected.count, "\(label): \(actual.shape) vs \(expected.shape)", sourceLocation: sourceLocation)
    let scale = expected.scalars.reduce(0) { max($0, abs($1)) }
    expectClose(actual.scalars, expected.scalars, relativeTolerance: 0, absoluteTolerance: tolerance * max(scale, 1e-6),
                label, sourceLocation: sourceLocation)
}

@Suite("Model parity with PyTorch")
struct ModelParityTests {
    static let models = ["plain", "batchnorm-tanh", "pooled-odd", "plain-float16", "plain-float64"]

    @Test("encoder output matches PyTorch", arguments: models)
    func encoder(name: String) throws {
        let reference = ReferenceModel(name, references: name == "plain-float64" ? "plain" : nil)
        let bundle = try ModelBundle(contentsOf: reference.bundleURL)
        let input = try reference.tensor("input")
        let annotations = bundle.encoder(input.reshaped([1] + input.shape))
        let expected = try reference.tensor("encoder_output")
        expectRelativelyClose(annotations.reshaped(expected.shape), expected, "\(name) encoder output")
    }

    @Test("initial state and first step match PyTorch", arguments: models)
    func firstStep(name: String) throws {
        let reference = ReferenceModel(name, references: name == "plain-float64" ? "plain" : nil)
        let bundle = try ModelBundle(contentsOf: reference.bundleURL)
        let annotations = try reference.tensor("encoder_output")
        let state = bundle.decoder.initialState(annotations: annotations)
        expectRelativelyClose(state.hidden.reshaped([state.hidden.count]), try reference.tensor("h0"), "\(name) h0")
        expectRelativelyClose(state.cell.reshaped([state.cell.count]), try reference.tensor("c0"), "\(name) c0")

        var session = bundle.decoder.session(annotations: annotations)
        session.reset()
        session.step(tokens: [bundle.vocabulary.startIndex])
        let (logProbabilities, alpha) = session.withStepOutputs { (Array($0), Array($1)) }
        expectRelativelyClose(Tensor(shape: [alpha.count], scalars: alpha), try reference.tensor("step1_alpha"), "\(name) step-1 alpha")
        expectRelativelyClose(Tensor(shape: [logProbabilities.count], scalars: logProbabilities),
                              try reference.tensor("step1_log_probs"), "\(name) step-1 log-probabilities")
    }

    @Test("beam search gives PyTorch's tokens and scores", arguments: models)
    func beamSearch(name: String) throws {
        let reference = ReferenceModel(name, references: name == "plain-float64" ? "plain" : nil)
        let captioner = try Captioner(modelAt: reference.bundleURL)
        let encoded = captioner.encode(normalizedBatch: try reference.tensor("input").reshaped([1, 3, captioner.bundle.configuration.encoder.inputSize, captioner.bundle.configuration.encoder.inputSize]))[0]
        let file = try reference.beamCases()
        #expect([encoded.gridHeight, encoded.gridWidth] == file.grid)
        for expected in file.cases {
            let caption = captioner.describe(encoded, options: DecodingOptions(beamSize: expected.beamSize, maxLength: expected.maxLength))
            let label = "\(name) beam \(expected.beamSize) max length \(expected.maxLength)"
            #expect(caption.tokens == expected.tokens, "\(label)")
            #expect(caption.tokenIndices == expected.tokenIds, "\(label)")
            #expect(abs(caption.score - expected.score) < 1e-3, "\(label): score \(caption.score) vs \(expected.score)")
            #expect(caption.finished == expected.finished, "\(label)")
            if let alphas = expected.alphas {
                #expect(caption.attention.count == caption.tokens.count)
                for (word, row) in zip(caption.attention, alphas) {
                    expectClose(word, row, relativeTolerance: 1e-3, absoluteTolerance: 1e-5, "\(label) attention")
                }
            }
        }
    }

    @Test("the .npz bundle gives the same captions as the directory")
    func archive() throws {
        let directory = try Captioner(modelAt: Fixtures.url("models/plain"))
        let archive = try Captioner(modelAt: Fixtures.url("models/plain.npz"))
        let input = try ReferenceModel("plain").tensor("input")
        let batch = input.reshaped([1] + input.shape)
        let options = DecodingOptions(beamSize: 3)
        // Bit for bit, so both run under the same thread settings (see ThreadSettings).
        let (fromDirectory, fromArchive) = ThreadSettings.exclusively {
            (directory.describe(directory.encode(normalizedBatch: batch)[0], options: options),
             archive.describe(archive.encode(normalizedBatch: batch)[0], options: options))
        }
        #expect(fromArchive == fromDirectory)
    }

    @Test("captioning the reference image file gives PyTorch's beam-3 caption", arguments: ["plain", "batchnorm-tanh", "pooled-odd"])
    func endToEnd(name: String) throws {
        let reference = ReferenceModel(name)
        let captioner = try Captioner(modelAt: reference.bundleURL)
        let caption = try captioner.caption(imageAt: reference.referenceURL.appendingPathComponent("image.png").path)
        let expected = try #require(try reference.beamCases().cases.first { $0.beamSize == 3 && $0.maxLength == 50 })
        #expect(caption.tokens == expected.tokens)
        #expect(abs(caption.score - expected.score) < 1e-3)
        #expect(caption.text == expected.tokens.joined(separator: " "))
    }

    @Test("a batch gives the same captions as one image at a time")
    func batch() throws {
        let captioner = try Captioner(modelAt: Fixtures.url("models/pooled-odd"))
        let images = try ["plain", "batchnorm-tanh", "pooled-odd"].map {
            try captioner.imageDecoder.decode(fileAt: ReferenceModel($0).referenceURL.appendingPathComponent("image.png").path)
        }
        // captions(_:) runs one image per thread with OpenBLAS at one thread meanwhile.
        let batch = try ThreadSettings.exclusively { try captioner.captions(images) }
        #expect(batch.count == 3)
        for (image, caption) in zip(images, batch) {
            let single = try captioner.caption(image)
            #expect(single.tokens == caption.tokens)
            #expect(abs(single.score - caption.score) < 1e-4)
        }
    }
}
