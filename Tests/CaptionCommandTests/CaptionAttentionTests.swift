import CaptionKit
import Foundation
import Testing

/// `--attention` and `--attention-dir`: PNG pictures with one panel per word.
@Suite struct CaptionAttentionTests {
    let model = ["--model", CommandFixtures.plainModel]

    /// The picture size docs/architecture.md gives for `words` (panels of 224, at most 5 per
    /// row, 8 pixels of margin, labels of 6 + 20 per line at 18 characters per line).
    func expectedSize(of words: [String]) -> (width: Int, height: Int) {
        let panels = words.count + 1
        let columns = min(5, panels)
        let rows = (panels + columns - 1) / columns
        var lines = 0
        var line = ""
        for word in words {
            if line.isEmpty {
                line = word
            } else if line.count + 1 + word.count <= 18 {
                line += " " + word
            } else {
                lines += 1
                line = word
            }
        }
        lines += 1
        return (8 + columns * (224 + 8), 8 + rows * (224 + 6 + lines * 20 + 8))
    }

    @Test func attentionPictureHasOnePanelPerWord() throws {
        let folder = try TemporaryFolder()
        let destination = folder.path("attention.png")
        let result = try CaptionExecutable.run(model + ["--attention", destination, CommandFixtures.jpegImage])
        #expect(result.status == 0)
        let caption = try CommandFixtures.libraryCaption(CommandFixtures.jpegImage)
        #expect(result.output == caption.text + "\n")
        let picture = try ImageDecoder().decode(fileAt: destination)
        let size = expectedSize(of: caption.tokens)
        #expect(caption.tokens.count >= 5)
        #expect(picture.width == size.width && picture.height == size.height, "\(picture.width) x \(picture.height)")
        // Nothing but the picture was written.
        #expect(try folder.contents() == ["attention.png"])
        // The first panel is the image resized to 224 x 224, unchanged.
        let resized = try ImageDecoder().decode(fileAt: CommandFixtures.jpegImage).resized(width: 224, height: 224)
        for (x, y) in [(0, 0), (100, 37), (223, 223)] {
            let source = (y * 224 + x) * 3
            let target = ((8 + y) * picture.width + 8 + x) * 3
            #expect(picture.pixels[target..<target + 3] == resized.pixels[source..<source + 3])
        }
    }

    @Test func attentionFolderGetsOnePicturePerImageNamedAfterIt() throws {
        let folder = try TemporaryFolder()
        let images = try TemporaryFolder()
        let first = try images.copy(CommandFixtures.plainImage, to: "scene.png")
        let second = try images.copy(CommandFixtures.jpegImage, to: "scene.jpg")
        let third = try images.copy(CommandFixtures.otherImage, to: "nested/other.png")
        let output = folder.path("pictures/new")
        let result = try CaptionExecutable.run(model + ["--attention-dir", output, first, second, third])
        #expect(result.status == 0)
        let names = try FileManager.default.contentsOfDirectory(atPath: output).sorted()
        #expect(names == ["other.attention.png", "scene-2.attention.png", "scene.attention.png"])
        for (name, image) in [("scene.attention.png", first), ("scene-2.attention.png", second), ("other.attention.png", third)] {
            let picture = try ImageDecoder().decode(fileAt: "\(output)/\(name)")
            let size = expectedSize(of: try CommandFixtures.libraryCaption(image).tokens)
            #expect(picture.width == size.width && picture.height == size.height, "\(name)")
        }
    }
}
