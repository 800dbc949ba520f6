import Foundation
import Testing
import CaptionKit

/// The bundled model (weights/scenes) against the PyTorch reference on committed scenes:
/// `tools/make_bundled_fixtures.py` wrote Fixtures/scenes/bundled-captions.json with the
/// reference's beam-3 captions of example.png (the README's first command) and 20 test scenes.
@Suite("Bundled model parity with PyTorch")
struct BundledModelTests {
    static func references() throws -> ReferenceCaptionFile {
        try ReferenceCaptionFile.read(Fixtures.url("scenes/bundled-captions.json"))
    }

    @Test("weights/scenes captions the fixture scenes as PyTorch does")
    func captionsMatchPyTorch() throws {
        let references = try Self.references()
        #expect(references.captions.count == 21)
        let model = Fixtures.directory.deletingLastPathComponent().appendingPathComponent("weights/scenes")
        let captioner = try Captioner(modelAt: model)
        let options = DecodingOptions(beamSize: references.beamSize, maxLength: references.maxLength)
        for expected in references.captions {
            let caption = try captioner.caption(imageAt: Fixtures.url("scenes/" + expected.image).path, options: options)
            #expect(caption.tokens == expected.tokens, "\(expected.image)")
            #expect(abs(caption.score - expected.score) <= 1e-3, "\(expected.image): score \(caption.score) vs \(expected.score)")
            #expect(caption.finished == expected.finished, "\(expected.image)")
        }
    }
}
