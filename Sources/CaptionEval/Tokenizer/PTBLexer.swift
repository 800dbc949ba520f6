import Foundation

/// The scanner behind `PTBTokenizer`: splits UTF-16 text into Penn Treebank tokens line by
/// line, the way CoreNLP 3.4.1's `PTBLexer` does with `-preserveLines` (newlines end lines;
/// every other rule is `PTBRules.all`, longest match first, earlier rule on a tie).
/// Tokens come back as the lexer prints them, before lower-casing.
struct PTBLexer {
    private let text: [UInt16]
    private let rules = PTBRules.all

    /// For each ASCII code unit (and, last, for all others), the rules that can start with it.
    private static let candidates: [[LexerRule]] = (0...128).map { unit in
        PTBRules.all.filter { $0.firstUnits.admits(UInt16(unit)) }
    }

    /// A lexer over `text`, one UTF-16 code unit per Java `char`.
    init(text: [UInt16]) {
        self.text = text
    }

    /// The tokens of every line, in order; `n` newlines give `n + 1` lines.
    func lines() -> [[String]] {
        var lines: [[String]] = [[]]
        var position = 0
        while position < text.count {
            // Plain spaces, tabs and newlines: no rule but white space and newline starts with them.
            switch text[position] {
            case 32, 9:
                position += 1
                continue
            case 10:
                lines.append([])
                position += 1
                continue
            default:
                break
            }
            if let end = plainWordEnd(at: position) {
                lines[lines.count - 1].append(string(position..<end))
                position = end
                continue
            }
            let match = longestMatch(at: position)
            let length = match.tokenEnd - position
            switch match.rule.action {
            case .skip, .untokenizable:
                position = match.tokenEnd
            case .newline:
                lines.append([])
                position = match.tokenEnd
            case .splitOff(let count):
                lines[lines.count - 1].append(string(position..<(match.tokenEnd - count)))
                position = match.tokenEnd - count
            case .acronymEndingSentence where length == 2:
                // "A." before a sentence start is the letter, then a period.
                lines[lines.count - 1].append(string(position..<(position + 1)))
                position += 1
            case .acronymEndingSentence, .abbreviationEndingSentence:
                // The token keeps its period, which is also scanned again as the sentence end.
                lines[lines.count - 1].append(string(position..<match.tokenEnd))
                position = match.tokenEnd - 1
            default:
                let raw = string(position..<match.tokenEnd)
                lines[lines.count - 1].append(Self.normalize(raw, action: match.rule.action))
                position = match.tokenEnd
            }
        }
        return lines
    }

    /// The end of a token at `position` that every rule would return as it is, found without
    /// trying the rules, or nil when the rules must decide. It covers the common case of a run
    /// of ASCII letters (not `cannot`, `gonna` and the like, which are split) that ends at white
    /// space, or at `,` `;` `:` `!` `?` `)` or a period followed by white space (the period
    /// only when the word is no abbreviation), and a lone `,` `;` or `.` before white space.
    private func plainWordEnd(at position: Int) -> Int? {
        let first = text[position]
        if first == 44 || first == 59 || first == 46 || first == 33 || first == 63 {  // , ; . ! ?
            let next = position + 1
            if next == text.count || text[next] == 10 { return next }
            if text[next] == 32 && (first != 46 || next + 1 == text.count || text[next + 1] != 46) { return next }
            return nil
        }
        if first == 45, position + 1 == text.count || isWhiteSpace(at: position + 1) {  // a lone "-"
            return position + 1
        }
        var end = position
        while end < text.count, Self.isASCIILetter(text[end]) {
            end += 1
            // Words joined by single hyphens (`well-lit`) stay one token.
            if end + 1 < text.count, text[end] == 45, Self.isASCIILetter(text[end + 1]), end > position { end += 1 }
        }
        guard end > position else { return nil }
        if end < text.count && !isWhiteSpace(at: end) {
            switch text[end] {
            case 44, 59, 58, 33, 63, 41:  // , ; : ! ? )
                guard end + 1 == text.count || isWhiteSpace(at: end + 1) else { return nil }
            case 46:  // .
                guard end - position > 1, end + 1 == text.count || isWhiteSpace(at: end + 1),
                      !isAbbreviation(position, end + 1) else { return nil }
            default:
                return nil
            }
        }
        let length = end - position
        if length == 5 || length == 6 {
            let word = text[position..<end].map(LexerPattern.asciiLowercase)
            if Self.splitWords.contains(where: { $0.elementsEqual(word) }) { return nil }
        }
        return end
    }

    private func isWhiteSpace(at index: Int) -> Bool {
        text[index] == 32 || text[index] == 10 || text[index] == 9
    }

    /// Whether `text[start..<end]` (a word and its period) is one of the lexer's abbreviations.
    private func isAbbreviation(_ start: Int, _ end: Int) -> Bool {
        Self.abbreviations.contains { $0.ends(in: text, from: [start]).contains(end) }
    }

    private static let abbreviations = [
        PTBGrammar.abbreviationFollowedByLowerCase, PTBGrammar.abbreviationFollowedByUpperCase,
        PTBGrammar.abbreviationBeforeNumber,
    ]

    private static let splitWords = ["cannot", "gonna", "gotta", "lemme", "gimme", "wanna"].map { Array($0.utf16) }

    private static func isASCIILetter(_ unit: UInt16) -> Bool {
        (65...90).contains(unit) || (97...122).contains(unit)
    }

    private struct Match {
        let rule: LexerRule
        let tokenEnd: Int
    }

    /// The winning rule at `position`: the longest match including trailing context, the
    /// earlier rule on a tie. The last rule matches any single code unit, so there is always one.
    private func longestMatch(at position: Int) -> Match {
        let unit = text[position]
        var best: Match?
        var bestTotal = position
        for rule in Self.candidates[min(Int(unit), 128)] {
            let ends = rule.pattern.ends(in: text, from: [position])
            guard let longest = ends.last else { continue }
            var total = longest
            var tokenEnd = longest
            if let trailing = rule.trailing {
                total = position
                for end in ends {
                    if let contextEnd = trailing.ends(in: text, from: [end]).last, contextEnd >= total {
                        total = contextEnd
                        tokenEnd = end
                    }
                }
                if total == position { continue }
            }
            if total > bestTotal {
                bestTotal = total
                best = Match(rule: rule, tokenEnd: tokenEnd)
            }
        }
        // The catch-all last rule consumes one code unit.
        return best ?? Match(rule: rules[rules.count - 1], tokenEnd: position + 1)
    }

    private func string(_ range: Range<Int>) -> String {
        let units = text[range]
        guard units.allSatisfy({ $0 < 128 }) else { return String(decoding: units, as: UTF16.self) }
        // ASCII (nearly every token): build the UTF-8 string directly, which is much faster.
        return String(unsafeUninitializedCapacity: units.count) { buffer in
            for (index, unit) in units.enumerated() { buffer[index] = UInt8(truncatingIfNeeded: unit) }
            return units.count
        }
    }

    /// The printed form of a matched token under its rule's action.
    static func normalize(_ token: String, action: LexerAction) -> String {
        switch action {
        case .replace(let replacement):
            return replacement
        case .removeSoftHyphens:
            let cleaned = token.replacingAll("\u{AD}", with: "")
            return cleaned.isEmpty ? "-" : cleaned
        case .normalizeAmpersand:
            return token.replacingAllCaseless("&amp;", with: "&")
        case .quotes(let probablyLeft):
            return latexQuotes(token, probablyLeft: probablyLeft)
        case .noBreakSpaces(let parentheses):
            let spaced = token.replacingAll(" ", with: "\u{A0}")
            return parentheses ? spaced.replacingAll("(", with: "-LRB-").replacingAll(")", with: "-RRB-") : spaced
        case .parentheses:
            return token.replacingAll("(", with: "-LRB-").replacingAll(")", with: "-RRB-")
        case .fractionCharacter:
            return ["\u{BC}": "1/4", "\u{BD}": "1/2", "\u{BE}": "3/4", "\u{2153}": "1/3", "\u{2154}": "2/3"][token] ?? token
        case .currency:
            switch token {
            case "\u{A2}": return "cents"
            case "\u{A3}": return "#"
            case "\u{80}", "\u{A4}", "\u{20A0}", "\u{20AC}": return "$"
            default: return token
            }
        case .hyphens:
            return (3...4).contains(token.utf16.count) ? "--" : token
        case .ellipsis:
            return "..."
        case .keep, .splitOff, .acronymEndingSentence, .abbreviationEndingSentence, .skip, .newline, .untokenizable:
            return token
        }
    }

    /// CoreNLP's LaTeX quote mapping: straight quotes turn left (`` ` ``, ` `` `) or right
    /// (`'`, `''`) as the rule guessed; curly and angle quotes map by their own direction.
    static func latexQuotes(_ token: String, probablyLeft: Bool) -> String {
        var result = ""
        var index = token.startIndex
        while index < token.endIndex {
            if token[index...].hasPrefix("&apos;") {
                result += probablyLeft ? "`" : "'"
                index = token.index(index, offsetBy: 6)
                continue
            }
            if token[index...].hasPrefix("&quot;") {
                result += probablyLeft ? "``" : "''"
                index = token.index(index, offsetBy: 6)
                continue
            }
            let character = token[index]
            switch character {
            case "'": result += probablyLeft ? "`" : "'"
            case "\"": result += probablyLeft ? "``" : "''"
            case "\u{91}", "\u{2018}", "\u{201B}", "\u{2039}": result += "`"
            case "\u{92}", "\u{2019}", "\u{203A}": result += "'"
            case "\u{93}", "\u{201C}", "\u{AB}": result += "``"
            case "\u{94}", "\u{201D}", "\u{BB}": result += "''"
            default: result.append(character)
            }
            index = token.index(after: index)
        }
        return result
    }
}

extension String {
    /// The string with every occurrence of `target` replaced.
    func replacingAll(_ target: String, with replacement: String) -> String {
        guard contains(target) else { return self }
        return components(separatedBy: target).joined(separator: replacement)
    }

    /// The string with every ASCII-caseless occurrence of `target` replaced.
    func replacingAllCaseless(_ target: String, with replacement: String) -> String {
        var result = ""
        var index = startIndex
        let length = target.count
        while index < endIndex {
            if let end = self.index(index, offsetBy: length, limitedBy: endIndex),
               self[index..<end].lowercased() == target.lowercased() {
                result += replacement
                index = end
            } else {
                result.append(self[index])
                index = self.index(after: index)
            }
        }
        return result
    }
}
