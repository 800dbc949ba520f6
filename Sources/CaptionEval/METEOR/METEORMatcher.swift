/// What METEOR knows about each word of the evaluated vocabulary (indexed like it).
struct METEORWordFacts {
    /// Java `String.hashCode()` of the word: words are equal for the exact stage when these are.
    var hashes: [Int32] = []
    /// Java `String.hashCode()` of the word's Snowball stem.
    var stemHashes: [Int32] = []
    /// The word's synsets, sorted (`SynonymSets.synsets(of:)`).
    var synsets: [[Int32]] = []
    /// Whether the word is a function word.
    var isFunctionWord: [Bool] = []
}

/// One possible match between a reference span and a hypothesis span.
struct METEORMatch: Equatable {
    /// First reference word.
    var start: Int
    /// Reference words covered.
    var length: Int
    /// First hypothesis word.
    var matchStart: Int
    /// Hypothesis words covered.
    var matchLength: Int
    /// The stage that found it: 0 exact, 1 stem, 2 synonym, 3 paraphrase.
    var stage: Int
}

/// Every match the four stages find for one hypothesis-reference pair, listed by the
/// reference position where each starts (in stage order, then the order each stage finds
/// them), and how many matches cover each word.
struct METEORMatches {
    /// Matches starting at each reference position.
    private(set) var byStart: [[METEORMatch]]
    /// How many matches cover each hypothesis word.
    private(set) var hypothesisCoverage: [Int]
    /// How many matches cover each reference word.
    private(set) var referenceCoverage: [Int]

    /// Runs the stages on `hypothesis` and `reference` (vocabulary indices). Identical
    /// sentences (same word hashes) get the exact stage only.
    init(hypothesis: [Int32], reference: [Int32], facts: METEORWordFacts, paraphrases: ParaphraseTable) {
        byStart = Array(repeating: [], count: reference.count)
        hypothesisCoverage = Array(repeating: 0, count: hypothesis.count)
        referenceCoverage = Array(repeating: 0, count: reference.count)
        let hypothesisHashes = hypothesis.map { facts.hashes[Int($0)] }
        let referenceHashes = reference.map { facts.hashes[Int($0)] }
        addWordMatches(stage: 0, hypothesis.count, reference.count) { hypothesisHashes[$0] == referenceHashes[$1] }
        guard hypothesisHashes != referenceHashes else { return }
        let different = { (i: Int, j: Int) in hypothesisHashes[i] != referenceHashes[j] }
        addWordMatches(stage: 1, hypothesis.count, reference.count) { i, j in
            facts.stemHashes[Int(hypothesis[i])] == facts.stemHashes[Int(reference[j])] && different(i, j)
        }
        addWordMatches(stage: 2, hypothesis.count, reference.count) { i, j in
            Self.intersect(facts.synsets[Int(hypothesis[i])], facts.synsets[Int(reference[j])]) && different(i, j)
        }
        addParaphraseMatches(hypothesis: hypothesis, reference: reference, table: paraphrases)
    }

    private mutating func add(_ match: METEORMatch) {
        byStart[match.start].append(match)
        for k in 0..<match.matchLength { hypothesisCoverage[match.matchStart + k] += 1 }
        for k in 0..<match.length { referenceCoverage[match.start + k] += 1 }
    }

    /// One-word matches, reference word by reference word, then hypothesis word by word.
    private mutating func addWordMatches(stage: Int, _ hypothesisCount: Int, _ referenceCount: Int, _ matches: (Int, Int) -> Bool) {
        for j in 0..<referenceCount {
            for i in 0..<hypothesisCount where matches(i, j) {
                add(METEORMatch(start: j, length: 1, matchStart: i, matchLength: 1, stage: stage))
            }
        }
    }

    /// Paraphrases of reference phrases found in the hypothesis, then paraphrases of
    /// hypothesis phrases found in the reference.
    private mutating func addParaphraseMatches(hypothesis: [Int32], reference: [Int32], table: ParaphraseTable) {
        for j in reference.indices {
            for (length, index) in table.phrases(in: reference, from: j) {
                let words = table.paraphrases[index]
                for i in Self.occurrences(of: words, in: hypothesis) {
                    add(METEORMatch(start: j, length: length, matchStart: i, matchLength: words.count, stage: 3))
                }
            }
        }
        for i in hypothesis.indices {
            for (length, index) in table.phrases(in: hypothesis, from: i) {
                let words = table.paraphrases[index]
                for j in Self.occurrences(of: words, in: reference) {
                    add(METEORMatch(start: j, length: words.count, matchStart: i, matchLength: length, stage: 3))
                }
            }
        }
    }

    /// Every position where `phrase` occurs in `words`, in order.
    private static func occurrences(of phrase: [Int32], in words: [Int32]) -> [Int] {
        guard !phrase.isEmpty, phrase.count <= words.count else { return [] }
        return (0...(words.count - phrase.count)).filter { start in
            words[start..<(start + phrase.count)].elementsEqual(phrase)
        }
    }

    /// Whether two sorted lists share an element.
    private static func intersect(_ first: [Int32], _ second: [Int32]) -> Bool {
        var a = 0
        var b = 0
        while a < first.count && b < second.count {
            if first[a] == second[b] { return true }
            if first[a] < second[b] { a += 1 } else { b += 1 }
        }
        return false
    }
}
