/// An n-gram of up to four word indices (`order` words; unused slots are -1).
struct NGram: Hashable, Sendable {
    let first: Int32
    let second: Int32
    let third: Int32
    let fourth: Int32
    /// The number of words, 1 to 4.
    let order: Int8

    /// The n-gram of `words[start ..< start + order]`.
    init(_ words: [Int32], start: Int, order: Int) {
        first = words[start]
        second = order > 1 ? words[start + 1] : -1
        third = order > 2 ? words[start + 2] : -1
        fourth = order > 3 ? words[start + 3] : -1
        self.order = Int8(order)
    }

    /// Two 64-bit words instead of five fields: hashing is the hot path of BLEU and CIDEr.
    /// (The order is implied by the unused slots, which are -1.)
    func hash(into hasher: inout Hasher) {
        hasher.combine(UInt64(UInt32(bitPattern: first)) << 32 | UInt64(UInt32(bitPattern: second)))
        hasher.combine(UInt64(UInt32(bitPattern: third)) << 32 | UInt64(UInt32(bitPattern: fourth)))
    }

    /// A fixed total order (by order, then word indices), for sums that must not depend on
    /// dictionary iteration order.
    static func precedes(_ lhs: NGram, _ rhs: NGram) -> Bool {
        (lhs.order, lhs.first, lhs.second, lhs.third, lhs.fourth) < (rhs.order, rhs.first, rhs.second, rhs.third, rhs.fourth)
    }

    /// The largest order the toolkit's BLEU and CIDEr use.
    static let maximumOrder = 4

    /// How often each n-gram of order 1 to 4 occurs in `words` (the toolkit's `precook`).
    static func counts(_ words: [Int32]) -> [NGram: Int] {
        var counts: [NGram: Int] = [:]
        counts.reserveCapacity(words.count * maximumOrder)
        for order in 1...maximumOrder where words.count >= order {
            for start in 0...(words.count - order) {
                counts[NGram(words, start: start, order: order), default: 0] += 1
            }
        }
        return counts
    }
}

/// Turns words into dense integer indices, so n-grams hash and compare as integers.
struct WordIndex {
    private var indices: [Substring: Int32] = [:]

    /// The index of each word, adding new words.
    mutating func indices<S: Sequence>(of words: S) -> [Int32] where S.Element == Substring {
        words.map { word in
            if let index = indices[word] { return index }
            let index = Int32(indices.count)
            indices[word] = index
            return index
        }
    }
}

/// How the toolkit splits a tokenized caption into words.
enum WordSplitting {
    /// Python's `str.split()`: runs of Unicode white space separate words; none are empty.
    /// BLEU and CIDEr split this way, so a token holding a no-break space counts as two words.
    static func onWhiteSpace(_ caption: String) -> [Substring] {
        caption.split(whereSeparator: { character in character.unicodeScalars.allSatisfy(isPythonWhiteSpace) })
    }

    /// Python's `str.split(" ")`: every single space separates, so an empty caption is one
    /// empty word. ROUGE-L splits this way.
    static func onSpaces(_ caption: String) -> [Substring] {
        caption.split(separator: " ", omittingEmptySubsequences: false)
    }

    /// The characters Python's `str.isspace()` accepts.
    static func isPythonWhiteSpace(_ scalar: Unicode.Scalar) -> Bool {
        switch scalar.value {
        case 0x09...0x0D, 0x1C...0x20, 0x85, 0xA0, 0x1680, 0x2000...0x200A, 0x2028, 0x2029, 0x202F, 0x205F, 0x3000:
            return true
        default:
            return false
        }
    }
}
