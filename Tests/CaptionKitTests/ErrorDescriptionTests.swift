import CaptionKit
import Foundation
import Testing

/// `error.localizedDescription` is the error's own one-line message, not Foundation's
/// "The operation could not be completed. (CaptionKit.CaptionError error 10.)".
@Suite struct ErrorDescriptionTests {
    @Test func localizedDescriptionIsTheOneLineMessage() {
        let errors: [CaptionError] = [
            .invalidOptions(reason: "beam size must be at least 1, got 0"),
            .unreadableFile(path: "photo.jpg", reason: "No such file or directory"),
            .tensorShapeMismatch(bundle: "weights/x", key: "decoder.fc.weight", expected: [3, 4], actual: [4, 3]),
        ]
        for error in errors {
            #expect(error.localizedDescription == error.description)
            #expect((error as any Error).localizedDescription == error.description)
        }
        #expect((CaptionError.invalidOptions(reason: "x") as any Error).localizedDescription == "invalid options: x")
    }

    @Test func thrownByTheLibraryReadsTheSame() {
        do {
            _ = try Captioner(modelAt: URL(fileURLWithPath: "/nonexistent/model"))
            Issue.record("loading a missing model succeeded")
        } catch {
            #expect(error.localizedDescription.hasPrefix("/nonexistent/model: "), "\(error.localizedDescription)")
        }
    }
}
