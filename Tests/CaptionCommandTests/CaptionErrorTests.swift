import Foundation
import Testing

/// Failures: one line `caption: ...` on standard error each, the other images still
/// captioned, exit status 1 (64 for usage errors).
@Suite struct CaptionErrorTests {
    let model = ["--model", CommandFixtures.plainModel]

    @Test func missingAndBrokenImagesAreReportedAndTheOthersStillCaptioned() throws {
        let folder = try TemporaryFolder()
        let missing = folder.path("missing.png")
        let broken = CommandFixtures.path("images/malformed_text.jpg")
        let truncated = CommandFixtures.path("images/malformed_zlib.png")
        let images = [missing, CommandFixtures.plainImage, broken, truncated, folder.url.path, CommandFixtures.jpegImage]
        let result = try CaptionExecutable.run(model + images)
        #expect(result.status == 1)
        let caption = try CommandFixtures.libraryCaption(CommandFixtures.plainImage).text
        let jpegCaption = try CommandFixtures.libraryCaption(CommandFixtures.jpegImage).text
        #expect(result.outputLines == ["\(CommandFixtures.plainImage)\t\(caption)", "\(CommandFixtures.jpegImage)\t\(jpegCaption)"])
        let lines = result.errorLines
        try #require(lines.count == 4, "\(lines)")
        #expect(lines[0] == "caption: \(missing): cannot read: No such file or directory")
        #expect(lines[1].hasPrefix("caption: \(broken): not a usable image: not a JPEG or PNG file"))
        #expect(lines[2].hasPrefix("caption: \(truncated): not a usable image: "))
        #expect(lines[3].hasPrefix("caption: \(folder.url.path): no JPEG or PNG images in this folder"))
    }

    @Test func aSingleMissingImageFails() throws {
        let result = try CaptionExecutable.run(model + ["/nonexistent/photo.jpg"])
        #expect(result.status == 1)
        #expect(result.output.isEmpty)
        #expect(result.errorLines == ["caption: /nonexistent/photo.jpg: cannot read: No such file or directory"])
    }

    @Test func badModelDirectoriesFailWithOneLine() throws {
        let missing = try CaptionExecutable.run(["--model", "/nonexistent/model", CommandFixtures.plainImage])
        #expect(missing.status == 1)
        #expect(missing.output.isEmpty)
        #expect(missing.errorLines.count == 1)
        #expect(missing.errorLines.first?.hasPrefix("caption: /nonexistent/model") == true)

        let folder = try TemporaryFolder()
        let broken = folder.url.appendingPathComponent("model")
        try FileManager.default.copyItem(atPath: CommandFixtures.plainModel, toPath: broken.path)
        try FileManager.default.removeItem(at: broken.appendingPathComponent("decoder.fc.bias.npy"))
        try FileManager.default.removeItem(at: broken.appendingPathComponent("reference"))
        let incomplete = try CaptionExecutable.run(["--model", broken.path, CommandFixtures.plainImage])
        #expect(incomplete.status == 1)
        #expect(incomplete.output.isEmpty)
        #expect(incomplete.errorLines.count == 1)
        #expect(incomplete.error.contains("missing tensor 'decoder.fc.bias'"), "\(incomplete.error)")
        #expect(incomplete.error.hasPrefix("caption: \(broken.path)"))
    }

    @Test(arguments: [
        (["--beam-size", "0"], "beam size must be at least 1, got 0"),
        (["--beam-size", "three"], "three"),
        (["--max-length", "0"], "max length must be at least 1, got 0"),
        (["--n-best", "4"], "n-best (4) cannot exceed the beam size (3)"),
        (["--n-best", "0"], "n-best must be at least 1, got 0"),
        (["--length-penalty", "long"], "long"),
        (["--length-penalty", "wu:-1"], "length penalty alpha must not be negative, got -1.0"),
        (["--length-penalty", "wu:nan"], "length penalty alpha must be a finite number"),
        (["--beam-size", "-1"], "beam size must be at least 1, got -1"),
        (["--max-length", "-5"], "max length must be at least 1, got -5"),
        (["--n-best", "-2"], "n-best must be at least 1, got -2"),
        (["--threads", "-1"], "--threads must be at least 1, got -1"),
        (["--threads", "0"], "--threads must be at least 1, got 0"),
        (["--frobnicate"], "--frobnicate"),
        (["--attention", "a.png", "--attention-dir", "out"], "--attention and --attention-dir cannot be used together"),
    ])
    func badOptionValuesAreUsageErrors(_ options: [String], _ message: String) throws {
        let result = try CaptionExecutable.run(model + options + [CommandFixtures.plainImage])
        #expect(result.status == 64)
        #expect(result.output.isEmpty)
        #expect(result.errorLines.count == 1, "\(result.error)")
        #expect(result.error.hasPrefix("caption: ") && result.error.contains(message), "\(result.error)")
    }

    @Test func noImageOrAttentionForSeveralImagesAreUsageErrors() throws {
        let none = try CaptionExecutable.run(model)
        #expect(none.status == 64)
        #expect(none.errorLines.count == 1 && none.error.contains("no image given"))
        for images in [[CommandFixtures.plainImage, CommandFixtures.jpegImage], ["-"], [CommandFixtures.path("images")]] {
            let several = try CaptionExecutable.run(model + ["--attention", "out.png"] + images)
            #expect(several.status == 64, "\(images)")
            #expect(several.errorLines.count == 1 && several.error.contains("use --attention-dir DIR for several"))
        }
    }

    @Test func unwritableAttentionPictureFailsAndLeavesNothingBehind() throws {
        let folder = try TemporaryFolder()
        try Data("a file, not a folder".utf8).write(to: folder.url.appendingPathComponent("file"))
        let destination = folder.path("file/out.png")
        let result = try CaptionExecutable.run(model + ["--attention", destination, CommandFixtures.plainImage])
        #expect(result.status == 1)
        // The caption itself was made and is printed.
        #expect(result.output == (try CommandFixtures.libraryCaption(CommandFixtures.plainImage).text) + "\n")
        #expect(result.errorLines.count == 1)
        #expect(result.error.hasPrefix("caption: \(destination): cannot write: "), "\(result.error)")
        #expect(try folder.contents() == ["file"])
    }

    @Test func unusableAttentionFolderFailsBeforeCaptioning() throws {
        let folder = try TemporaryFolder()
        try Data("a file, not a folder".utf8).write(to: folder.url.appendingPathComponent("file"))
        let result = try CaptionExecutable.run(model + ["--attention-dir", folder.path("file/pictures"), CommandFixtures.plainImage])
        #expect(result.status == 1)
        #expect(result.output.isEmpty)
        #expect(result.errorLines.count == 1)
        #expect(result.error.hasPrefix("caption: \(folder.path("file/pictures")): cannot create the attention folder: \(folder.path("file")) is not a folder"), "\(result.error)")
    }
}
