/// The part of METEOR's English paraphrase table (`paraphrase-en.gz`: blocks of a probability
/// line, a reference phrase and a paraphrase, 1-7 words each) whose words all occur in the
/// evaluated text: no other entry can ever match, so filtering while reading gives the same
/// matches as the whole table. Phrases are kept in file order, reference phrases in a trie
/// (the jar's "transducer"), words as indices of the evaluated vocabulary.
struct ParaphraseTable: Equatable {
    /// Trie node -> child node per next word; node 0 is the root.
    private var children: [[Int32: Int32]] = [[:]]
    /// Trie node -> the paraphrases (indices into `paraphrases`) of the phrase ending there.
    private var emits: [[Int32]] = [[]]
    /// Each kept entry's paraphrase, in file order.
    private(set) var paraphrases: [[Int32]] = []

    /// Reads the entries of `source` whose words are all in `vocabulary` (one pass over the
    /// whole table).
    init(source: ParaphraseSource, vocabulary: [String: Int32]) throws(EvaluationError) {
        let lookup = ByteVocabulary(vocabulary)
        var lineNumber = 0
        var reference: [Int32]? = nil
        var words: [Int32] = []
        try source.readLines { line in
            defer { lineNumber += 1 }
            switch lineNumber % 3 {
            case 1:
                reference = ByteVocabulary.split(line, into: &words, { lookup.index(of: $0) }) ? words : nil
            case 2:
                if let phrase = reference, ByteVocabulary.split(line, into: &words, { lookup.index(of: $0) }) {
                    add(reference: phrase, paraphrase: words)
                }
            default:
                break  // the probability line, which METEOR ignores
            }
        }
    }

    /// The table of `entries`, given in file order (as the METEOR cache finds them).
    init(entries: [(reference: [Int32], paraphrase: [Int32])]) {
        for entry in entries {
            add(reference: entry.reference, paraphrase: entry.paraphrase)
        }
    }

    private mutating func add(reference: [Int32], paraphrase: [Int32]) {
        var node: Int32 = 0
        for word in reference {
            if let next = children[Int(node)][word] {
                node = next
            } else {
                let next = Int32(children.count)
                children[Int(node)][word] = next
                children.append([:])
                emits.append([])
                node = next
            }
        }
        emits[Int(node)].append(Int32(paraphrases.count))
        paraphrases.append(paraphrase)
    }

    /// The table's phrases that start at `words[start]`: (phrase length, paraphrase index),
    /// shorter phrases first, each length's paraphrases in file order.
    func phrases(in words: [Int32], from start: Int) -> [(length: Int, paraphrase: Int)] {
        var result: [(length: Int, paraphrase: Int)] = []
        var node: Int32 = 0
        for index in start..<words.count {
            guard let next = children[Int(node)][words[index]] else { break }
            node = next
            for paraphrase in emits[Int(node)] {
                result.append((index - start + 1, Int(paraphrase)))
            }
        }
        return result
    }
}
