/// WordNet synsets for the words being evaluated, as METEOR 1.5's synonym stage sees them: a
/// word's own synsets united with those of its base forms, which are its irregular forms'
/// bases (`english.exceptions`) or else the first form WordNet's suffix rules ("morphy")
/// reach that has synsets.
struct SynonymSets {
    /// Synset numbers (sorted, distinct) of the words asked for and their base-form candidates.
    private let synsets: [String: [Int32]]
    private let baseForms: [String: [String]]

    /// WordNet's detachment rules: noun suffixes, then verb, then adjective, each with the
    /// ending that replaces it (the order decides which base form is tried first).
    private static let rules: [(suffix: String, ending: String)] = [
        ("s", ""), ("ses", "s"), ("xes", "x"), ("zes", "z"), ("ches", "ch"), ("shes", "sh"), ("men", "man"), ("ies", "y"),
        ("s", ""), ("ies", "y"), ("es", "e"), ("es", ""), ("ed", "e"), ("ed", ""), ("ing", "e"), ("ing", ""),
        ("er", ""), ("est", ""), ("er", "e"), ("est", "e"),
    ]

    /// Reads the synsets of `words` (and of every base form they could have) from the jar's
    /// `english.synsets` text; entries of other words are skipped.
    init(words: some Sequence<String>, data: METEORData) {
        baseForms = data.baseForms
        var wanted = Set<String>()
        for word in words {
            wanted.insert(word)
            wanted.formUnion(data.baseForms[word] ?? [])
            wanted.formUnion(Self.rules.compactMap { Self.detach($0, from: word) })
        }
        var synsets: [String: [Int32]] = [:]
        data.synsetText.withUnsafeBufferPointer { text in
            var lineStart = 0
            var isWordLine = true
            var word: String?
            for index in 0..<text.count where text[index] == 0x0A {
                let line = UnsafeBufferPointer(rebasing: text[lineStart..<index])
                lineStart = index + 1
                if isWordLine {
                    let candidate = String(decoding: line, as: UTF8.self)
                    word = wanted.contains(candidate) ? candidate : nil
                } else if let key = word {
                    synsets[key] = Self.numbers(line)
                }
                isWordLine.toggle()
            }
        }
        self.synsets = synsets
    }

    /// The synsets METEOR gives `word`: its own, plus its exceptions' bases' or else its
    /// morphy base form's (sorted, distinct).
    func synsets(of word: String) -> [Int32] {
        var result = synsets[word] ?? []
        if let bases = baseForms[word] {
            for base in bases { result += synsets[base] ?? [] }
        } else if let base = morph(word) {
            result += synsets[base] ?? []
        }
        return Array(Set(result)).sorted()
    }

    /// WordNet's morphy as METEOR 1.5 codes it: words ending in "ss" or of at most two UTF-16
    /// units are their own base; otherwise the first rule whose suffix the word ends with and
    /// whose result has synsets gives the base, with "ful" appended again when the word ends
    /// in "ful" (a quirk kept for equality: "handfuls" looks up "handfulful"); nil when none.
    private func morph(_ word: String) -> String? {
        if Self.endsWith(word, "ss") || word.utf16.count <= 2 {
            return word
        }
        for rule in Self.rules {
            if let base = Self.detach(rule, from: word), synsets[base] != nil {
                return Self.endsWith(word, "ful") ? base + "ful" : base
            }
        }
        return nil
    }

    /// `word` with `rule`'s suffix replaced by its ending, or nil when it lacks the suffix.
    private static func detach(_ rule: (suffix: String, ending: String), from word: String) -> String? {
        guard endsWith(word, rule.suffix) else { return nil }
        return String(String.UnicodeScalarView(word.unicodeScalars.dropLast(rule.suffix.count))) + rule.ending
    }

    /// Java's `endsWith`: compares code points, not characters.
    private static func endsWith(_ word: String, _ suffix: String) -> Bool {
        word.unicodeScalars.count >= suffix.unicodeScalars.count
            && word.unicodeScalars.suffix(suffix.unicodeScalars.count).elementsEqual(suffix.unicodeScalars)
    }

    /// The synset numbers on one line (decimal, space-separated; leading zeros allowed).
    private static func numbers(_ line: UnsafeBufferPointer<UInt8>) -> [Int32] {
        var result: [Int32] = []
        var value: Int32 = 0
        var inNumber = false
        for byte in line {
            if byte >= 0x30 && byte <= 0x39 {
                value = value &* 10 &+ Int32(byte - 0x30)
                inNumber = true
            } else if inNumber {
                result.append(value)
                value = 0
                inNumber = false
            }
        }
        if inNumber { result.append(value) }
        return result
    }
}
