import Foundation

/// How captions are searched. The defaults reproduce the PyTorch reference beam search
/// (docs/specification.md, "The computation", step 5) with beam size 3.
public struct DecodingOptions: Sendable, Equatable {
    /// How finished hypotheses of different lengths are compared when choosing the answer.
    public enum LengthPenalty: Sendable, Equatable {
        /// Raw sum of log-probabilities (the reference).
        case none
        /// Score divided by the number of emitted words (including `<end>`).
        case average
        /// GNMT's penalty (Wu et al. 2016): score / ((5 + length)^alpha / 6^alpha).
        case wu(alpha: Float)

        /// The value hypotheses are ranked by, for a raw `score` over `length` emitted words.
        public func rankingValue(score: Float, length: Int) -> Float {
            switch self {
            case .none:
                return score
            case .average:
                return score / Float(max(length, 1))
            case let .wu(alpha):
                return score / Float(pow((5 + Double(length)) / 6, Double(alpha)))
            }
        }
    }

    /// Number of beams (1 = greedy).
    public var beamSize: Int
    /// Most decoder steps (emitted words, `<end>` included) per caption.
    public var maxLength: Int
    /// Ranking of finished hypotheses; `.none` reproduces the reference.
    public var lengthPenalty: LengthPenalty
    /// How many of the best finished captions to return as alternatives (1 = only the best).
    public var nBest: Int
    /// Forbids a word that would repeat a trigram already in the hypothesis.
    public var blockRepeatedTrigrams: Bool
    /// Never emits `<unk>`.
    public var suppressUnknown: Bool

    /// Options with the reference defaults: beam 3, at most 50 words, no extras.
    public init(beamSize: Int = 3, maxLength: Int = 50, lengthPenalty: LengthPenalty = .none,
                nBest: Int = 1, blockRepeatedTrigrams: Bool = false, suppressUnknown: Bool = false) {
        self.beamSize = beamSize
        self.maxLength = maxLength
        self.lengthPenalty = lengthPenalty
        self.nBest = nBest
        self.blockRepeatedTrigrams = blockRepeatedTrigrams
        self.suppressUnknown = suppressUnknown
    }

    /// Throws `CaptionError.invalidOptions` when a value is out of range.
    public func validate() throws {
        guard beamSize >= 1 else { throw CaptionError.invalidOptions(reason: "beam size must be at least 1, got \(beamSize)") }
        guard maxLength >= 1 else { throw CaptionError.invalidOptions(reason: "max length must be at least 1, got \(maxLength)") }
        guard nBest >= 1 else { throw CaptionError.invalidOptions(reason: "n-best must be at least 1, got \(nBest)") }
        guard nBest <= beamSize else {
            throw CaptionError.invalidOptions(reason: "n-best (\(nBest)) cannot exceed the beam size (\(beamSize))")
        }
        if case let .wu(alpha) = lengthPenalty {
            guard alpha.isFinite else {
                throw CaptionError.invalidOptions(reason: "length penalty alpha must be a finite number, got \(alpha)")
            }
            guard alpha >= 0 else {
                throw CaptionError.invalidOptions(reason: "length penalty alpha must not be negative, got \(alpha)")
            }
        }
    }
}
