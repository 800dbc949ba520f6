import CaptionEval
import Testing

@Suite struct PTBTokenizerTests {
    private let tokenizer = PTBTokenizer()

    /// Every caption of tokenizer.json, tokenized in one batch as the toolkit does, must give
    /// the toolkit's string exactly.
    @Test func matchesTheToolkitOnEveryFixtureCaption() throws {
        let entries = try #require(try Fixtures.json("tokenizer.json").arrayValue)
        let captions = try entries.map { try #require($0["caption"]?.stringValue) }
        let expected = try entries.map { try #require($0["tokenized"]?.stringValue) }
        let actual = tokenizer.tokenize(captions)
        let mismatches = captions.indices.filter { actual[$0] != expected[$0] }
        let shown = mismatches.prefix(40).map { "\n  \(captions[$0].debugDescription)\n    got      \(actual[$0].debugDescription)\n    expected \(expected[$0].debugDescription)" }
        #expect(mismatches.isEmpty, "\(mismatches.count) of \(captions.count) captions differ:\(shown.joined())")
    }

    @Test func splitsCliticsAndDropsPunctuation() {
        #expect(tokenizer.tokenize("A man's dog isn't running, they're here.") == "a man 's dog is n't running they 're here")
        #expect(tokenizer.tokenize("Don't CAN'T won't") == "do n't ca n't wo n't")
    }

    @Test func keepsNumbersHyphenatedWordsAndAbbreviationsWhole() {
        #expect(tokenizer.tokenize("3,000 people at 3.5 miles; a well-known U.S. spot") == "3,000 people at 3.5 miles a well-known u.s. spot")
    }

    @Test func lowerCasedBracketTokensStayAsTheToolkitComparesUpperCase() {
        #expect(tokenizer.tokenize("a (red) [big] {old} car") == "a -lrb- red -rrb- -lsb- big -rsb- -lcb- old -rcb- car")
    }

    @Test func quotesAndEllipsesAreRemoved() {
        #expect(tokenizer.tokenize("he said \"yes\"... 'maybe'") == "he said yes maybe")
    }

    @Test func aLineBreakInsideACaptionCountsAsASpace() {
        #expect(tokenizer.tokenize(["a dog\nruns", "a cat\r\nsits", "a bird\u{2028}flies"]) == ["a dog runs", "a cat sits", "a bird flies"])
    }

    @Test func emptyAndPunctuationOnlyCaptionsBecomeEmpty() {
        #expect(tokenizer.tokenize(["", "...", "a"]) == ["", "", "a"])
    }
}
