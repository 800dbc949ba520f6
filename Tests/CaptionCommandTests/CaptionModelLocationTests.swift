import CaptionKit
import Foundation
import Testing

/// Where the model comes from: --model, CAPTIONKIT_MODEL, ./weights/default, then
/// weights/default in the package the executable lives in.
@Suite struct CaptionModelLocationTests {
    /// The fixture models give different captions for the plain image, which tells them apart.
    let image = CommandFixtures.plainImage
    let otherModel = CommandFixtures.path("models/pooled-odd")

    func captions() throws -> (plain: String, other: String) {
        let plain = try CommandFixtures.libraryCaption(image).text
        let other = try CommandFixtures.libraryCaption(image, model: otherModel).text
        try #require(plain != other)
        return (plain, other)
    }

    /// A folder holding `weights/default` as a copy of `model`.
    func checkout(with model: String?) throws -> TemporaryFolder {
        let folder = try TemporaryFolder()
        if let model {
            try FileManager.default.createDirectory(at: folder.url.appendingPathComponent("weights"), withIntermediateDirectories: true)
            try FileManager.default.copyItem(atPath: model, toPath: folder.path("weights/default"))
        }
        return folder
    }

    func environment(model: String?) -> [String: String] {
        var environment = CaptionExecutable.cleanEnvironment
        environment["CAPTIONKIT_MODEL"] = model
        return environment
    }

    @Test func environmentVariableNamesTheModel() throws {
        let expected = try captions()
        let result = try CaptionExecutable.run([image], environment: environment(model: otherModel))
        #expect(result.status == 0)
        #expect(result.output == expected.other + "\n")
    }

    @Test func modelOptionWinsOverTheEnvironment() throws {
        let expected = try captions()
        let result = try CaptionExecutable.run(["--model", CommandFixtures.plainModel, image],
                                               environment: environment(model: "/nonexistent/model"))
        #expect(result.status == 0)
        #expect(result.output == expected.plain + "\n")
    }

    @Test func workingDirectoryDefaultAndItsPrecedence() throws {
        let expected = try captions()
        let directory = try checkout(with: otherModel)
        let local = try CaptionExecutable.run([image], directory: directory.url)
        #expect(local.status == 0)
        #expect(local.output == expected.other + "\n")
        let overridden = try CaptionExecutable.run([image], environment: environment(model: CommandFixtures.plainModel),
                                                   directory: directory.url)
        #expect(overridden.output == expected.plain + "\n")
    }

    @Test func modelBesideTheExecutablesPackageIsFoundFromAnywhere() throws {
        let expected = try captions()
        // A package layout: <root>/weights/default and the executable in <root>/.build/debug.
        let package = try checkout(with: otherModel)
        let executable = package.url.appendingPathComponent(".build/debug/caption")
        try FileManager.default.createDirectory(at: executable.deletingLastPathComponent(), withIntermediateDirectories: true)
        try placeExecutable(at: executable)
        // Run through a symbolic link elsewhere: the real path is what counts.
        let elsewhere = try TemporaryFolder()
        let link = elsewhere.url.appendingPathComponent("caption")
        try FileManager.default.createSymbolicLink(at: link, withDestinationURL: executable)
        let result = try CaptionExecutable.run([image], directory: elsewhere.url, executable: link)
        #expect(result.status == 0, "\(result.error)")
        #expect(result.output == expected.other + "\n")
    }

    @Test func noModelAnywhereIsOneClearError() throws {
        let package = try checkout(with: nil)
        let executable = package.url.appendingPathComponent("bin/caption")
        try FileManager.default.createDirectory(at: executable.deletingLastPathComponent(), withIntermediateDirectories: true)
        try placeExecutable(at: executable)
        let result = try CaptionExecutable.run([image], directory: package.url, executable: executable)
        #expect(result.status == 1)
        #expect(result.output.isEmpty)
        #expect(result.errorLines.count == 1)
        #expect(result.error.hasPrefix("caption: no model found: pass --model DIR, set CAPTIONKIT_MODEL"), "\(result.error)")
    }

    /// Puts the built executable at `destination` as a hard link where the file system allows
    /// it. A copy would hold a file open for writing, and a test process that forks while the
    /// copy is in progress lets that descriptor leak into a child, so running the copy can
    /// fail with "Text file busy" (ETXTBSY); a link writes nothing.
    private func placeExecutable(at destination: URL) throws {
        do {
            try FileManager.default.linkItem(at: CaptionExecutable.url, to: destination)
        } catch {
            try FileManager.default.copyItem(at: CaptionExecutable.url, to: destination)
        }
    }
}
