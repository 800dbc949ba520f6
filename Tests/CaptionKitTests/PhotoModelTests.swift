import Foundation
import Testing
import CaptionKit

/// The default photo model (weights/default) against the PyTorch reference:
/// `tools/make_photo_fixtures.py` wrote Fixtures/photos/default-captions.json with the
/// reference's beam-3 captions of the committed photos and of eight Flickr8k development
/// photos. Those photos may not be redistributed: they are read from the dataset folder
/// beside the checkout (`../shared/datasets/flickr8k`, or `$CAPTIONKIT_FLICKR8K`), and
/// their test runs only where it is.
@Suite("Photo model parity with PyTorch")
struct PhotoModelTests {
    static let references = try? ReferenceCaptionFile.read(Fixtures.url("photos/default-captions.json"))

    static let flickr8kImages: URL = {
        if let folder = ProcessInfo.processInfo.environment["CAPTIONKIT_FLICKR8K"] {
            return URL(fileURLWithPath: folder).appendingPathComponent("images")
        }
        return Fixtures.directory.deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("shared/datasets/flickr8k/images")
    }()

    static var flickr8kPresent: Bool {
        FileManager.default.fileExists(atPath: flickr8kImages.path)
    }

    func expectReferenceCaptions(from source: String, in folder: URL) throws {
        let references = try #require(Self.references, "Fixtures/photos/default-captions.json is unreadable")
        let expected = references.captions.filter { $0.source == source }
        #expect(!expected.isEmpty)
        let model = Fixtures.directory.deletingLastPathComponent().appendingPathComponent("weights/default")
        let captioner = try Captioner(modelAt: model)
        let options = DecodingOptions(beamSize: references.beamSize, maxLength: references.maxLength)
        for reference in expected {
            let caption = try captioner.caption(imageAt: folder.appendingPathComponent(reference.image).path, options: options)
            #expect(caption.tokens == reference.tokens, "\(reference.image)")
            #expect(abs(caption.score - reference.score) <= 1e-3, "\(reference.image): score \(caption.score) vs \(reference.score)")
            #expect(caption.finished == reference.finished, "\(reference.image)")
        }
    }

    @Test("weights/default captions the committed photos as PyTorch does")
    func committedPhotosMatchPyTorch() throws {
        try expectReferenceCaptions(from: "fixtures", in: Fixtures.url("photos"))
    }

    @Test("weights/default captions Flickr8k development photos as PyTorch does",
          .enabled(if: PhotoModelTests.flickr8kPresent, "the Flickr8k folder is not beside the checkout"))
    func developmentPhotosMatchPyTorch() throws {
        try expectReferenceCaptions(from: "flickr8k", in: Self.flickr8kImages)
    }
}
