/// ROUGE-L exactly as the COCO toolkit's `rouge/rouge.py`: the longest common subsequence of
/// the candidate with each reference, the best precision and the best recall over the
/// references (taken separately), combined as an F-measure with beta = 1.2. Words are split
/// on single spaces, so an empty caption is one empty word. The corpus score is the mean.
struct ROUGEScorer {
    private static let betaSquared = 1.2 * 1.2

    /// The ROUGE-L score of one candidate against its references (words as indices).
    static func score(candidate: [Int32], references: [[Int32]]) -> Double {
        var bestPrecision = 0.0
        var bestRecall = 0.0
        for reference in references {
            let common = Double(longestCommonSubsequence(reference, candidate))
            bestPrecision = max(bestPrecision, common / Double(candidate.count))
            bestRecall = max(bestRecall, common / Double(reference.count))
        }
        guard bestPrecision != 0 && bestRecall != 0 else { return 0 }
        return ((1 + betaSquared) * bestPrecision * bestRecall) / (bestRecall + betaSquared * bestPrecision)
    }

    /// The length of the longest common subsequence of two word sequences.
    static func longestCommonSubsequence(_ first: [Int32], _ second: [Int32]) -> Int {
        // lengths: (first.count + 1) x (second.count + 1), kept one row at a time.
        var previous = [Int](repeating: 0, count: second.count + 1)
        var current = previous
        for word in first {
            for column in second.indices {
                current[column + 1] = word == second[column]
                    ? previous[column] + 1
                    : max(previous[column + 1], current[column])
            }
            swap(&previous, &current)
        }
        return previous[second.count]
    }
}
