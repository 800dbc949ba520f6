/// The part of METEOR's English paraphrase table (`paraphrase-en.gz`: blocks of a probability
/// line, a reference phrase and a paraphrase, 1-7 words each) whose words all occur in the
/// evaluated text: no other entry can ever match, so filtering while reading gives the same
/// matches as the whole table. Phrases are kept in file order, reference phrases in a trie
/// (the jar's "transducer"), words as indices of the evaluated vocabulary.
struct ParaphraseTable {
    /// Trie node -> child node per next word; node 0 is the root.
    private var children: [[Int32: Int32]] = [[:]]
    /// Trie node -> the paraphrases (indices into `paraphrases`) of the phrase ending there.
    private var emits: [[Int32]] = [[]]
    /// Each kept entry's paraphrase, in file order.
    private(set) var paraphrases: [[Int32]] = []

    /// Reads the entries of `data`'s table whose words are all in `vocabulary`.
    init(data: METEORData, vocabulary: [String: Int32], path: String) throws(EvaluationError) {
        let lookup = ByteVocabulary(vocabulary)
        var lineNumber = 0
        var reference: [Int32]? = nil
        var words: [Int32] = []
        let failure = GzipLines.forEachLine(in: data.paraphraseGzip) { line in
            defer { lineNumber += 1 }
            switch lineNumber % 3 {
            case 1:
                reference = lookup.indices(of: line, into: &words) ? words : nil
            case 2:
                if let phrase = reference, lookup.indices(of: line, into: &words) {
                    add(reference: phrase, paraphrase: words)
                }
            default:
                break  // the probability line, which METEOR ignores
            }
        }
        if let failure {
            throw .unreadableFile(path: "\(path) [\(METEORData.paraphraseEntry)]", reason: failure)
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

/// Word -> index lookups on raw UTF-8 bytes (open addressing, FNV-1a), so the 272 MB table is
/// filtered without making a String of every word.
private struct ByteVocabulary {
    private var slots: [(hash: UInt64, start: Int, count: Int, index: Int32)]
    private let bytes: [UInt8]
    private let mask: Int

    init(_ vocabulary: [String: Int32]) {
        var capacity = 16
        while capacity < vocabulary.count * 4 { capacity *= 2 }
        mask = capacity - 1
        slots = Array(repeating: (0, 0, -1, -1), count: capacity)
        var bytes: [UInt8] = []
        for (word, index) in vocabulary {
            let start = bytes.count
            bytes += word.utf8
            let hash = bytes[start...].withUnsafeBufferPointer(Self.hash)
            var slot = Int(truncatingIfNeeded: hash) & mask
            while slots[slot].count >= 0 { slot = (slot + 1) & mask }
            slots[slot] = (hash, start, bytes.count - start, index)
        }
        self.bytes = bytes
    }

    private static func hash(_ word: UnsafeBufferPointer<UInt8>) -> UInt64 {
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        for byte in word {
            hash = (hash ^ UInt64(byte)) &* 0x0000_0100_0000_01B3
        }
        return hash
    }

    private func index(of word: UnsafeBufferPointer<UInt8>) -> Int32? {
        let hash = Self.hash(word)
        var slot = Int(truncatingIfNeeded: hash) & mask
        while slots[slot].count >= 0 {
            let entry = slots[slot]
            if entry.hash == hash && entry.count == word.count
                && bytes[entry.start..<(entry.start + entry.count)].elementsEqual(word) {
                return entry.index
            }
            slot = (slot + 1) & mask
        }
        return nil
    }

    /// Splits `line` on StringTokenizer's delimiters into `words` (as indices); false as soon
    /// as a word is not in the vocabulary (or the line has none).
    func indices(of line: UnsafeBufferPointer<UInt8>, into words: inout [Int32]) -> Bool {
        words.removeAll(keepingCapacity: true)
        var start = 0
        var index = 0
        while index <= line.count {
            if index == line.count || JavaText.isTokenDelimiter(UInt32(line[index])) {
                if index > start {
                    guard let word = self.index(of: UnsafeBufferPointer(rebasing: line[start..<index])) else { return false }
                    words.append(word)
                }
                start = index + 1
            }
            index += 1
        }
        return !words.isEmpty
    }
}
