import CaptionKit
import Foundation
import Testing

/// The one-step calls an app needs: bytes, a list of files with one result each, and the
/// rule that `<pad>` never shows in a caption.
@Suite struct CaptionerInputsTests {
    let model = Fixtures.url("models/plain")
    let image = Fixtures.url("models/plain/reference/image.png").path

    @Test func imageDataGivesTheSameCaptionAsTheFile() throws {
        let captioner = try Captioner(modelAt: model)
        let data = try Data(contentsOf: URL(fileURLWithPath: image))
        #expect(try captioner.caption(imageData: data) == captioner.caption(imageAt: image))
    }

    @Test func badImageDataNamesWhatTheCallerCalledIt() throws {
        let captioner = try Captioner(modelAt: model)
        #expect(throws: CaptionError.self) { try captioner.caption(imageData: Data("GIF89a".utf8), name: "upload-7") }
        do {
            _ = try captioner.caption(imageData: Data("GIF89a".utf8), name: "upload-7")
        } catch {
            #expect(error.localizedDescription.hasPrefix("upload-7: "), "\(error.localizedDescription)")
        }
    }

    @Test func filesGiveOneResultEachInOrder() throws {
        let captioner = try Captioner(modelAt: model)
        let other = Fixtures.url("models/batchnorm-tanh/reference/image.png").path
        let results = try captioner.captions(imagesAt: [image, "/nonexistent.jpg", other])
        #expect(results.count == 3)
        #expect(try results[0].get() == captioner.caption(imageAt: image))
        #expect(try results[2].get() == captioner.caption(imageAt: other))
        guard case let .failure(error) = results[1] else {
            Issue.record("a missing file was captioned")
            return
        }
        #expect(error.description.hasPrefix("/nonexistent.jpg: cannot read"), "\(error)")
    }

    @Test func invalidOptionsThrowBeforeAnyFileIsRead() throws {
        let captioner = try Captioner(modelAt: model)
        #expect(throws: CaptionError.invalidOptions(reason: "beam size must be at least 1, got 0")) {
            try captioner.captions(imagesAt: ["/nonexistent.jpg"], options: DecodingOptions(beamSize: 0))
        }
    }

    @Test func emptyPixelsThrowInsteadOfTrapping() throws {
        let captioner = try Captioner(modelAt: model)
        #expect(throws: CaptionError.self) { try captioner.caption(RGBImage(width: 0, height: 0, pixels: [])) }
    }

    @Test func padIsNeverInACaptionAndTheScoreIsKept() throws {
        try withTemporaryFolder { folder in
            // The plain model's greedy caption starts with "on"; name that index <pad>.
            let original = try Captioner(modelAt: model).caption(imageAt: image, options: DecodingOptions(beamSize: 1))
            try #require(original.tokens.first == "on")
            let padded = try Captioner(modelAt: plainModel(in: folder, swapping: "on", with: "<pad>"))
            let caption = try padded.caption(imageAt: image, options: DecodingOptions(beamSize: 1))
            #expect(!caption.tokens.contains("<pad>"))
            #expect(caption.tokens == original.tokens.filter { $0 != "on" })
            #expect(caption.attention.count == caption.tokens.count)
            #expect(caption.tokenIndices.count == caption.tokens.count)
            #expect(caption.score == original.score)
        }
    }
}
