import Foundation

/// The model's word map (`vocab.json`, `{"word": index}` with dense indices 0..V-1), with the
/// special tokens `<start>`, `<end>`, `<unk>` and `<pad>`.
public struct Vocabulary: Sendable, Equatable {
    /// Words by index.
    public let words: [String]
    /// Index of `<start>`.
    public let startIndex: Int
    /// Index of `<end>`.
    public let endIndex: Int
    /// Index of `<unk>`.
    public let unknownIndex: Int
    /// Index of `<pad>`.
    public let padIndex: Int
    private let indices: [String: Int]

    /// The number of words, special tokens included.
    public var count: Int { words.count }

    /// Reads and validates `vocab.json` at `url`.
    public init(contentsOf url: URL) throws {
        let data: Data
        do {
            data = try Data(contentsOf: url)
        } catch {
            throw CaptionError.unreadableFile(path: url.path, reason: ModelConfiguration.reason(of: error))
        }
        try self.init(json: data, path: url.path)
    }

    /// Parses and validates a JSON word map; `path` names the source in errors.
    public init(json data: Data, path: String) throws {
        let map: [String: Int]
        do {
            map = try JSONDecoder().decode([String: Int].self, from: data)
        } catch {
            throw CaptionError.invalidVocabulary(path: path, reason: "expected a JSON object of word to integer index (\(ModelConfiguration.reason(of: error)))")
        }
        try self.init(indices: map, path: path)
    }

    /// Builds a vocabulary from a word map; `path` names the source in errors.
    public init(indices map: [String: Int], path: String = "(vocabulary)") throws {
        var words = [String?](repeating: nil, count: map.count)
        for (word, index) in map.sorted(by: { $0.value < $1.value || ($0.value == $1.value && $0.key < $1.key) }) {
            guard index >= 0, index < map.count else {
                throw CaptionError.invalidVocabulary(path: path, reason: "index \(index) of '\(word)' is outside 0..<\(map.count) (indices must be dense)")
            }
            if let other = words[index] {
                throw CaptionError.invalidVocabulary(path: path, reason: "index \(index) is used by both '\(other)' and '\(word)'")
            }
            words[index] = word
        }
        func special(_ token: String) throws -> Int {
            guard let index = map[token] else {
                throw CaptionError.invalidVocabulary(path: path, reason: "missing special token '\(token)'")
            }
            return index
        }
        startIndex = try special("<start>")
        endIndex = try special("<end>")
        unknownIndex = try special("<unk>")
        padIndex = try special("<pad>")
        self.words = words.compactMap { $0 }
        indices = map
    }

    /// The index of `word`, or `nil` when it is not in the vocabulary.
    public func index(of word: String) -> Int? {
        indices[word]
    }

    /// Whether `index` is one of the four special tokens.
    public func isSpecial(_ index: Int) -> Bool {
        index == startIndex || index == endIndex || index == unknownIndex || index == padIndex
    }
}
