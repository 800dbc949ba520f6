@testable import CaptionEval
import Testing

/// The caption sets of tools/make_metric_fixtures.py, scored by the COCO toolkit.
@Suite struct CaptionEvaluatorTests {
    static let sets = ["set-coco.json", "set-varied-references.json", "set-single-reference.json", "set-small.json"]

    /// A fixture set: the inputs, the toolkit's tokenization and its scores.
    struct CaptionSet {
        var imageIDs: [String] = []
        var items: [CaptionEvaluator.Item] = []
        var tokenized: [(candidate: String, references: [String])] = []
        var corpus: [Double] = []
        var images: [[Double]] = []

        init(_ file: String) throws {
            let json = try Fixtures.json(file)
            let references = try #require(json["references"]?.objectMembers)
            for (imageID, captions) in references {
                imageIDs.append(imageID)
                items.append(CaptionEvaluator.Item(
                    imageID: imageID,
                    candidate: try #require(json["candidates"]?[imageID]?.stringValue),
                    references: try #require(captions.arrayValue).map { try #require($0.stringValue) }))
                tokenized.append((
                    try #require(json["tokenized"]?["candidates"]?[imageID]?.stringValue),
                    try #require(json["tokenized"]?["references"]?[imageID]?.arrayValue).map { try #require($0.stringValue) }))
                let scores = try #require(json["scores"]?["images"]?[imageID])
                images.append(try CaptionScores.metricNames.map { try #require(scores[$0]?.doubleValue) })
            }
            let corpusScores = try #require(json["scores"]?["corpus"])
            corpus = try CaptionScores.metricNames.map { try #require(corpusScores[$0]?.doubleValue) }
        }
    }

    @Test(arguments: sets) func tokenizesLikeTheToolkit(file: String) throws {
        let set = try CaptionSet(file)
        let tokenizer = PTBTokenizer()
        #expect(tokenizer.tokenize(set.items.map(\.candidate)) == set.tokenized.map(\.candidate))
        #expect(tokenizer.tokenize(set.items.flatMap(\.references)) == set.tokenized.flatMap(\.references))
    }

    /// Scores from the toolkit's own tokenized text: checks the metrics alone.
    @Test(arguments: sets) func scoresTokenizedTextLikeTheToolkit(file: String) throws {
        let set = try CaptionSet(file)
        let report = CaptionEvaluator().score(set.tokenized, imageIDs: set.imageIDs)
        expectClose(report.corpus.values, set.corpus, labels: CaptionScores.metricNames, "\(file) corpus")
        for (index, metric) in CaptionScores.metricNames.enumerated() {
            expectClose(report.images.map { $0.scores.values[index] }, set.images.map { $0[index] }, labels: set.imageIDs, "\(file) \(metric) per image")
        }
    }

    /// From raw captions to scores, as `caption-eval score` runs it.
    @Test(arguments: sets) func evaluatesRawCaptionsLikeTheToolkit(file: String) throws {
        let set = try CaptionSet(file)
        let report = CaptionEvaluator().evaluate(set.items)
        #expect(report.images.map(\.imageID) == set.imageIDs)
        expectClose(report.corpus.values, set.corpus, labels: CaptionScores.metricNames, "\(file) corpus")
        expectClose(report.images.flatMap(\.scores.values), set.images.flatMap { $0 }, "\(file) all per-image scores")
    }

    /// Hand-computed values: one image, candidate equal to its only reference.
    @Test func aPerfectCandidateScoresOneOnBLEUAndROUGE() {
        let report = CaptionEvaluator().evaluate([
            .init(imageID: "1", candidate: "a dog runs on the grass", references: ["A dog runs on the grass."]),
        ])
        expectClose(report.corpus.bleu, [1, 1, 1, 1], tolerance: 1e-8, "BLEU")
        #expect(abs(report.corpus.rougeL - 1) < 1e-12)
        // One image: log(1) = 0, every TF-IDF weight is 0, so CIDEr is 0.
        #expect(report.corpus.cider == 0)
    }

    @Test func rougeLUsesTheLongestCommonSubsequence() {
        #expect(ROUGEScorer.longestCommonSubsequence([1, 2, 3, 4, 5], [2, 9, 4, 5]) == 3)
        #expect(ROUGEScorer.longestCommonSubsequence([], [1]) == 0)
        // P = 3/4, R = 3/5: F = (1 + 1.44) P R / (R + 1.44 P).
        let expected = (2.44 * 0.75 * 0.6) / (0.6 + 1.44 * 0.75)
        #expect(abs(ROUGEScorer.score(candidate: [2, 9, 4, 5], references: [[1, 2, 3, 4, 5]]) - expected) < 1e-12)
    }

    @Test func bleuSplitsOnNoBreakSpacesAndROUGEDoesNot() {
        #expect(WordSplitting.onWhiteSpace("1\u{A0}1/2 cups").count == 3)
        #expect(WordSplitting.onSpaces("1\u{A0}1/2 cups").count == 2)
        #expect(WordSplitting.onSpaces("") == [""])
    }

    @Test func meanSumsPairwiseLikeNumPy() {
        let values = (0..<300).map { 1.0 / Double($0 + 1) }
        let plain = values.reduce(0, +) / 300
        #expect(abs(PairwiseSum.mean(values) - plain) < 1e-15)
        #expect(PairwiseSum.mean([1, 2, 3]) == 2)
    }
}
