/// A set of UTF-16 code units, matched the way a JFlex character class matches a Java `char`.
/// Classes are case-sensitive, as in JFlex (`%caseless` does not reach inside classes).
indirect enum CharacterClass: Sendable {
    /// Inclusive ranges of code units.
    case ranges([ClosedRange<UInt16>])
    /// Java's `Character.isLetter` (general categories Lu, Ll, Lt, Lm, Lo).
    case letter
    /// Java's `Character.isDigit` (general category Nd).
    case digit
    /// Any of the member classes.
    case union([CharacterClass])
    /// Every code unit the class does not hold.
    case negated(CharacterClass)

    /// A class of the listed characters (all in the Basic Multilingual Plane).
    static func characters(_ members: String) -> CharacterClass {
        .ranges(members.utf16.map { $0...$0 })
    }

    /// ASCII letters `A-Za-z`.
    static let asciiLetter = CharacterClass.ranges([65...90, 97...122])

    /// Whether `unit` belongs to the class.
    func contains(_ unit: UInt16) -> Bool {
        switch self {
        case .ranges(let ranges):
            for range in ranges where range.contains(unit) { return true }
            return false
        case .letter:
            return UnicodeCategories.isLetter(unit)
        case .digit:
            return UnicodeCategories.isDigit(unit)
        case .union(let members):
            for member in members where member.contains(unit) { return true }
            return false
        case .negated(let inner):
            return !inner.contains(unit)
        }
    }
}

/// Java's `Character.isLetter` / `isDigit` for single UTF-16 code units, tabulated once.
/// Surrogates are neither, as in Java, so characters outside the Basic Multilingual Plane
/// (emoji) fall through to the lexer's untokenizable rule.
enum UnicodeCategories {
    private static let letterBit: UInt8 = 1
    private static let digitBit: UInt8 = 2

    private static let table: [UInt8] = (0...0xFFFF).map { value -> UInt8 in
        guard let scalar = Unicode.Scalar(UInt32(value)) else { return 0 }
        switch scalar.properties.generalCategory {
        case .uppercaseLetter, .lowercaseLetter, .titlecaseLetter, .modifierLetter, .otherLetter:
            return letterBit
        case .decimalNumber:
            return digitBit
        default:
            return 0
        }
    }

    /// Whether the code unit is a letter for Java.
    static func isLetter(_ unit: UInt16) -> Bool { table[Int(unit)] & letterBit != 0 }

    /// Whether the code unit is a decimal digit for Java.
    static func isDigit(_ unit: UInt16) -> Bool { table[Int(unit)] & digitBit != 0 }
}

/// A regular expression over UTF-16 code units with JFlex's longest-match meaning: matching
/// from a set of start positions yields every position where a match can end, so a rule's
/// longest match (and a trailing context's split) is read off exactly, without backtracking
/// choices. Literal text matches ASCII letters in either case, as JFlex's `%caseless` does.
indirect enum LexerPattern: Sendable {
    /// One code unit from a class.
    case character(CharacterClass)
    /// A literal string, case-insensitive for ASCII letters.
    case literal([UInt16])
    /// The parts one after another.
    case sequence([LexerPattern])
    /// Any one of the alternatives.
    case choice([LexerPattern])
    /// The pattern repeated between `minimum` and `maximum` times (`Int.max`: unbounded).
    case repetition(LexerPattern, minimum: Int, maximum: Int)

    /// A literal string (caseless for ASCII letters).
    static func text(_ string: String) -> LexerPattern { .literal(Array(string.utf16)) }

    /// One code unit out of the listed characters.
    static func anyOf(_ members: String) -> LexerPattern { .character(.characters(members)) }

    /// Zero or one occurrence.
    static func optional(_ pattern: LexerPattern) -> LexerPattern {
        .repetition(pattern, minimum: 0, maximum: 1)
    }

    /// Zero or more occurrences.
    static func zeroOrMore(_ pattern: LexerPattern) -> LexerPattern {
        .repetition(pattern, minimum: 0, maximum: .max)
    }

    /// One or more occurrences.
    static func oneOrMore(_ pattern: LexerPattern) -> LexerPattern {
        .repetition(pattern, minimum: 1, maximum: .max)
    }

    /// Every position at which a match that starts at one of `starts` can end, ascending and
    /// without repeats. `starts` must be ascending and without repeats.
    func ends(in text: [UInt16], from starts: [Int]) -> [Int] {
        if starts.isEmpty { return [] }
        switch self {
        case .character(let characterClass):
            var result: [Int] = []
            for start in starts where start < text.count && characterClass.contains(text[start]) {
                result.append(start + 1)
            }
            return result
        case .literal(let units):
            var result: [Int] = []
            for start in starts where Self.literalMatches(units, in: text, at: start) {
                result.append(start + units.count)
            }
            return result
        case .sequence(let parts):
            var positions = starts
            for part in parts {
                positions = part.ends(in: text, from: positions)
                if positions.isEmpty { return [] }
            }
            return positions
        case .choice(let alternatives):
            var merged: [Int] = []
            for alternative in alternatives {
                merged.append(contentsOf: alternative.ends(in: text, from: starts))
            }
            return Self.sortedUnique(merged)
        case let .repetition(pattern, minimum, maximum):
            var current = starts
            var collected: [Int] = minimum == 0 ? starts : []
            var count = 0
            while count < maximum {
                var next = pattern.ends(in: text, from: current)
                count += 1
                if pattern.isNullable {
                    // An empty repetition stays in place: keep only positions not yet collected.
                    next = next.filter { !collected.contains($0) && !current.contains($0) }
                }
                if next.isEmpty { break }
                if count >= minimum { collected.append(contentsOf: next) }
                current = next
            }
            return Self.sortedUnique(collected)
        }
    }

    /// Whether the pattern can match the empty string.
    var isNullable: Bool {
        switch self {
        case .character: return false
        case .literal(let units): return units.isEmpty
        case .sequence(let parts): return parts.allSatisfy(\.isNullable)
        case .choice(let alternatives): return alternatives.contains(where: \.isNullable)
        case let .repetition(pattern, minimum, _): return minimum == 0 || pattern.isNullable
        }
    }

    private static func literalMatches(_ units: [UInt16], in text: [UInt16], at start: Int) -> Bool {
        guard start + units.count <= text.count else { return false }
        for (offset, expected) in units.enumerated() {
            let actual = text[start + offset]
            if actual != expected && asciiLowercase(actual) != asciiLowercase(expected) {
                return false
            }
        }
        return true
    }

    /// The ASCII lower-case form of a code unit (other units unchanged).
    static func asciiLowercase(_ unit: UInt16) -> UInt16 {
        (65...90).contains(unit) ? unit + 32 : unit
    }

    private static func sortedUnique(_ positions: [Int]) -> [Int] {
        if positions.count < 2 { return positions }
        var sorted = positions.sorted()
        var write = 1
        for read in 1..<sorted.count where sorted[read] != sorted[write - 1] {
            sorted[write] = sorted[read]
            write += 1
        }
        sorted.removeLast(sorted.count - write)
        return sorted
    }
}

/// Which code units a pattern's match can start with, as a bitmap over ASCII plus one flag
/// for everything else; it lets the lexer skip rules that cannot match at a position.
struct FirstUnitFilter: Sendable {
    private var ascii: (UInt64, UInt64) = (0, 0)
    private var nonASCII = false

    /// The filter of `pattern`; a pattern that can match the empty string admits everything.
    init(_ pattern: LexerPattern) {
        if pattern.isNullable {
            ascii = (.max, .max)
            nonASCII = true
        } else {
            add(pattern)
        }
    }

    /// Whether a match can start with `unit`.
    func admits(_ unit: UInt16) -> Bool {
        if unit >= 128 { return nonASCII }
        return unit < 64 ? ascii.0 & (1 << UInt64(unit)) != 0 : ascii.1 & (1 << UInt64(unit - 64)) != 0
    }

    private mutating func add(_ pattern: LexerPattern) {
        switch pattern {
        case .character(let characterClass):
            for unit in UInt16(0)..<128 where characterClass.contains(unit) { insert(unit) }
            if characterClass.mayContainNonASCII { nonASCII = true }
        case .literal(let units):
            if let first = units.first {
                insert(first)
                insert(LexerPattern.asciiLowercase(first))
                if (97...122).contains(first) { insert(first - 32) }
                if first >= 128 { nonASCII = true }
            }
        case .sequence(let parts):
            for part in parts {
                add(part)
                if !part.isNullable { break }
            }
        case .choice(let alternatives):
            for alternative in alternatives { add(alternative) }
        case .repetition(let inner, _, _):
            add(inner)
        }
    }

    private mutating func insert(_ unit: UInt16) {
        if unit >= 128 {
            nonASCII = true
        } else if unit < 64 {
            ascii.0 |= 1 << UInt64(unit)
        } else {
            ascii.1 |= 1 << UInt64(unit - 64)
        }
    }
}

extension CharacterClass {
    /// Whether the class may hold a code unit of 128 or more (conservative).
    var mayContainNonASCII: Bool {
        switch self {
        case .ranges(let ranges): return ranges.contains { $0.upperBound >= 128 }
        case .letter, .digit, .negated: return true
        case .union(let members): return members.contains(where: \.mayContainNonASCII)
        }
    }
}
