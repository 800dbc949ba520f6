import Foundation
@testable import CaptionEval
import Testing

/// METEOR's text handling against the jar: its `-norm` normaliser with Java lower-casing,
/// Snowball stems (libstemmer 2.2 against the jar's stemmer), and the line the toolkit sends.
@Suite struct METEORTextTests {
    @Test func normalizesLikeTheJar() throws {
        let normalizer = try METEORTestData.data.get().normalizer
        let entries = try #require(Fixtures.json("meteor-normalizer.json").arrayValue)
        var differing: [String] = []
        for entry in entries {
            let line = try #require(entry["line"]?.stringValue)
            let expected = try #require(entry["normalized"]?.stringValue)
            let actual = JavaText.lowercased(normalizer.normalize(line))
            if actual != expected { differing.append("\(line.debugDescription): ours \(actual.debugDescription), jar \(expected.debugDescription)") }
        }
        #expect(differing.isEmpty, "\(differing.count) of \(entries.count) lines differ; first: \(differing.prefix(5))")
    }

    /// Every word of the synonym and paraphrase vocabularies, with the jar's stem.
    @Test func stemsLikeTheJar() throws {
        let compressed = Array(try Data(contentsOf: URL(fileURLWithPath: Fixtures.path("meteor-stems.tsv.gz"))))
        let stemmer = try #require(SnowballStemmer())
        var count = 0
        var differing: [String] = []
        let failure = GzipLines.forEachLine(in: compressed) { line in
            guard !line.isEmpty else { return }
            let fields = String(decoding: line, as: UTF8.self).split(separator: "\t", omittingEmptySubsequences: false)
            count += 1
            let stem = stemmer.stem(String(fields[0]))
            if fields.count != 2 || stem != fields[1] { differing.append("\(fields[0]): ours \(stem), jar \(fields.dropFirst())") }
        }
        #expect(failure == nil)
        #expect(count == 168_515)
        #expect(differing.isEmpty, "\(differing.count) stems differ; first: \(differing.prefix(5))")
    }

    @Test func hashesLikeJava() {
        #expect(JavaText.hashCode("as") == JavaText.hashCode("c5"))
        #expect(JavaText.hashCode("hello") == 99_162_322)
        #expect(JavaText.hashCode("") == 0)
    }

    /// pycocoevalcap drops "|||" from the candidate; the jar splits references on it.
    @Test func splitsTheToolkitLine() {
        let (hypothesis, references) = METEORScorer.segment(candidate: "a ||| dog", references: ["a man ||| a woman", " x "])
        #expect(hypothesis == "a dog")
        #expect(references == ["a man", "a woman", "x"])
        let empty = METEORScorer.segment(candidate: "", references: ["a |||"])
        #expect(empty.hypothesis == "")
        #expect(empty.references == ["a", ""])
    }
}
