import Foundation

/// CIDEr-D exactly as the COCO toolkit's `cider/cider_scorer.py` (the `CIDEr` it reports):
/// n-grams of order 1 to 4 weighted by TF-IDF, where the document frequency counts the images
/// (of those evaluated) whose references hold the n-gram and the IDF is
/// `log(images) - log(max(1, df))`; per order, the cosine of the candidate's vector with each
/// reference's, with the candidate's weights clipped at the reference's, times a Gaussian
/// length penalty (sigma 6) on the difference in bigram counts; averaged over orders and
/// references and multiplied by 10. The corpus score is the mean over images.
struct CIDErScorer {
    private static let sigma = 6.0
    private static let order = NGram.maximumOrder

    /// One sentence as the toolkit's `counts2vec` sees it.
    private struct Vector {
        /// TF-IDF weight of each n-gram.
        var weights: [NGram: Double] = [:]
        /// The n-grams of `weights` in a fixed order, so sums do not depend on the process's
        /// hash seed (reports are then identical from run to run).
        var ngrams: [NGram] = []
        /// Euclidean norm per order.
        var norms = [Double](repeating: 0, count: CIDErScorer.order)
        /// The toolkit's "length": the number of bigrams (it counts n-grams with index 1).
        var length = 0
    }

    /// Scores every image: `candidates[i]` against `references[i]` (n-gram counts).
    static func scores(candidates: [[NGram: Int]], references: [[[NGram: Int]]]) -> (corpus: Double, images: [Double]) {
        var documentFrequency: [NGram: Int] = [:]
        for imageReferences in references {
            var seen = Set<NGram>()
            for counts in imageReferences { seen.formUnion(counts.keys) }
            for ngram in seen { documentFrequency[ngram, default: 0] += 1 }
        }
        let referenceLength = log(Double(references.count))
        func vector(_ counts: [NGram: Int]) -> Vector {
            var vector = Vector()
            vector.ngrams = counts.keys.sorted(by: NGram.precedes)
            for ngram in vector.ngrams {
                let termFrequency = counts[ngram] ?? 0
                let inverse = log(max(1.0, Double(documentFrequency[ngram] ?? 0)))
                let weight = Double(termFrequency) * (referenceLength - inverse)
                vector.weights[ngram] = weight
                vector.norms[Int(ngram.order) - 1] += weight * weight
                if ngram.order == 2 { vector.length += termFrequency }
            }
            vector.norms = vector.norms.map { $0.squareRoot() }
            return vector
        }
        let images = zip(candidates, references).map { candidateCounts, imageReferences -> Double in
            let candidate = vector(candidateCounts)
            var sums = [Double](repeating: 0, count: order)
            for referenceCounts in imageReferences {
                let similarity = self.similarity(candidate, vector(referenceCounts))
                for n in 0..<order { sums[n] += similarity[n] }
            }
            // np.mean over the four orders, then / references, then x 10.
            return (((sums[0] + sums[1]) + sums[2]) + sums[3]) / Double(order) / Double(imageReferences.count) * 10
        }
        return (PairwiseSum.mean(images), images)
    }

    /// Per order: the clipped cosine similarity times the length penalty (the toolkit's `sim`).
    private static func similarity(_ candidate: Vector, _ reference: Vector) -> [Double] {
        let delta = Double(candidate.length - reference.length)
        let penalty = exp(-(delta * delta) / (2 * sigma * sigma))
        var values = [Double](repeating: 0, count: order)
        for ngram in candidate.ngrams {
            let weight = candidate.weights[ngram] ?? 0
            let referenceWeight = reference.weights[ngram] ?? 0
            values[Int(ngram.order) - 1] += min(weight, referenceWeight) * referenceWeight
        }
        for n in 0..<order {
            if candidate.norms[n] != 0 && reference.norms[n] != 0 {
                values[n] /= candidate.norms[n] * reference.norms[n]
            }
            values[n] *= penalty
        }
        return values
    }
}

/// NumPy's summation order for `np.mean` of a float64 array (pairwise in blocks of 8 over
/// runs of 128), so means agree with the toolkit to the last bits rather than only to 1e-12.
enum PairwiseSum {
    /// The mean of `values` as `np.mean` computes it (0 / 0 = NaN for an empty array).
    static func mean(_ values: [Double]) -> Double {
        sum(values[...]) / Double(values.count)
    }

    private static func sum(_ values: ArraySlice<Double>) -> Double {
        let count = values.count
        if count < 8 {
            return values.reduce(0, +)
        }
        if count <= 128 {
            let start = values.startIndex
            var partial = (0..<8).map { values[start + $0] }
            var index = 8
            while index + 8 <= count {
                for lane in 0..<8 { partial[lane] += values[start + index + lane] }
                index += 8
            }
            var result = ((partial[0] + partial[1]) + (partial[2] + partial[3])) + ((partial[4] + partial[5]) + (partial[6] + partial[7]))
            while index < count {
                result += values[start + index]
                index += 1
            }
            return result
        }
        var half = count / 2
        half -= half % 8
        return sum(values.prefix(half)) + sum(values.dropFirst(half))
    }
}
