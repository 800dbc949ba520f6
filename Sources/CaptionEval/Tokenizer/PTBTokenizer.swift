/// The COCO caption toolkit's tokenization (pycocoevalcap `tokenizer/ptbtokenizer.py`),
/// reproduced natively: Stanford CoreNLP 3.4.1's `PTBTokenizer` run with `-preserveLines
/// -lowerCase` over all captions joined by newlines, then the toolkit's punctuation tokens
/// removed. The result of each caption is its tokens joined by single spaces, exactly the
/// string the toolkit hands to its scorers.
///
/// Points that follow the toolkit to the letter:
/// - Only the exact strings `''`, `'`, ``` `` ```, `` ` ``, `-LRB-`, `-RRB-`, `-LCB-`, `-RCB-`,
///   `.`, `?`, `!`, `,`, `:`, `-`, `--`, `...`, `;` are removed, after lower-casing: so the
///   lower-cased brackets `-lrb-`, `-rrb-`, `-lsb-`, `-rsb-`, `-lcb-`, `-rcb-` stay, as do `!?`
///   and `!!`.
/// - Tokens may hold a no-break space (`1 1/2` becomes one token `1\u{A0}1/2`); the scorers
///   decide how to split it (`Words`).
/// - Captions are scanned as one text, so a rule's look-ahead can see the next caption.
/// - Characters outside the Basic Multilingual Plane (emoji) are dropped, as CoreNLP drops
///   untokenizable characters.
///
/// One deliberate difference: a line break inside a caption other than `\n` (`\r`, U+2028,
/// U+2029, vertical tab, form feed) counts as a space. The toolkit replaces only `\n`, so
/// such a caption shifts every later caption by a line there.
public struct PTBTokenizer: Sendable {
    /// The toolkit's punctuation list (`PUNCTUATIONS` in ptbtokenizer.py).
    public static let removedTokens: Set<String> = [
        "''", "'", "``", "`", "-LRB-", "-RRB-", "-LCB-", "-RCB-", ".", "?", "!", ",", ":", "-", "--", "...", ";",
    ]

    /// A tokenizer; it holds no state.
    public init() {}

    /// Tokenizes each caption; the result has one space-joined string per caption, in order.
    public func tokenize(_ captions: [String]) -> [String] {
        var units: [UInt16] = []
        for (index, caption) in captions.enumerated() {
            if index > 0 { units.append(10) }
            for unit in caption.utf16 {
                units.append(Self.isLineBreakInsideCaption(unit) ? 32 : unit)
            }
        }
        let lines = PTBLexer(text: units).lines()
        return captions.indices.map { index in
            guard index < lines.count else { return "" }
            return lines[index]
                .map(Self.javaLowercased)
                .filter { !Self.removedTokens.contains($0) }
                .joined(separator: " ")
        }
    }

    /// Tokenizes one caption on its own.
    public func tokenize(_ caption: String) -> String {
        tokenize([caption])[0]
    }

    /// Lower-cases a token as Java's `String.toLowerCase()` does: Unicode's default mapping,
    /// with capital sigma becoming final sigma (ς) at the end of a word.
    static func javaLowercased(_ token: String) -> String {
        guard token.unicodeScalars.contains("\u{03A3}") else { return token.lowercased() }
        let scalars = Array(token.unicodeScalars)
        var result = ""
        for (index, scalar) in scalars.enumerated() {
            if scalar == "\u{03A3}" && isFinalSigma(at: index, in: scalars) {
                result.unicodeScalars.append("\u{03C2}")
            } else {
                result += String(scalar).lowercased()
            }
        }
        return result
    }

    /// Java's final-sigma test: a cased letter before (skipping case-ignorable characters)
    /// and none after within the word. Java's word boundaries (checked against it) keep
    /// letters and digits together, and `-`, `.`, `_` or `'` only between two letters: `ΟΔΟΣ-he`,
    /// `ΟΔΟΣ3pm` keep σ; `ΟΔΟΣ`, `ΟΔΟΣ-5`, `ΟΔΟΣ3-a` end in ς.
    private static func isFinalSigma(at index: Int, in scalars: [Unicode.Scalar]) -> Bool {
        let before = scalars[..<index].reversed().first { !$0.properties.isCaseIgnorable }
        guard before?.properties.isCased == true else { return false }
        var previous = scalars[index]
        var position = index + 1
        while position < scalars.count {
            let scalar = scalars[position]
            if scalar.properties.isCased { return false }
            let next = position + 1 < scalars.count ? scalars[position + 1] : nil
            let isLetter = { (candidate: Unicode.Scalar?) in candidate?.properties.isAlphabetic == true }
            let joinsLetters = "-._'".unicodeScalars.contains(scalar) && isLetter(previous) && isLetter(next)
            guard scalar.properties.isAlphabetic || scalar.properties.numericType == .decimal || joinsLetters else { return true }
            previous = scalar
            position += 1
        }
        return true
    }

    private static func isLineBreakInsideCaption(_ unit: UInt16) -> Bool {
        unit == 10 || unit == 13 || unit == 0x0B || unit == 0x0C || unit == 0x2028 || unit == 0x2029
    }
}
