/// METEOR 1.5's English `-norm` normaliser (punctuation kept), then Java lower-casing and
/// word splitting: what the jar does to every sentence before matching. The rules are
/// Moses-style rewrites applied in a fixed order; each is a leftmost, non-overlapping
/// replace-all over code points, as `java.util.regex` performs it, with Java's ASCII-only
/// classes (`\p{Digit}` is 0-9, `\s` is space, tab, LF, VT, FF, CR).
struct METEORNormalizer: Sendable {
    /// How a non-breaking prefix (`nonbreaking/english.prefixes`) keeps its dot.
    enum PrefixKind: Sendable {
        /// Always: "Mr." stays one word.
        case always
        /// Only before a number: "No. 5".
        case beforeNumbers
    }

    private let prefixes: [String: PrefixKind]

    /// A normaliser with the non-breaking prefixes read from the jar.
    init(prefixes: [String: PrefixKind]) {
        self.prefixes = prefixes
    }

    /// Parses `nonbreaking/english.prefixes`: one prefix a line (its first token), `#`
    /// comments, `#NUMERIC_ONLY#` as the second token for prefixes kept only before numbers.
    static func parsePrefixes(_ text: String) -> [String: PrefixKind] {
        var prefixes: [String: PrefixKind] = [:]
        for line in text.split(separator: "\n", omittingEmptySubsequences: true) {
            let tokens = JavaText.tokens(String(line))
            guard let prefix = tokens.first, !prefix.hasPrefix("#") else { continue }
            prefixes[prefix] = tokens.count > 1 && tokens[1] == "#NUMERIC_ONLY#" ? .beforeNumbers : .always
        }
        return prefixes
    }

    /// The words METEOR compares for `sentence`: normalised, lower-cased, split.
    func words(_ sentence: String) -> [String] {
        JavaText.tokens(JavaText.lowercased(normalize(sentence)))
    }

    /// The normalised line (before lower-casing), as the jar's `Normalizer.normalizeLine`.
    func normalize(_ sentence: String) -> String {
        typealias Rules = NormalizerRules
        var text: [UInt32] = [0x20] + sentence.unicodeScalars.map(\.value) + [0x20]
        // Separate every symbol that is not a letter, digit, space or one of . ' ` , - ‘ ’.
        text = Rules.replaceEach(text, where: Rules.isSeparated) { [0x20, $0, 0x20] }
        text = Rules.escapeDotRuns(text)
        // Separate commas except within numbers.
        let comma: UInt32 = 0x2C
        let spacedComma: (UInt32, UInt32) -> [UInt32] = { [$0, 0x20, comma, 0x20, $1] }
        text = Rules.replaceTriples(text, first: { !Rules.isDigit($0) }, middle: comma, last: { !Rules.isDigit($0) }, spacedComma)
        text = Rules.replaceTriples(text, first: Rules.isDigit, middle: comma, last: { !Rules.isDigit($0) }, spacedComma)
        text = Rules.replaceTriples(text, first: { !Rules.isDigit($0) }, middle: comma, last: Rules.isDigit, spacedComma)
        // Quotes: ` ‘ ’ become ', and “ ” '' become a spaced ".
        text = Rules.replaceEach(text, where: { $0 == 0x60 || $0 == 0x2018 || $0 == 0x2019 }) { _ in [0x27] }
        text = Rules.replaceDoubleQuotes(text)
        // Dashes: – becomes -, then -- becomes -.
        text = Rules.replaceLiteral(text, [0x2013], with: [0x2D])
        text = Rules.replaceLiteral(text, [0x2D, 0x2D], with: [0x2D])
        // A dash between letters or digits (or after a dot: U.S.-based) becomes a space.
        text = Rules.replaceTriples(text, first: { Rules.isAlphanumeric($0) || $0 == 0x2E }, middle: 0x2D, last: Rules.isAlphanumeric) { [$0, 0x20, $1] }
        text = Rules.splitEnglishContractions(text)
        text = breakDots(text)
        // Unescape dot runs, then collapse white space and trim.
        while Rules.contains(text, Rules.dotDotMulti) {
            text = Rules.replaceLiteral(text, Rules.dotDotMulti, with: Rules.dotMulti + [0x2E])
        }
        text = Rules.replaceLiteral(text, Rules.dotMulti, with: [0x2E])
        text = Rules.collapseWhiteSpace(text)
        return JavaText.trimmed(Substring(String(String.UnicodeScalarView(text.compactMap(Unicode.Scalar.init)))))
    }

    /// Splits words on StringTokenizer's delimiters and rebuilds the line, separating a final
    /// dot unless the word is an abbreviation: dotted letters ("U.S." becomes "US"), a listed
    /// prefix, a word followed by a lower-case word, or a numbers-only prefix before a number.
    private func breakDots(_ text: [UInt32]) -> [UInt32] {
        typealias Rules = NormalizerRules
        let words = text.split(whereSeparator: JavaText.isTokenDelimiter).map(Array.init)
        var result: [UInt32] = []
        result.reserveCapacity(text.count + 8)
        for (index, word) in words.enumerated() {
            defer { result.append(0x20) }
            guard JavaText.length(word) > 1, word.last == 0x2E else {
                result += word
                continue
            }
            let prefix = Array(word.dropLast())
            let kind = prefixes[String(String.UnicodeScalarView(prefix.compactMap(Unicode.Scalar.init)))]
            let next = index + 1 < words.count ? words[index + 1].first : nil
            if prefix.contains(0x2E) && prefix.contains(where: Rules.isAlpha) {
                result += word.filter { $0 != 0x2E }
            } else if kind == .always || next.map({ $0 >= 0x61 && $0 <= 0x7A }) == true {
                result += word
            } else if kind == .beforeNumbers && next.map(Rules.isDigit) == true {
                result += word
            } else {
                result += prefix + [0x20, 0x2E]
            }
        }
        return result
    }
}
