import Foundation
import Testing

/// What `caption-eval` says when the input is wrong: one line each, naming what to fix.
@Suite struct CaptionEvalMessagesTests {
    static func fixture(_ name: String) -> String {
        Repository.path("Fixtures/metrics/datasets/\(name)")
    }

    @Test func missingImagesFolderIsOneMessageAndWritesNothing() throws {
        let folder = try ScratchFolder()
        let out = folder.path("results.json")
        let run = try CaptionEvalExecutable.run([
            "run", "--dataset", Repository.path("Fixtures/scenes/dataset.json"), "--images", "/nowhere",
            "--model", Repository.path("Fixtures/models/plain"), "--out", out,
        ])
        #expect(run.status == 1)
        #expect(run.standardError == "caption-eval: /nowhere: cannot read: the --images folder: No such file or directory\n")
        #expect(try FileManager.default.contentsOfDirectory(atPath: folder.root.path).isEmpty)
    }

    @Test func imagesOfAnotherSplitAreSaidToBeOutsideTheSplit() throws {
        let run = try CaptionEvalExecutable.run([
            "score", "--results", Self.fixture("results.json"), "--references", Self.fixture("dataset_karpathy.json"),
            "--split", "val",
        ])
        #expect(run.status == 1)
        #expect(run.standardError == "caption-eval: \(Self.fixture("results.json")): image 391895 has no reference captions "
            + "in split 'val' of \(Self.fixture("dataset_karpathy.json")) (were the results made from another split?)\n")
    }

    @Test(arguments: [
        (["run", "--dataset", "d.json", "--images", "."], "caption-eval run --help"),
        (["score", "--results", "r.json"], "caption-eval score --help"),
        (["score", "--results", "r.json", "--references", "d.json", "--frobnicate"], "caption-eval score --help"),
        (["frobnicate"], "caption-eval --help"),
    ])
    func usageErrorsAreOneLineLikeTheCaptionCommands(arguments: [String], help: String) throws {
        let run = try CaptionEvalExecutable.run(arguments)
        #expect(run.status == 64)
        #expect(run.standardOutput.isEmpty)
        #expect(run.standardError.hasPrefix("caption-eval: "), "\(run.standardError)")
        #expect(run.standardError.hasSuffix(" (see '\(help)')\n"), "\(run.standardError)")
        #expect(run.standardError.split(separator: "\n").count == 1, "\(run.standardError)")
    }
}
