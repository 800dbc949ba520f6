import Foundation

/// BLEU-1 to BLEU-4 exactly as the COCO toolkit's `bleu/bleu_scorer.py` computes them with
/// `option='closest'`: clipped n-gram matches against the maximum count over the references,
/// the reference length closest to the candidate's (the shorter on a tie), the constants
/// `tiny = 1e-15` and `small = 1e-9`, and a brevity penalty when the candidate is shorter.
/// The corpus score pools the counts of all images; the per-image scores are each image's own.
struct BLEUScorer {
    private static let tiny = 1e-15
    private static let small = 1e-9
    private static let order = NGram.maximumOrder

    /// What BLEU needs from one image (the toolkit's `cook_test` result).
    struct Statistics {
        var candidateLength = 0
        var referenceLength = 0
        var guessed = [Int](repeating: 0, count: BLEUScorer.order)
        var correct = [Int](repeating: 0, count: BLEUScorer.order)
    }

    /// The statistics of one candidate against its references (words as indices).
    static func statistics(candidate: [Int32], candidateCounts: [NGram: Int], references: [[Int32]], referenceCounts: [[NGram: Int]]) -> Statistics {
        var maximumCounts: [NGram: Int] = [:]
        for counts in referenceCounts {
            for (ngram, count) in counts where count > maximumCounts[ngram, default: 0] {
                maximumCounts[ngram] = count
            }
        }
        var statistics = Statistics()
        statistics.candidateLength = candidate.count
        // The closest reference length; on a tie the shorter one (Python's min over (distance, length)).
        statistics.referenceLength = references.map(\.count).min {
            (abs($0 - candidate.count), $0) < (abs($1 - candidate.count), $1)
        } ?? 0
        for k in 0..<order {
            statistics.guessed[k] = max(0, candidate.count - k)
        }
        for (ngram, count) in candidateCounts {
            statistics.correct[Int(ngram.order) - 1] += min(maximumCounts[ngram] ?? 0, count)
        }
        return statistics
    }

    /// BLEU-1 ... BLEU-4 of pooled statistics.
    static func score(_ statistics: Statistics) -> [Double] {
        var scores: [Double] = []
        var product = 1.0
        for k in 0..<order {
            product *= (Double(statistics.correct[k]) + tiny) / (Double(statistics.guessed[k]) + small)
            scores.append(pow(product, 1.0 / Double(k + 1)))
        }
        let ratio = (Double(statistics.candidateLength) + tiny) / (Double(statistics.referenceLength) + small)
        if ratio < 1 {
            let penalty = exp(1 - 1 / ratio)
            scores = scores.map { $0 * penalty }
        }
        return scores
    }

    /// The corpus score (from the summed statistics) and each image's score.
    static func scores(_ perImage: [Statistics]) -> (corpus: [Double], images: [[Double]]) {
        var total = Statistics()
        for statistics in perImage {
            total.candidateLength += statistics.candidateLength
            total.referenceLength += statistics.referenceLength
            for k in 0..<order {
                total.guessed[k] += statistics.guessed[k]
                total.correct[k] += statistics.correct[k]
            }
        }
        return (score(total), perImage.map(score))
    }
}
