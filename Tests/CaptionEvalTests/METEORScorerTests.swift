@testable import CaptionEval
import Foundation
import Testing

/// METEOR against the COCO toolkit's jar (tools/make_meteor_fixtures.py): statistics
/// equal, scores to 1e-6, corpus and per image.
@Suite struct METEORScorerTests {
    /// One fixture: tokenized text, the jar's statistics, per-image and corpus METEOR.
    struct METEORSet {
        var imageIDs: [String] = []
        var tokenized: [(candidate: String, references: [String])] = []
        var statistics: [[Int]] = []
        var images: [Double] = []
        var corpus = 0.0

        init(_ file: String) throws {
            let json = try Fixtures.json(file)
            let text = try json["source"]?.stringValue.map { try Fixtures.json($0)["tokenized"] } ?? json["tokenized"]
            let meteor = try #require(json["meteor"])
            for (imageID, scoreValue) in try #require(meteor["images"]?.objectMembers) {
                imageIDs.append(imageID)
                tokenized.append((
                    try #require(text?["candidates"]?[imageID]?.stringValue),
                    try #require(text?["references"]?[imageID]?.arrayValue).map { try #require($0.stringValue) }))
                images.append(try #require(scoreValue.doubleValue))
                let line = try #require(meteor["statistics"]?[imageID]?.stringValue)
                statistics.append(try line.split(separator: " ").map { try #require(Double(String($0))).map(Int.init) ?? 0 })
            }
            corpus = try #require(meteor["corpus"]?.doubleValue)
        }
    }

    static let sets = ["meteor-stages.json", "meteor-coco.json", "meteor-varied-references.json",
                       "meteor-single-reference.json", "meteor-small.json", "meteor-datasets.json"]

    @Test(arguments: sets) func matchesTheJar(file: String) throws {
        try Self.expectJarScores(file, scorer: METEORTestData.scorer())
    }

    /// Through a METEOR cache built in a temporary folder by the first set and reused by the
    /// others: the same statistics as the jar's.
    @Test func matchesTheJarThroughACache() throws {
        let folder = try TemporaryFile.newFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let scorer = try METEORTestData.scorer(cache: METEORCache(folder: folder))
        var built: Date?
        for file in Self.sets {
            try Self.expectJarScores(file, scorer: scorer)
            let files = try FileManager.default.contentsOfDirectory(at: folder, includingPropertiesForKeys: [.contentModificationDateKey])
            #expect(files.count == 1 && files[0].lastPathComponent.hasPrefix("paraphrase-v1-"), "\(files)")
            let modified = try files.first?.resourceValues(forKeys: [.contentModificationDateKey]).contentModificationDate
            #expect(built == nil || modified == built, "\(file) built the cache again")
            built = modified
        }
    }

    /// `scorer`'s statistics for the set in `file` equal the jar's, scores within 1e-6.
    static func expectJarScores(_ file: String, scorer: METEORScorer) throws {
        let set = try METEORSet(file)
        let result = try scorer.score(set.tokenized)
        let differing = set.imageIDs.indices.filter { result.statistics[$0].values != set.statistics[$0] }
        #expect(differing.isEmpty, "\(file): \(differing.count) images with other statistics than the jar's; first: \(differing.prefix(3).map { "\(set.imageIDs[$0]) \(set.tokenized[$0]) ours \(result.statistics[$0].values) jar \(set.statistics[$0])" })")
        expectClose(result.images, set.images, labels: set.imageIDs, "\(file) per image")
        expectClose([result.corpus], [set.corpus], "\(file) corpus")
    }
}
