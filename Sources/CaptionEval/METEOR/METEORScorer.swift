import Foundation

/// METEOR 1.5 exactly as the COCO caption toolkit computes it (`meteor-1.5.jar -l en -norm`,
/// driven by pycocoevalcap's `Meteor`), natively: each image's candidate is scored against
/// each of its references (normalised, lower-cased, matched by the exact, stem, synonym and
/// paraphrase stages, aligned by the jar's beam search); the reference with the highest score
/// gives the image's statistics and score; the corpus score comes from the summed statistics.
public struct METEORScorer: Sendable {
    private let data: METEORData
    private let cache: METEORCache?

    /// A scorer over `data`. With a `cache`, the paraphrase table is looked up in its file
    /// (built on first use); without one, the whole table is read from the wheel on every
    /// `score` call.
    public init(data: METEORData, cache: METEORCache? = nil) {
        self.data = data
        self.cache = cache
    }

    /// The scores of one evaluation.
    public struct Result: Sendable {
        /// The corpus METEOR (from the summed statistics, as the jar's `EVAL`).
        public var corpus: Double
        /// Each image's METEOR, in input order.
        public var images: [Double]
        /// Each image's statistics (those of its best reference), in input order.
        public var statistics: [METEORStatistics]
    }

    /// Scores PTB-tokenised captions (the text the toolkit sends the jar). Only the paraphrase
    /// entries and synsets that the text's words can use are kept; a damaged paraphrase table
    /// is an error naming the wheel.
    public func score(_ items: [(candidate: String, references: [String])]) throws(EvaluationError) -> Result {
        var vocabulary: [String: Int32] = [:]
        var words: [String] = []
        func indices(_ sentence: String) -> [Int32] {
            data.normalizer.words(sentence).map { word in
                if let index = vocabulary[word] { return index }
                let index = Int32(words.count)
                vocabulary[word] = index
                words.append(word)
                return index
            }
        }
        let segments = items.map { item -> (hypothesis: [Int32], references: [[Int32]]) in
            let (hypothesis, references) = Self.segment(candidate: item.candidate, references: item.references)
            return (indices(hypothesis), references.map(indices))
        }
        let paraphrases: ParaphraseTable
        if let cache {
            paraphrases = try cache.paraphrases(data.paraphrases, vocabulary: vocabulary).table
        } else {
            paraphrases = try ParaphraseTable(source: data.paraphrases, vocabulary: vocabulary)
        }
        let facts = try wordFacts(words)
        var statistics: [METEORStatistics] = []
        var images: [Double] = []
        for segment in segments {
            var best: (statistics: METEORStatistics, score: Double)?
            for reference in segment.references {
                let matches = METEORMatches(hypothesis: segment.hypothesis, reference: reference, facts: facts, paraphrases: paraphrases)
                let alignment = METEORAligner.align(matches, hypothesisCount: segment.hypothesis.count, referenceCount: reference.count)
                let candidate = METEORStatistics(alignment: alignment, hypothesis: segment.hypothesis, reference: reference,
                                                 isFunctionWord: facts.isFunctionWord)
                // The first reference with the strictly highest score wins (the jar starts at -1).
                let score = candidate.score
                if score > best?.score ?? -1 {
                    best = (candidate, score)
                }
            }
            let chosen = best ?? (METEORStatistics(alignment: [], hypothesis: segment.hypothesis, reference: [],
                                                    isFunctionWord: facts.isFunctionWord), 0)
            statistics.append(chosen.statistics)
            images.append(chosen.statistics.score)
        }
        return Result(corpus: METEORStatistics.corpus(statistics).score, images: images, statistics: statistics)
    }

    /// The hypothesis and references the jar sees for one image: pycocoevalcap removes "|||"
    /// from the candidate (and turns double spaces into single ones), joins everything into
    /// `SCORE ||| ref ||| ... ||| hyp`, and the jar splits that line on "|||" again and trims
    /// the parts, so a reference holding "|||" counts as two references.
    static func segment(candidate: String, references: [String]) -> (hypothesis: String, references: [String]) {
        let hypothesis = candidate.replacingOccurrences(of: "|||", with: "").replacingOccurrences(of: "  ", with: " ")
        let line = (["SCORE", references.joined(separator: " ||| "), hypothesis]).joined(separator: " ||| ")
        var parts = line.components(separatedBy: "|||")
        while parts.count > 1 && parts.last == "" { parts.removeLast() }  // Java's split drops trailing empties
        let trimmed = parts.map { JavaText.trimmed(Substring($0)) }
        return (trimmed.last ?? "", Array(trimmed.dropFirst().dropLast()))
    }

    /// Hash, stem hash, synsets and function-word flag of each vocabulary word.
    private func wordFacts(_ words: [String]) throws(EvaluationError) -> METEORWordFacts {
        guard let stemmer = SnowballStemmer() else {
            throw .unreadableFile(path: "libstemmer", reason: "cannot create Snowball's English stemmer")
        }
        let synonyms = SynonymSets(words: words, data: data)
        var facts = METEORWordFacts()
        for word in words {
            facts.hashes.append(JavaText.hashCode(word))
            facts.stemHashes.append(JavaText.hashCode(stemmer.stem(word)))
            facts.synsets.append(synonyms.synsets(of: word))
            facts.isFunctionWord.append(data.functionWords.contains(word))
        }
        return facts
    }
}
