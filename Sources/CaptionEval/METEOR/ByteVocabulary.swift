#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Words as raw UTF-8 bytes, each with an index (0, 1, 2, ... in the order they were added),
/// found by an open-addressing table (FNV-1a, linear probing), so METEOR's 272 MB paraphrase
/// table is filtered or indexed without making a String of every word.
struct ByteVocabulary {
    /// Slot -> word index, -1 when empty; the capacity is a power of two at most half used.
    private var slots: [Int32] = Array(repeating: -1, count: 16)
    /// Word index -> its hash and where its bytes lie in `bytes`.
    private var words: [(hash: UInt64, start: Int, count: Int)] = []
    /// Every word's bytes, one after another.
    private(set) var bytes: [UInt8] = []

    /// An empty vocabulary.
    init() {}

    /// The words of `vocabulary`, whose indices must be 0..<count (as a scorer assigns them).
    init(_ vocabulary: [String: Int32]) {
        for (word, index) in vocabulary.sorted(by: { $0.value < $1.value }) {
            let added = Array(word.utf8).withUnsafeBufferPointer { intern($0) }
            precondition(added == index, "vocabulary indices must be 0..<count")
        }
    }

    /// How many words there are.
    var count: Int { words.count }

    /// Where the bytes of the word with `index` lie in `bytes`.
    func span(of index: Int32) -> Range<Int> {
        let word = words[Int(index)]
        return word.start..<(word.start + word.count)
    }

    /// FNV-1a (64-bit) of `word`; the METEOR cache's file index probes with it too.
    static func hash(_ word: UnsafeBufferPointer<UInt8>) -> UInt64 {
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        for byte in word {
            hash = (hash ^ UInt64(byte)) &* 0x0000_0100_0000_01B3
        }
        return hash
    }

    /// The index of `word`, or nil when it is not in the vocabulary.
    func index(of word: UnsafeBufferPointer<UInt8>) -> Int32? {
        let index = slots[slot(of: word, hash: Self.hash(word))]
        return index >= 0 ? index : nil
    }

    /// The index of `word`, which gets the next index when it is new.
    mutating func intern(_ word: UnsafeBufferPointer<UInt8>) -> Int32 {
        let hash = Self.hash(word)
        let found = slot(of: word, hash: hash)
        if slots[found] >= 0 { return slots[found] }
        let index = Int32(words.count)
        words.append((hash, bytes.count, word.count))
        bytes.append(contentsOf: word)
        slots[found] = index
        if words.count * 2 > slots.count { grow() }
        return index
    }

    /// The slot holding `word`, or the empty slot where it would go.
    private func slot(of word: UnsafeBufferPointer<UInt8>, hash: UInt64) -> Int {
        let mask = slots.count - 1
        var slot = Int(truncatingIfNeeded: hash) & mask
        while slots[slot] >= 0 {
            let entry = words[Int(slots[slot])]
            if entry.hash == hash && entry.count == word.count
                && (word.isEmpty || bytes.withUnsafeBufferPointer { memcmp($0.baseAddress! + entry.start, word.baseAddress!, word.count) == 0 }) {
                return slot
            }
            slot = (slot + 1) & mask
        }
        return slot
    }

    /// Doubles the table and places every word again.
    private mutating func grow() {
        slots = Array(repeating: -1, count: slots.count * 2)
        let mask = slots.count - 1
        for (index, word) in words.enumerated() {
            var slot = Int(truncatingIfNeeded: word.hash) & mask
            while slots[slot] >= 0 { slot = (slot + 1) & mask }
            slots[slot] = Int32(index)
        }
    }

    /// Splits `line` on StringTokenizer's delimiters into `words`, each word's index given by
    /// `index`; false as soon as `index` gives nil (or the line has no words).
    static func split(_ line: UnsafeBufferPointer<UInt8>, into words: inout [Int32],
                      _ index: (UnsafeBufferPointer<UInt8>) -> Int32?) -> Bool {
        words.removeAll(keepingCapacity: true)
        var start = 0
        var position = 0
        while position <= line.count {
            if position == line.count || JavaText.isTokenDelimiter(UInt32(line[position])) {
                if position > start {
                    guard let word = index(UnsafeBufferPointer(rebasing: line[start..<position])) else { return false }
                    words.append(word)
                }
                start = position + 1
            }
            position += 1
        }
        return !words.isEmpty
    }
}
