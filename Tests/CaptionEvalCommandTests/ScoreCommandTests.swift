import CaptionEval
import Foundation
import Testing

/// Runs the built `caption-eval` executable.
@Suite struct ScoreCommandTests {
    static func fixture(_ name: String) -> String {
        Repository.path("Fixtures/metrics/datasets/\(name)")
    }

    /// Runs `caption-eval` to its end.
    static func run(_ arguments: [String], environment: [String: String] = [:]) throws -> CommandRun {
        try CaptionEvalExecutable.run(arguments, environment: environment)
    }

    /// The toolkit's scores of the fixture's test images.
    static func toolkitScores() throws -> (corpus: [Double], images: [String: [Double]]) {
        let path = fixture("scores.json")
        let json = try JSONReader.parse(Array(try Data(contentsOf: URL(fileURLWithPath: path))), path: path)
        let corpus = try CaptionScores.metricNames.map { try #require(json["corpus"]?[$0]?.doubleValue) }
        var images: [String: [Double]] = [:]
        for (imageID, scores) in try #require(json["images"]?.objectMembers) {
            images[imageID] = try CaptionScores.metricNames.map { try #require(scores[$0]?.doubleValue) }
        }
        return (corpus, images)
    }

    /// The jar's METEOR of the fixture's test images (tools/make_meteor_fixtures.py).
    static func toolkitMETEOR() throws -> (corpus: Double, images: [String: Double]) {
        let path = Repository.path("Fixtures/metrics/meteor-datasets.json")
        let json = try JSONReader.parse(Array(try Data(contentsOf: URL(fileURLWithPath: path))), path: path)
        var images: [String: Double] = [:]
        for (imageID, score) in try #require(json["meteor"]?["images"]?.objectMembers) {
            images[imageID] = try #require(score.doubleValue)
        }
        return (try #require(json["meteor"]?["corpus"]?.doubleValue), images)
    }

    @Test(arguments: [
        ["--references", fixture("captions.json")],
        ["--references", fixture("dataset_karpathy.json"), "--split", "test"],
        ["--references", fixture("dataset_karpathy.json"), "--format", "karpathy", "--split-file", fixture("Flickr_8k.testImages.txt")],
    ])
    func printsTheToolkitsCorpusScores(references: [String]) throws {
        let run = try Self.run(["score", "--results", Self.fixture("results.json")] + references)
        #expect(run.status == 0, "\(run.standardError)")
        let expected = try Self.toolkitScores()
        for (name, value) in zip(CaptionScores.metricNames, expected.corpus) {
            let line = name.padding(toLength: 7, withPad: " ", startingAt: 0) + "  " + String(format: "%.4f", value)
            #expect(run.standardOutput.contains(line), "missing '\(line)' in:\n\(run.standardOutput)")
        }
        let meteor = "METEOR   " + String(format: "%.4f", try Self.toolkitMETEOR().corpus)
        #expect(run.standardOutput.contains(meteor), "missing '\(meteor)' in:\n\(run.standardOutput)")
        #expect(run.standardOutput.contains("SPICE    not computed"))
    }

    @Test func writesAReportWithEveryImagesScores() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("ScoreCommandTests-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let reportPath = folder.appendingPathComponent("report.json").path
        let run = try Self.run(["score", "--results", Self.fixture("results-string-ids.json"), "--references", Self.fixture("Flickr8k.token.txt"),
                                "--split", "test", "--report", reportPath])
        #expect(run.status == 0, "\(run.standardError)")
        let report = try JSONReader.parse(Array(try Data(contentsOf: URL(fileURLWithPath: reportPath))), path: reportPath)
        let expected = try Self.toolkitScores()
        let corpus = try CaptionScores.metricNames.map { try #require(report["corpus"]?[$0]?.doubleValue) }
        for (actual, wanted) in zip(corpus, expected.corpus) { #expect(abs(actual - wanted) <= 1e-6) }
        let images = try #require(report["images"]?.objectMembers)
        #expect(images.count == 4)
        for (name, scores) in images {
            // The report names images as the results file does: here by file name.
            let id = String(Int(name.dropFirst("COCO_val2014_".count).prefix(12)) ?? -1)
            let wanted = try #require(expected.images[id])
            for (metric, value) in zip(CaptionScores.metricNames, wanted) {
                #expect(abs((scores[metric]?.doubleValue ?? .nan) - value) <= 1e-6, "\(name) \(metric)")
            }
            let meteor = try #require(Self.toolkitMETEOR().images[id])
            #expect(abs((scores["METEOR"]?.doubleValue ?? .nan) - meteor) <= 1e-6, "\(name) METEOR")
        }
        #expect(abs((report["corpus"]?["METEOR"]?.doubleValue ?? .nan) - (try Self.toolkitMETEOR().corpus)) <= 1e-6)
        #expect(report["not_computed"] == .array([.string("SPICE")]))
        #expect(try FileManager.default.contentsOfDirectory(atPath: folder.path) == ["report.json"])
    }

    @Test func metricsChoosesASubset() throws {
        let folder = try ScratchFolder()
        let reportPath = folder.path("report.json")
        let run = try Self.run(["score", "--results", Self.fixture("results.json"), "--references", Self.fixture("captions.json"),
                                "--metrics", "bleu,cider", "--report", reportPath])
        #expect(run.status == 0, "\(run.standardError)")
        #expect(!run.standardOutput.contains("METEOR") && !run.standardOutput.contains("ROUGE_L"))
        let report = try JSONReader.parse(Array(try Data(contentsOf: URL(fileURLWithPath: reportPath))), path: reportPath)
        #expect(report["corpus"]?.objectMembers?.map(\.key) == ["Bleu_1", "Bleu_2", "Bleu_3", "Bleu_4", "CIDEr"])
        #expect(report["not_computed"] == .array([.string("METEOR"), .string("ROUGE_L"), .string("SPICE")]))
        let bad = try Self.run(["score", "--results", Self.fixture("results.json"), "--references", Self.fixture("captions.json"),
                                "--metrics", "bleu,spice"])
        #expect(bad.status == 64)
    }

    /// Without METEOR's data (and no way to fetch it), the other metrics are still scored.
    @Test func saysWhenMETEORsDataIsMissing() throws {
        let folder = try ScratchFolder()
        let reportPath = folder.path("report.json")
        let run = try Self.run(["score", "--results", Self.fixture("results.json"), "--references", Self.fixture("captions.json"),
                                "--report", reportPath],
                               environment: ["CAPTIONKIT_CACHE": folder.path("cache"), "PIP_INDEX_URL": "http://127.0.0.1:9/simple",
                                             "PIP_RETRIES": "0", "PIP_TIMEOUT": "2", "PIP_NO_CACHE_DIR": "1", "PIP_FIND_LINKS": ""])
        #expect(run.status == 0, "\(run.standardError)")
        #expect(run.standardOutput.contains("METEOR   not computed"))
        #expect(run.standardOutput.contains("CIDEr"))
        let notes = run.standardError.split(separator: "\n").filter { $0.contains("METEOR not computed") }
        #expect(notes.count == 1, "\(run.standardError)")
        let report = try JSONReader.parse(Array(try Data(contentsOf: URL(fileURLWithPath: reportPath))), path: reportPath)
        #expect(report["corpus"]?["METEOR"] == nil)
        #expect(report["not_computed"] == .array([.string("METEOR"), .string("SPICE")]))
    }

    /// Hash seeds differ between processes; the report must not depend on them.
    @Test func reportsAreIdenticalFromRunToRun() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("ScoreCommandTests-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let reports = try (0..<3).map { index -> Data in
            let path = folder.appendingPathComponent("report-\(index).json").path
            let run = try Self.run(["score", "--results", Self.fixture("results.json"), "--references", Self.fixture("dataset_karpathy.json"),
                                    "--report", path])
            #expect(run.status == 0, "\(run.standardError)")
            return try Data(contentsOf: URL(fileURLWithPath: path))
        }
        #expect(reports[1] == reports[0])
        #expect(reports[2] == reports[0])
    }

    @Test func notesReferenceImagesWithoutACandidate() throws {
        let run = try Self.run(["score", "--results", Self.fixture("results.json"), "--references", Self.fixture("captions.json")])
        #expect(run.status == 0)
        #expect(run.standardError.contains("4 of the 7 reference images have a candidate"))
    }

    @Test(arguments: [
        ("results-malformed.json", "results-malformed.json:3:23: malformed JSON: expected ',' or '}' in object, found '\"'"),
        ("results-duplicate.json", "results-duplicate.json: image 391895 appears twice (entries 1 and 3)"),
        ("results-unknown-image.json", "results-unknown-image.json: image 123 has no reference captions"),
        ("results-empty.json", "results-empty.json: the file is empty"),
        ("results-empty-array.json", "results-empty-array.json: no captions to score"),
        ("results-missing-caption.json", "results-missing-caption.json: entry 1: missing \"caption\""),
        ("no-such-results.json", "no-such-results.json: no such file"),
    ])
    func badInputGivesOneLineAndStatusOne(file: String, message: String) throws {
        let run = try Self.run(["score", "--results", Self.fixture(file), "--references", Self.fixture("captions.json")])
        #expect(run.status == 1)
        #expect(run.standardOutput.isEmpty)
        #expect(run.standardError == "caption-eval: \(Self.fixture(file).dropLast(file.count))\(message)\n")
    }

    @Test func anUnknownSplitIsABadInput() throws {
        let run = try Self.run(["score", "--results", Self.fixture("results.json"), "--references", Self.fixture("dataset_karpathy.json"), "--split", "dev"])
        #expect(run.status == 1)
        #expect(run.standardError.hasSuffix("dataset_karpathy.json: no images in split 'dev' (available: restval, test, train, val)\n"))
    }

    @Test(arguments: [
        ["score", "--results", "r.json"],
        ["score", "--results", "r.json", "--references", "x", "--format", "yaml"],
        ["score", "--unknown-option"],
        ["bogus"],
    ])
    func usageErrorsExitWith64(arguments: [String]) throws {
        let run = try Self.run(arguments)
        #expect(run.status == 64, "\(run.standardError)")
        #expect(!run.standardError.isEmpty)
    }

    @Test func helpShowsExamplesAndVersionPrints() throws {
        let help = try Self.run(["score", "--help"])
        #expect(help.status == 0)
        #expect(help.standardOutput.contains("Examples:"))
        #expect(help.standardOutput.contains("caption-eval score --results res.json --references dataset_coco.json \\\n      --split test --report report.json\n"))
        let version = try Self.run(["--version"])
        #expect(version.status == 0)
        #expect(version.standardOutput.hasPrefix("caption-eval "))
    }
}
