/// A caption for one image: the words, its beam score, and where the model looked.
public struct Caption: Sendable, Equatable {
    /// The words joined by single spaces.
    public var text: String { tokens.joined(separator: " ") }
    /// The emitted words, without `<start>` and `<end>`.
    public var tokens: [String]
    /// Vocabulary indices of `tokens`.
    public var tokenIndices: [Int]
    /// The beam score: the sum of the log-probabilities of every emitted word, `<end>`
    /// included when the caption finished.
    public var score: Float
    /// Whether the caption ended with `<end>` (false when it was cut at `maxLength`).
    public var finished: Bool
    /// For each word of `tokens`, the attention weights over the feature grid
    /// (`gridHeight * gridWidth` values, row-major, summing to 1).
    public var attention: [[Float]]
    /// Rows of the feature grid the attention maps cover.
    public var gridHeight: Int
    /// Columns of the feature grid the attention maps cover.
    public var gridWidth: Int
    /// The other best captions, best first, when `DecodingOptions.nBest` > 1 (this caption
    /// is not repeated among them).
    public var alternatives: [Caption]

    /// A caption from its parts.
    public init(tokens: [String], tokenIndices: [Int], score: Float, finished: Bool,
                attention: [[Float]], gridHeight: Int, gridWidth: Int, alternatives: [Caption] = []) {
        self.tokens = tokens
        self.tokenIndices = tokenIndices
        self.score = score
        self.finished = finished
        self.attention = attention
        self.gridHeight = gridHeight
        self.gridWidth = gridWidth
        self.alternatives = alternatives
    }
}
