@testable import CaptionEval
import Foundation
import Testing

/// The METEOR cache on a small made-up paraphrase table: the same entries as reading the
/// table itself, damaged files built again, an unwritable folder read around.
@Suite struct METEORCacheTests {
    /// Blocks of a probability, a reference phrase and a paraphrase, with an entry without a
    /// reference, repeated phrases, a word in many entries and a 7-word phrase.
    static let table = """
        0.5
        a man
        a guy
        0.4
        man
        guy
        0.1
        the dog
        a puppy
        0.3

        no reference
        0.2
        café  au\tlait
        coffee
        0.2
        a man
        the man
        0.1
        dog
        hound
        0.1
        big dog
        large hound
        0.1
        a b c d e f g
        h
        0.1
        a man
        a guy
        """

    /// Vocabularies to look up: every word, some, none, and words the table lacks.
    static let vocabularies: [[String]] = [
        ["a", "man", "guy", "the", "dog", "puppy", "no", "reference", "café", "au", "lait", "coffee", "hound",
         "big", "large", "b", "c", "d", "e", "f", "g", "h"],
        ["a", "man", "guy", "dog"],
        ["man", "guy", "the", "zebra"],
        [],
    ]

    static func source(_ text: String = table, checksum: UInt32 = 0x1234) -> ParaphraseSource {
        let lines = text.split(separator: "\n", omittingEmptySubsequences: false).map { Array($0.utf8) }
        return ParaphraseSource(checksum: checksum, size: text.utf8.count) { body in
            for line in lines { line.withUnsafeBufferPointer(body) }
        }
    }

    static func indexed(_ words: [String]) -> [String: Int32] {
        Dictionary(uniqueKeysWithValues: words.enumerated().map { ($0.element, Int32($0.offset)) })
    }

    /// The table read without a cache.
    static func direct(_ words: [String]) throws -> ParaphraseTable {
        try ParaphraseTable(source: source(), vocabulary: indexed(words))
    }

    @Test func aCacheGivesTheTableItself() throws {
        let cache = METEORCache(folder: try TemporaryFile.newFolder().appendingPathComponent("meteor"))
        for (number, words) in Self.vocabularies.enumerated() {
            let found = try cache.paraphrases(Self.source(), vocabulary: Self.indexed(words))
            #expect(found.outcome == (number == 0 ? .built : .reused))
            #expect(found.table == (try Self.direct(words)), "\(words)")
        }
        #expect(try Self.direct(Self.vocabularies[0]).paraphrases.count == 9)
    }

    @Test func damagedFilesAreBuiltAgain() throws {
        let cache = METEORCache(folder: try TemporaryFile.newFolder())
        let url = cache.fileURL(for: Self.source())
        let words = Self.vocabularies[0]
        _ = try cache.paraphrases(Self.source(), vocabulary: Self.indexed(words))
        let good = try Data(contentsOf: url)
        let headerSize = ParaphraseCacheLayout.headerSize
        let damages: [(String, (inout Data) -> Void)] = [
            ("empty", { $0 = Data() }),
            ("truncated", { $0.removeLast(4) }),
            ("half", { $0 = $0.prefix($0.count / 2) }),
            ("longer", { $0.append(0) }),
            ("not a cache", { $0 = Data("paraphrases".utf8) }),
            ("version", { $0[ParaphraseCacheLayout.magic.count] ^= 1 }),
            ("slots zeroed", { $0.replaceSubrange(headerSize..<($0.count / 2), with: Data(count: $0.count / 2 - headerSize)) }),
            ("last record", { $0[$0.count - 1] ^= 0x40 }),
        ]
        for (name, damage) in damages {
            var bytes = good
            damage(&bytes)
            try bytes.write(to: url)
            let found = try cache.paraphrases(Self.source(), vocabulary: Self.indexed(words))
            #expect(found.outcome == .rebuilt, "\(name)")
            #expect(found.table == (try Self.direct(words)), "\(name)")
            #expect(try Data(contentsOf: url) == good, "\(name)")
        }
    }

    @Test func aFileOfOtherDataIsBuiltAgain() throws {
        let cache = METEORCache(folder: try TemporaryFile.newFolder())
        let other = Self.source("0.1\nman\nguy\n", checksum: 0x99)
        _ = try cache.paraphrases(other, vocabulary: Self.indexed(["man", "guy"]))
        try FileManager.default.copyItem(at: cache.fileURL(for: other), to: cache.fileURL(for: Self.source()))
        let found = try cache.paraphrases(Self.source(), vocabulary: Self.indexed(Self.vocabularies[1]))
        #expect(found.outcome == .rebuilt)
        #expect(found.table == (try Self.direct(Self.vocabularies[1])))
    }

    @Test func anUnwritableFolderIsReadAround() throws {
        let blocker = try TemporaryFile.newFolder().appendingPathComponent("file")
        try Data("not a folder".utf8).write(to: blocker)
        let cache = METEORCache(folder: blocker.appendingPathComponent("meteor"))
        for words in Self.vocabularies {
            let found = try cache.paraphrases(Self.source(), vocabulary: Self.indexed(words))
            #expect(found.outcome == .unavailable)
            #expect(found.table == (try Self.direct(words)), "\(words)")
        }
    }

    @Test func theSourcesErrorsComeThrough() throws {
        let failing = ParaphraseSource(checksum: 1, size: 1) { _ throws(EvaluationError) in
            throw .unreadableFile(path: "table.gz", reason: "corrupt")
        }
        let cache = METEORCache(folder: try TemporaryFile.newFolder())
        #expect(throws: EvaluationError.unreadableFile(path: "table.gz", reason: "corrupt")) {
            try cache.paraphrases(failing, vocabulary: Self.indexed(["man"]))
        }
        #expect(try FileManager.default.contentsOfDirectory(atPath: cache.folder.path).isEmpty)
    }
}
