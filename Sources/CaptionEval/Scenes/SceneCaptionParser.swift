/// Reads captions of the scene grammar (`tools/scenes/grammar.py`), as
/// `tools/scenes/checker.py` does:
///
///     caption   := clause ("and" clause)*
///     clause    := ["there" ("is"|"are")] np [("is"|"are")] [relation np | internal]
///     np        := ("a"|"one"|"another"|"the") [size] colour shape
///                | "two" [size] colour shape "s"
///     relation  := "to the left of" | "to the right of" | "above" | "below"
///     internal  := "side by side" | "one above the other"      (only after "two ...")
///
/// `a`, `one`, `another` and `two` introduce new mentions (`another` needs an earlier mention
/// of the same colour and shape); `the` refers back to the one earlier single mention with
/// that colour and shape (and may add its size). Words are compared exactly (lower case).
public enum SceneCaptionParser {
    /// Why a caption is not a sentence of the grammar.
    public struct SyntaxError: Error, Equatable, Sendable, CustomStringConvertible {
        /// What is wrong, for people.
        public let description: String
    }

    /// The colour words.
    public static let colours: Set<String> = ["red", "green", "blue", "yellow", "purple", "white"]
    /// The shape words (singular).
    public static let shapes: Set<String> = ["circle", "square", "triangle", "diamond"]
    /// The size classes.
    public static let sizes: Set<String> = ["small", "large"]

    private static let determiners: Set<String> = ["a", "one", "another", "the", "two"]
    private static let copulas: Set<String> = ["is", "are"]
    // Tried in this order, as the checker's dictionaries are.
    private static let arrangementPhrases: [([String], SceneAxis)] = [
        (["side", "by", "side"], .horizontal), (["one", "above", "the", "other"], .vertical),
    ]
    private static let relationPhrases: [([String], SceneRelation)] = [
        (["to", "the", "left", "of"], .left), (["to", "the", "right", "of"], .right),
        (["above"], .above), (["below"], .below),
    ]

    /// The reading of a caption given as words.
    /// - Throws: `SyntaxError` when the words are not a sentence of the grammar.
    public static func parse(_ words: [String]) throws(SyntaxError) -> SceneReading {
        var reading = SceneReading()
        var clause: [String] = []
        for word in words + ["and"] {
            guard word == "and" else {
                clause.append(word)
                continue
            }
            guard !clause.isEmpty else { throw SyntaxError(description: "empty clause") }
            try parseClause(clause, into: &reading)
            clause = []
        }
        return reading
    }

    private static func parseClause(_ words: [String], into reading: inout SceneReading) throws(SyntaxError) {
        var position = 0
        if words[0] == "there" {
            guard words.count >= 2, copulas.contains(words[1]) else {
                throw SyntaxError(description: "`there` without `is`/`are`")
            }
            position = 2
        }
        let subject: Int
        (subject, position) = try parseNoun(words, at: position, into: &reading)
        if position < words.count && copulas.contains(words[position]) {
            position += 1
        }
        if position == words.count { return }
        let rest = Array(words[position...])
        for (phrase, axis) in arrangementPhrases where rest == phrase {
            guard reading.mentions[subject].count == 2 else {
                throw SyntaxError(description: "`\(phrase.joined(separator: " "))` needs a pair")
            }
            reading.arrangements.append(SceneReading.Arrangement(mention: subject, axis: axis))
            return
        }
        for (phrase, relation) in relationPhrases where rest.starts(with: phrase) {
            let (object, end) = try parseNoun(words, at: position + phrase.count, into: &reading)
            guard end == words.count else {
                throw SyntaxError(description: "unexpected '\(words[end...].joined(separator: " "))'")
            }
            reading.relations.append(SceneReading.Relation(subject: subject, relation: relation, object: object))
            return
        }
        throw SyntaxError(description: "unexpected '\(rest.joined(separator: " "))'")
    }

    /// Reads `determiner [size] colour shape` at `position`; returns the mention's index and
    /// the position after the phrase.
    private static func parseNoun(_ words: [String], at start: Int, into reading: inout SceneReading) throws(SyntaxError) -> (Int, Int) {
        var position = start
        guard position < words.count, determiners.contains(words[position]) else {
            throw SyntaxError(description: "expected a determiner at word \(position)")
        }
        let determiner = words[position]
        position += 1
        var size: String?
        if position < words.count && sizes.contains(words[position]) {
            size = words[position]
            position += 1
        }
        guard position < words.count - 1, colours.contains(words[position]) else {
            throw SyntaxError(description: "expected a colour and a shape at word \(position)")
        }
        let (colour, noun) = (words[position], words[position + 1])
        let plural = determiner == "two"
        let shape = plural && noun.hasSuffix("s") ? String(noun.dropLast()) : noun
        guard shapes.contains(shape), !(plural && shape == noun) else {
            throw SyntaxError(description: "expected a \(plural ? "plural " : "")shape, got '\(noun)'")
        }
        position += 2
        let sameKind = reading.mentions.indices.filter {
            reading.mentions[$0].colour == colour && reading.mentions[$0].shape == shape
        }
        if determiner == "the" {
            guard sameKind.count == 1, reading.mentions[sameKind[0]].count == 1 else {
                throw SyntaxError(description: "`the \(colour) \(shape)` names no single earlier object")
            }
            let earlier = sameKind[0]
            if let size, let known = reading.mentions[earlier].size, known != size {
                throw SyntaxError(description: "`the \(size) \(colour) \(shape)` contradicts its mention")
            }
            reading.mentions[earlier].size = reading.mentions[earlier].size ?? size
            return (earlier, position)
        }
        if determiner == "another" && sameKind.isEmpty {
            throw SyntaxError(description: "`another \(colour) \(shape)` with none before")
        }
        reading.mentions.append(SceneMention(colour: colour, shape: shape, size: size, count: plural ? 2 : 1))
        return (reading.mentions.count - 1, position)
    }

    /// The objects an ungrammatical caption still names (`checker.loose_mentions`): every
    /// `colour shape` or `colour shapes` pair of words not preceded by `the`, with the size
    /// word before it if any, counted twice after `two` (whether or not the noun is plural).
    public static func looseMentions(_ words: [String]) -> [SceneMention] {
        var mentions: [SceneMention] = []
        for index in words.indices.dropLast() {
            let (colour, noun) = (words[index], words[index + 1])
            let singular = String(noun.dropLast())
            let shape = noun.hasSuffix("s") && shapes.contains(singular) ? singular : noun
            guard colours.contains(colour), shapes.contains(shape) else { continue }
            let size = index >= 1 && sizes.contains(words[index - 1]) ? words[index - 1] : nil
            let before = size != nil && index >= 2 ? words[index - 2] : index >= 1 ? words[index - 1] : ""
            if before == "the" { continue }
            mentions.append(SceneMention(colour: colour, shape: shape, size: size, count: before == "two" ? 2 : 1))
        }
        return mentions
    }
}
