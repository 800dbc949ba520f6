/// The character classes and rewrite rules `METEORNormalizer` applies, on code points.
/// Every `replace` is Java's `Matcher.replaceAll` for its pattern: scan left to right, replace
/// the leftmost match, continue after it (matches never overlap).
enum NormalizerRules {
    /// "DOTMULTI": how a run of dots is escaped while single dots are handled.
    static let dotMulti: [UInt32] = Array("DOTMULTI".unicodeScalars.map(\.value))
    /// "DOTDOTMULTI".
    static let dotDotMulti: [UInt32] = Array("DOTDOTMULTI".unicodeScalars.map(\.value))

    /// The normaliser's letters: ASCII, Latin-1 and Latin Extended-A letters (not × ÷),
    /// Cyrillic and its supplement and extensions, phonetic extensions.
    static func isAlpha(_ c: UInt32) -> Bool {
        switch c {
        case 0x41...0x5A, 0x61...0x7A, 0x160, 0x17D, 0x161, 0x17E, 0x178,
             0xC0...0xD6, 0xD8...0xF6, 0xF8...0x17E,
             0x400...0x4FF, 0x500...0x527, 0xA640...0xA66E, 0xA67E...0xA697, 0x1D00...0x1D7F:
            return true
        default:
            return false
        }
    }

    /// `\p{Digit}` in Java's default (ASCII) mode.
    static func isDigit(_ c: UInt32) -> Bool { c >= 0x30 && c <= 0x39 }

    /// A normaliser letter or an ASCII digit.
    static func isAlphanumeric(_ c: UInt32) -> Bool { isDigit(c) || isAlpha(c) }

    /// Java's `\s`: space, tab, LF, VT, FF, CR.
    static func isJavaSpace(_ c: UInt32) -> Bool { c == 0x20 || (c >= 0x09 && c <= 0x0D) }

    /// Characters the first rule wraps in spaces: all but letters, digits, `\s` and . ' ` , - ‘ ’.
    static func isSeparated(_ c: UInt32) -> Bool {
        !(isAlphanumeric(c) || isJavaSpace(c) || c == 0x2E || c == 0x27 || c == 0x60 || c == 0x2C || c == 0x2D
          || c == 0x2018 || c == 0x2019)
    }

    /// The spaces the last rule collapses: space, U+2000-U+200A, U+202F, U+205F, U+3000, U+00A0.
    static func isCollapsedSpace(_ c: UInt32) -> Bool {
        c == 0x20 || (c >= 0x2000 && c <= 0x200A) || c == 0x202F || c == 0x205F || c == 0x3000 || c == 0xA0
    }

    /// Replaces every code point matching `matches` with `replacement(code point)`.
    static func replaceEach(_ text: [UInt32], where matches: (UInt32) -> Bool, _ replacement: (UInt32) -> [UInt32]) -> [UInt32] {
        guard text.contains(where: matches) else { return text }
        var result: [UInt32] = []
        result.reserveCapacity(text.count + 16)
        for c in text {
            if matches(c) { result += replacement(c) } else { result.append(c) }
        }
        return result
    }

    /// `(first)middle(last)` -> `replacement(first, last)`.
    static func replaceTriples(_ text: [UInt32], first: (UInt32) -> Bool, middle: UInt32, last: (UInt32) -> Bool,
                               _ replacement: (UInt32, UInt32) -> [UInt32]) -> [UInt32] {
        guard text.contains(middle) else { return text }
        var result: [UInt32] = []
        result.reserveCapacity(text.count + 16)
        var index = 0
        while index < text.count {
            if index + 2 < text.count && text[index + 1] == middle && first(text[index]) && last(text[index + 2]) {
                result += replacement(text[index], text[index + 2])
                index += 3
            } else {
                result.append(text[index])
                index += 1
            }
        }
        return result
    }

    /// Whether `text` holds `literal`.
    static func contains(_ text: [UInt32], _ literal: [UInt32]) -> Bool {
        firstMatch(of: literal, in: text, from: 0) != nil
    }

    private static func firstMatch(of literal: [UInt32], in text: [UInt32], from start: Int) -> Int? {
        guard !literal.isEmpty, text.count >= literal.count, start <= text.count - literal.count else { return nil }
        for index in start...(text.count - literal.count) where text[index] == literal[0] {
            if text[index..<(index + literal.count)].elementsEqual(literal) { return index }
        }
        return nil
    }

    /// Java's `String.replace(literal, replacement)`: every occurrence, left to right.
    static func replaceLiteral(_ text: [UInt32], _ literal: [UInt32], with replacement: [UInt32]) -> [UInt32] {
        guard var match = firstMatch(of: literal, in: text, from: 0) else { return text }
        var result: [UInt32] = []
        var start = 0
        while true {
            result += text[start..<match]
            result += replacement
            start = match + literal.count
            guard let next = firstMatch(of: literal, in: text, from: start) else { break }
            match = next
        }
        result += text[start...]
        return result
    }

    /// Escapes runs of two or more dots (`\.(\.+)` -> " DOTMULTI$1", then "DOTMULTI." followed
    /// by a non-dot becomes "DOTDOTMULTI " and the rest "DOTDOTMULTI", until no "DOTMULTI." is
    /// left), so the dot-breaking step leaves them alone.
    static func escapeDotRuns(_ text: [UInt32]) -> [UInt32] {
        let dot: UInt32 = 0x2E
        var result: [UInt32] = []
        result.reserveCapacity(text.count + 16)
        var index = 0
        while index < text.count {
            if text[index] == dot && index + 1 < text.count && text[index + 1] == dot {
                var end = index + 1
                while end < text.count && text[end] == dot { end += 1 }
                result += [0x20] + dotMulti + text[(index + 1)..<end]
                index = end
            } else {
                result.append(text[index])
                index += 1
            }
        }
        let dotMultiDot = dotMulti + [dot]
        while contains(result, dotMultiDot) {
            result = replaceLiteralBeforeNonDot(result, dotMultiDot)
            result = replaceLiteral(result, dotMultiDot, with: dotDotMulti)
        }
        return result
    }

    /// `DOTMULTI\.([^\.])` -> "DOTDOTMULTI $1".
    private static func replaceLiteralBeforeNonDot(_ text: [UInt32], _ literal: [UInt32]) -> [UInt32] {
        var result: [UInt32] = []
        result.reserveCapacity(text.count + 16)
        var index = 0
        while index < text.count {
            let end = index + literal.count
            if end < text.count && text[end] != 0x2E && text[index..<end].elementsEqual(literal) {
                result += dotDotMulti + [0x20, text[end]]
                index = end + 1
            } else {
                result.append(text[index])
                index += 1
            }
        }
        return result
    }

    /// `([“”]|'')` -> ` " `.
    static func replaceDoubleQuotes(_ text: [UInt32]) -> [UInt32] {
        var result: [UInt32] = []
        result.reserveCapacity(text.count + 16)
        var index = 0
        while index < text.count {
            let c = text[index]
            if c == 0x201C || c == 0x201D {
                result += [0x20, 0x22, 0x20]
                index += 1
            } else if c == 0x27 && index + 1 < text.count && text[index + 1] == 0x27 {
                result += [0x20, 0x22, 0x20]
                index += 2
            } else {
                result.append(c)
                index += 1
            }
        }
        return result
    }

    /// English contractions split to the right: "dog's" -> "dog 's", "n't" stays one word
    /// after "does n't" -> "does n 't"; a quote between non-letters is spaced on both sides.
    static func splitEnglishContractions(_ text: [UInt32]) -> [UInt32] {
        let quote: UInt32 = 0x27
        let spaced: (UInt32, UInt32) -> [UInt32] = { [$0, 0x20, quote, 0x20, $1] }
        let attached: (UInt32, UInt32) -> [UInt32] = { [$0, 0x20, quote, $1] }
        var text = replaceTriples(text, first: { !isAlpha($0) }, middle: quote, last: { !isAlpha($0) }, spaced)
        text = replaceTriples(text, first: { !isAlpha($0) && !isDigit($0) }, middle: quote, last: isAlpha, spaced)
        text = replaceTriples(text, first: isAlpha, middle: quote, last: { !isAlpha($0) }, spaced)
        text = replaceTriples(text, first: isAlpha, middle: quote, last: isAlpha, attached)
        return replaceTriples(text, first: isDigit, middle: quote, last: { $0 == 0x73 }, attached)
    }

    /// Runs of `isCollapsedSpace` become one space.
    static func collapseWhiteSpace(_ text: [UInt32]) -> [UInt32] {
        var result: [UInt32] = []
        result.reserveCapacity(text.count)
        for c in text {
            if isCollapsedSpace(c) {
                if result.last != 0x20 { result.append(0x20) }
            } else {
                result.append(c)
            }
        }
        return result
    }
}
