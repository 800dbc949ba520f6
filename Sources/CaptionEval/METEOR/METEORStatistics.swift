import Foundation

/// METEOR's 23 sufficient statistics for one segment (or summed over a corpus), in the jar's
/// order: hypothesis length, reference length, hypothesis and reference function words; for
/// each stage (exact, stem, synonym, paraphrase) the hypothesis content, reference content,
/// hypothesis function and reference function words matched; then chunks, hypothesis words
/// matched, reference words matched.
public struct METEORStatistics: Equatable, Sendable {
    /// The 23 numbers.
    public private(set) var values: [Int]

    /// Statistics from the 23 numbers (as the jar prints them).
    /// - Precondition: `values.count == 23`.
    public init(_ values: [Int]) {
        precondition(values.count == 23, "METEOR has 23 statistics")
        self.values = values
    }

    /// `alpha`, `beta`, `gamma`, `delta` of `-l en` (the default task).
    private static let alpha = 0.85, beta = 0.20, gamma = 0.60, delta = 0.75
    /// The scoring weights of the stages (exact, stem, synonym, paraphrase).
    private static let weights = [1.0, 0.6, 0.8, 0.6]

    private var hypothesisLength: Int { values[0] }
    private var referenceLength: Int { values[1] }
    private var chunks: Int { values[20] }
    private func matched(stage: Int, _ field: Int) -> Int { values[4 + stage * 4 + field] }
    private var hypothesisMatches: Int { (0..<4).reduce(0) { $0 + matched(stage: $1, 0) + matched(stage: $1, 2) } }
    private var referenceMatches: Int { (0..<4).reduce(0) { $0 + matched(stage: $1, 1) + matched(stage: $1, 3) } }

    /// Whether every word of both sides matched in one chunk.
    var isPerfect: Bool {
        hypothesisMatches == hypothesisLength && referenceMatches == referenceLength && chunks == 1
    }

    /// The statistics of an alignment (the chosen match at each reference position) of
    /// `hypothesis` with `reference` (vocabulary indices).
    init(alignment: [METEORMatch?], hypothesis: [Int32], reference: [Int32], isFunctionWord: [Bool]) {
        var values = [Int](repeating: 0, count: 23)
        values[0] = hypothesis.count
        values[1] = reference.count
        values[2] = hypothesis.filter { isFunctionWord[Int($0)] }.count
        values[3] = reference.filter { isFunctionWord[Int($0)] }.count
        for case let match? in alignment {
            for k in 0..<match.matchLength {
                values[4 + match.stage * 4 + (isFunctionWord[Int(hypothesis[match.matchStart + k])] ? 2 : 0)] += 1
            }
            for k in 0..<match.length {
                values[4 + match.stage * 4 + (isFunctionWord[Int(reference[match.start + k])] ? 3 : 1)] += 1
            }
        }
        // Chunks: walk the reference; a gap or a jump in the hypothesis ends a chunk.
        var index = 0
        var lastMatchEnd = -1
        while index < alignment.count {
            guard let match = alignment[index] else {
                if lastMatchEnd != -1 {
                    values[20] += 1
                    lastMatchEnd = -1
                }
                index += 1
                continue
            }
            values[21] += match.matchLength
            values[22] += match.length
            if lastMatchEnd != -1 && match.matchStart != lastMatchEnd {
                values[20] += 1
            }
            index = match.start + match.length
            lastMatchEnd = match.matchStart + match.matchLength
        }
        if lastMatchEnd != -1 { values[20] += 1 }
        self.values = values
    }

    /// The corpus statistics: the sum of every segment's, except that perfectly matched
    /// segments add no chunks.
    public static func corpus(_ segments: [METEORStatistics]) -> METEORStatistics {
        var total = [Int](repeating: 0, count: 23)
        for segment in segments {
            for field in 0..<23 where field != 20 || !segment.isPerfect {
                total[field] += segment.values[field]
            }
        }
        return METEORStatistics(total)
    }

    /// The METEOR score: the alpha-weighted harmonic mean of precision and recall (content
    /// words weighted by delta, function words by 1 - delta, stages by their weights) times
    /// one minus the fragmentation penalty; 0 where that is not a number, never below 0.
    public var score: Double {
        let delta = Self.delta
        let hypothesisFunction = Double(values[2])
        let referenceFunction = Double(values[3])
        let hypothesisWeightedLength = delta * (Double(hypothesisLength) - hypothesisFunction) + (1.0 - delta) * hypothesisFunction
        let referenceWeightedLength = delta * (Double(referenceLength) - referenceFunction) + (1.0 - delta) * referenceFunction
        var hypothesisWeighted = 0.0
        var referenceWeighted = 0.0
        for stage in 0..<4 { hypothesisWeighted += Double(matched(stage: stage, 0)) * Self.weights[stage] * delta }
        for stage in 0..<4 { referenceWeighted += Double(matched(stage: stage, 1)) * Self.weights[stage] * delta }
        for stage in 0..<4 { hypothesisWeighted += Double(matched(stage: stage, 2)) * Self.weights[stage] * (1.0 - delta) }
        for stage in 0..<4 { referenceWeighted += Double(matched(stage: stage, 3)) * Self.weights[stage] * (1.0 - delta) }
        let precision = hypothesisWeighted / hypothesisWeightedLength
        let recall = referenceWeighted / referenceWeightedLength
        let fMean = 1.0 / (((1.0 - Self.alpha) / precision) + (Self.alpha / recall))
        let fragmentation = isPerfect
            ? 0 : Double(chunks) / (Double(hypothesisMatches + referenceMatches) / 2)
        let score = fMean * (1.0 - Self.gamma * pow(fragmentation, Self.beta))
        return score.isNaN ? 0 : max(score, 0.0)
    }
}
