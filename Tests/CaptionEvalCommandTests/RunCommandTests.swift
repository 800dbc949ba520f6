import CaptionEval
import CaptionKit
import Foundation
import Testing

/// Runs the built `caption-eval run` on small Karpathy datasets made from Fixtures/scenes with
/// the `plain` fixture model (random weights: the captions are nonsense, the mechanics are
/// what is checked) and compares with the library's captions.
@Suite struct RunCommandTests {
    static let model = Repository.path("Fixtures/models/plain")
    static let scenes = Repository.path("Fixtures/scenes")

    /// The fixture's image entries (Karpathy JSON objects with scene graphs).
    static let sceneEntries: [JSONValue] = {
        let path = scenes + "/dataset.json"
        let json = try? JSONReader.parse(Array((try? Data(contentsOf: URL(fileURLWithPath: path))) ?? Data()), path: path)
        return json?["images"]?.arrayValue ?? []
    }()

    /// Scene entry `index` with some members replaced (`filepath`, `filename`, `imgid`).
    static func entry(_ index: Int, replacing changes: [String: JSONValue] = [:]) -> JSONValue {
        guard case let .object(members) = sceneEntries[index] else { return .null }
        return .object(members.map { (key: $0.key, value: changes[$0.key] ?? $0.value) })
    }

    /// Writes a Karpathy dataset file holding `entries` into `folder` and returns its path.
    static func writeDataset(_ entries: [JSONValue], in folder: ScratchFolder, name: String = "dataset.json") throws -> String {
        let path = folder.path(name)
        try Data(JSONWriter.serialize(.object([("images", .array(entries))])).utf8).write(to: URL(fileURLWithPath: path))
        return path
    }

    /// The library's caption of an image with the run's default options (beam 3, at most 50).
    static func libraryCaption(_ path: String) throws -> String {
        try Captioner(modelAt: URL(fileURLWithPath: model)).caption(imageAt: path).text
    }

    /// The results file's entries as (image_id JSON value, caption).
    static func results(_ path: String) throws -> [(id: JSONValue, caption: String)] {
        let json = try JSONReader.parse(Array(try Data(contentsOf: URL(fileURLWithPath: path))), path: path)
        return try #require(json.arrayValue).map { entry in
            (try #require(entry["image_id"]), try #require(entry["caption"]?.stringValue))
        }
    }

    /// Lines of a text file.
    static func lines(_ path: String) throws -> [String] {
        try String(contentsOfFile: path, encoding: .utf8).split(separator: "\n").map(String.init)
    }

    static func run(_ dataset: String, images: String = scenes, out: String, _ extra: [String] = []) throws -> CommandRun {
        try CaptionEvalExecutable.run(["run", "--dataset", dataset, "--images", images, "--model", model, "--out", out] + extra)
    }

    @Test func writesResultsInDatasetOrderScoresThemAndReportsSceneTruth() throws {
        let folder = try ScratchFolder()
        let dataset = try Self.writeDataset((0..<6).map { Self.entry($0) }, in: folder)
        let run = try Self.run(dataset, out: folder.path("results.json"), ["--threads", "2", "--report", folder.path("report.json")])
        #expect(run.status == 0, "\(run.standardError)")
        let results = try Self.results(folder.path("results.json"))
        #expect(results.map(\.id) == (0..<6).map { JSONValue.integer($0) })
        let expected = try (0..<6).map { try Self.libraryCaption(Self.scenes + String(format: "/test_%06d.png", $0)) }
        #expect(results.map(\.caption) == expected)
        #expect(try folder.contents() == ["dataset.json", "report.json", "results.json"])
        #expect(run.standardOutput.contains("CIDEr "))
        #expect(run.standardOutput.contains("\nscene truth (6 images with a scene graph)\n"))
        #expect(run.standardError.contains("caption-eval: captioned 6 images in "))

        let report = try JSONReader.parse(Array(try Data(contentsOf: folder.url("report.json"))), path: "report.json")
        #expect(report.objectMembers?.map(\.key) == ["corpus", "scenes", "images", "not_computed"])
        let scenes = try #require(report["scenes"])
        for key in ["object_precision", "object_recall", "relation_accuracy", "entirely_true"] {
            #expect(scenes[key]?.doubleValue != nil, "scenes.\(key)")
        }
        #expect(scenes["images"] == .integer(6))
        #expect(report["images"]?.objectMembers?.map(\.key) == (0..<6).map(String.init))
        #expect(report["images"]?["0"]?["scene"]?["scene_objects"] == .integer(2))

        // `score` on the written results gives the same report, number for number.
        let rescored = try CaptionEvalExecutable.run(["score", "--results", folder.path("results.json"), "--references", dataset,
                                                      "--report", folder.path("rescored.json")])
        #expect(rescored.status == 0, "\(rescored.standardError)")
        #expect(rescored.standardOutput == run.standardOutput)
        let again = try JSONReader.parse(Array(try Data(contentsOf: folder.url("rescored.json"))), path: "rescored.json")
        #expect(again == report)
    }

    @Test func followsKarpathyFilepathSubfoldersAndKeepsStringIDs() throws {
        let folder = try ScratchFolder()
        let images = folder.url("images")
        for (index, subfolder) in [(3, "val2014"), (4, "nested/deeper")] {
            try FileManager.default.createDirectory(at: images.appendingPathComponent(subfolder), withIntermediateDirectories: true)
            try FileManager.default.copyItem(atPath: Self.scenes + String(format: "/test_%06d.png", index),
                                             toPath: images.appendingPathComponent("\(subfolder)/picture.png").path)
        }
        let dataset = try Self.writeDataset([
            Self.entry(3, replacing: ["filepath": .string("val2014"), "filename": .string("picture.png"), "imgid": .string("first")]),
            Self.entry(4, replacing: ["filepath": .string("nested/deeper"), "filename": .string("picture.png"), "imgid": .string("007")]),
        ], in: folder)
        let run = try Self.run(dataset, images: images.path, out: folder.path("results.json"))
        #expect(run.status == 0, "\(run.standardError)")
        let results = try Self.results(folder.path("results.json"))
        // Text ids stay text, "007" included (an integer would lose its zeros).
        #expect(results.map(\.id) == [.string("first"), .string("007")])
        #expect(results.map(\.caption) == [try Self.libraryCaption(images.path + "/val2014/picture.png"),
                                           try Self.libraryCaption(images.path + "/nested/deeper/picture.png")])
    }

    @Test func resumesFromATornJournalWithoutCaptioningAgain() throws {
        let folder = try ScratchFolder()
        let dataset = try Self.writeDataset((0..<4).map { Self.entry($0) }, in: folder)
        let out = folder.path("results.json")
        // What a run killed while writing its third line leaves: settings, image 0, half of image 1.
        // Image 0's caption is one the model never writes, so a fresh caption would show.
        let modelPath = URL(fileURLWithPath: Self.model).standardizedFileURL.path
        try Data("""
            {"journal":"caption-eval run","model":"\(modelPath)","beam_size":3,"max_length":50}
            {"image_id":"0","caption":"journaled before the interruption"}
            {"image_id":"1","capt
            """.utf8).write(to: URL(fileURLWithPath: out + ".partial"))

        let refused = try Self.run(dataset, out: out)
        #expect(refused.status == 1)
        #expect(refused.standardError.contains("results.json.partial: journal: an earlier run was interrupted here: add --resume"), "\(refused.standardError)")

        // Resume part of the way (--limit keeps the journal), so the journal can be read back:
        // the torn line is gone and the new lines start on lines of their own.
        let partly = try Self.run(dataset, out: out, ["--resume", "--limit", "3"])
        #expect(partly.status == 0, "\(partly.standardError)")
        #expect(partly.standardError.contains("resuming: 1 of 3 images are already captioned in \(out).partial"), "\(partly.standardError)")
        #expect(partly.standardError.contains("captioned 2 images in "))
        #expect(partly.standardError.contains(", 1 more from the journal"))
        let journal = try Self.lines(out + ".partial").map { try JSONReader.parse(Array($0.utf8), path: "journal") }
        #expect(journal.dropFirst().map { $0["image_id"] } == ["0", "1", "2"].map { JSONValue.string($0) })

        let resumed = try Self.run(dataset, out: out, ["--resume"])
        #expect(resumed.status == 0, "\(resumed.standardError)")
        #expect(resumed.standardError.contains("resuming: 3 of 4 images are already captioned"), "\(resumed.standardError)")
        #expect(resumed.standardError.contains("captioned 1 image in "))
        let results = try Self.results(out)
        #expect(results.map(\.id) == (0..<4).map { JSONValue.integer($0) })
        #expect(results[0].caption == "journaled before the interruption")
        #expect(results[1].caption == (try Self.libraryCaption(Self.scenes + "/test_000001.png")))
        #expect(try folder.contents() == ["dataset.json", "results.json"])
    }

    @Test func aLimitedRunKeepsItsJournalForResume() throws {
        let folder = try ScratchFolder()
        let dataset = try Self.writeDataset((0..<5).map { Self.entry($0) }, in: folder)
        let out = folder.path("results.json")
        let first = try Self.run(dataset, out: out, ["--limit", "2"])
        #expect(first.status == 0, "\(first.standardError)")
        #expect(try Self.results(out).map(\.id) == [.integer(0), .integer(1)])
        #expect(first.standardError.contains("the first 2 of 5 images (--limit)"))
        #expect(try Self.lines(out + ".partial").count == 3)

        let otherSettings = try Self.run(dataset, out: out, ["--resume", "--beam-size", "1"])
        #expect(otherSettings.status == 1)
        #expect(otherSettings.standardError.contains("line 1: written with beam_size 3, this run has 1"), "\(otherSettings.standardError)")

        let rest = try Self.run(dataset, out: out, ["--resume"])
        #expect(rest.status == 0, "\(rest.standardError)")
        #expect(rest.standardError.contains("captioned 3 images in "))
        #expect(rest.standardError.contains(", 2 more from the journal"))
        #expect(try Self.results(out).map(\.id) == (0..<5).map { JSONValue.integer($0) })
        #expect(!FileManager.default.fileExists(atPath: out + ".partial"))
    }

    @Test func aMissingImageIsReportedCountedAndRetriedOnResume() throws {
        let folder = try ScratchFolder()
        try FileManager.default.createDirectory(at: folder.url("images"), withIntermediateDirectories: true)
        for index in [0, 2] {
            let name = String(format: "test_%06d.png", index)
            try FileManager.default.copyItem(atPath: Self.scenes + "/" + name, toPath: folder.path("images/" + name))
        }
        let dataset = try Self.writeDataset((0..<3).map { Self.entry($0) }, in: folder)
        let out = folder.path("results.json")
        let missing = folder.path("images/test_000001.png")
        let run = try Self.run(dataset, images: folder.path("images"), out: out)
        #expect(run.status == 1)
        #expect(run.standardError.contains("caption-eval: \(missing): cannot read: "), "\(run.standardError)")
        #expect(run.standardError.contains("captioned 2 images in ") && run.standardError.contains(", 1 failed"))
        #expect(run.standardError.contains("results.json: 2 of 3 images; \(out).partial is kept"))
        #expect(try Self.results(out).map(\.id) == [.integer(0), .integer(2)])
        #expect(run.standardOutput.contains("(2 images)"))

        try FileManager.default.copyItem(atPath: Self.scenes + "/test_000001.png", toPath: missing)
        let retried = try Self.run(dataset, images: folder.path("images"), out: out, ["--resume"])
        #expect(retried.status == 0, "\(retried.standardError)")
        #expect(retried.standardError.contains("captioned 1 image in "))
        #expect(try Self.results(out).map(\.id) == (0..<3).map { JSONValue.integer($0) })
    }

    @Test func theResultsFileIsReplacedByRenamingNotRewritten() throws {
        let folder = try ScratchFolder()
        let dataset = try Self.writeDataset([Self.entry(0)], in: folder)
        let out = folder.path("results.json")
        try Data("old results\n".utf8).write(to: URL(fileURLWithPath: out))
        try FileManager.default.linkItem(atPath: out, toPath: folder.path("old-link.json"))
        let run = try Self.run(dataset, out: out)
        #expect(run.status == 0, "\(run.standardError)")
        // A new file took the name; the old inode (still reachable by the link) is untouched.
        #expect(try String(contentsOfFile: folder.path("old-link.json"), encoding: .utf8) == "old results\n")
        #expect(try Self.results(out).count == 1)
        #expect(try folder.contents() == ["dataset.json", "old-link.json", "results.json"])
    }

    @Test func anInterruptedRunLeavesAJournalThatResumeCompletes() throws {
        let folder = try ScratchFolder()
        let count = 200
        let dataset = try Self.writeDataset((0..<count).map { Self.entry($0 % 100, replacing: ["imgid": .integer($0)]) }, in: folder)
        let out = folder.path("results.json")
        let started = try CaptionEvalExecutable.start(["run", "--dataset", dataset, "--images", Self.scenes, "--model", Self.model,
                                                       "--out", out, "--threads", "1"])
        // Wait for a few journaled captions, then interrupt as Ctrl-C would.
        let deadline = Date().addingTimeInterval(120)
        while started.process.isRunning && Date() < deadline && ((try? Self.lines(out + ".partial").count) ?? 0) < 4 {
            usleep(2_000)
        }
        kill(started.process.processIdentifier, SIGINT)
        let interrupted = try started.finish()
        #expect(interrupted.status == 130, "\(interrupted.standardError)")
        #expect(interrupted.standardError.contains("caption-eval: interrupted; the captions so far are in \(out).partial: run again with --resume"))
        let journaled = try Self.lines(out + ".partial").count - 1
        #expect(journaled >= 3 && journaled < count)
        #expect(!FileManager.default.fileExists(atPath: out))

        let resumed = try Self.run(dataset, out: out, ["--resume"])
        #expect(resumed.status == 0, "\(resumed.standardError)")
        #expect(resumed.standardError.contains("resuming: \(journaled) of \(count) images are already captioned"), "\(resumed.standardError)")
        #expect(resumed.standardError.contains("captioned \(count - journaled) images in "))
        #expect(try Self.results(out).map(\.id) == (0..<count).map { JSONValue.integer($0) })
    }

    @Test(arguments: [
        ["run", "--dataset", "d.json", "--images", "."],
        ["run", "--dataset", "d.json", "--images", ".", "--out", "r.json", "--beam-size", "0"],
        ["run", "--dataset", "d.json", "--images", ".", "--out", "r.json", "--threads", "0"],
        ["run", "--dataset", "d.json", "--images", ".", "--out", "r.json", "--limit", "0"],
    ])
    func usageErrorsExitWith64(arguments: [String]) throws {
        let run = try CaptionEvalExecutable.run(arguments)
        #expect(run.status == 64, "\(run.standardError)")
    }

    @Test func badInputIsOneLineAndStatusOne() throws {
        let folder = try ScratchFolder()
        let dataset = try Self.writeDataset([Self.entry(0)], in: folder)
        let noDataset = try CaptionEvalExecutable.run(["run", "--dataset", folder.path("none.json"), "--images", ".", "--model", Self.model,
                                                       "--out", folder.path("r.json")])
        #expect(noDataset.status == 1)
        #expect(noDataset.standardError == "caption-eval: \(folder.path("none.json")): no such file\n")
        let noModel = try CaptionEvalExecutable.run(["run", "--dataset", dataset, "--images", ".", "--model", folder.path("no-model"),
                                                     "--out", folder.path("r.json")])
        #expect(noModel.status == 1)
        #expect(noModel.standardError.hasPrefix("caption-eval: \(folder.path("no-model"))"), "\(noModel.standardError)")
        #expect(try folder.contents() == ["dataset.json"])
    }
}
