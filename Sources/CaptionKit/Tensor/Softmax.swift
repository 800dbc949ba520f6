import CKernels
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Softmax and log-softmax over the last dimension (`torch.softmax(x, dim=-1)`,
/// `torch.log_softmax(x, dim=-1)`), numerically stable: each row is shifted by its maximum
/// before `exp`, so large logits (1e4 and more) stay finite.
///
/// A row whose elements are all `-infinity` gives NaN, as in PyTorch; callers that mask
/// entries with `-infinity` must leave at least one finite entry per row.
public enum Softmax {
    /// Replaces each row of the row-major `rows x columns` matrix in `values` by its softmax:
    /// `exp(x - max) / sum(exp(x - max))`.
    public static func softmax(rows: Int, columns: Int, values: UnsafeMutablePointer<Float>) {
        forEachRow(rows: rows, columns: columns, values: values) { line, maximum in
            var sum: Float = 0
            for index in line.indices {
                let exponential = expf(line[index] - maximum)
                line[index] = exponential
                sum += exponential
            }
            let inverse = 1 / sum
            for index in line.indices {
                line[index] *= inverse
            }
        }
    }

    /// Replaces each row of the row-major `rows x columns` matrix in `values` by its
    /// log-softmax: `x - max - log(sum(exp(x - max)))`. The sum uses CKernels' vectorised
    /// exp (the decoder's vocabulary-wide rows: 9,490 scalar `expf` calls per beam and step
    /// took a tenth of a beam-5 step); the terms are not stored, so its 1e-7 error only
    /// reaches the result through log(sum).
    public static func logSoftmax(rows: Int, columns: Int, values: UnsafeMutablePointer<Float>) {
        forEachRow(rows: rows, columns: columns, values: values) { line, maximum in
            let sum = line.baseAddress.map { ck_sum_of_exponentials($0, line.count, maximum) } ?? 0
            // (x - max) first: folding max and log(sum) into one shift would round it at the
            // scale of max, losing the small differences between large logits.
            let logSum = logf(sum)
            for index in line.indices {
                line[index] = (line[index] - maximum) - logSum
            }
        }
    }

    /// Calls `body` with each row and its largest element (NaN if the row holds a NaN).
    // values: rows x columns, each row handled independently
    private static func forEachRow(
        rows: Int, columns: Int, values: UnsafeMutablePointer<Float>,
        _ body: (_ line: UnsafeMutableBufferPointer<Float>, _ maximum: Float) -> Void
    ) {
        for row in 0..<rows {
            let line = UnsafeMutableBufferPointer(start: values + row * columns, count: columns)
            var maximum = -Float.infinity
            for value in line where value > maximum || value.isNaN {
                maximum = value
            }
            body(line, maximum)
        }
    }
}

extension Tensor {
    /// The softmax over the last dimension (every other dimension is a batch of rows).
    /// - Precondition: rank at least 1.
    public func softmax() -> Tensor {
        var result = self
        result.applySoftmax()
        return result
    }

    /// The log-softmax over the last dimension (every other dimension is a batch of rows).
    /// - Precondition: rank at least 1.
    public func logSoftmax() -> Tensor {
        var result = self
        result.applyLogSoftmax()
        return result
    }

    /// Replaces the tensor by its softmax over the last dimension, in place.
    /// - Precondition: rank at least 1.
    public mutating func applySoftmax() {
        normalizeRows(Softmax.softmax)
    }

    /// Replaces the tensor by its log-softmax over the last dimension, in place.
    /// - Precondition: rank at least 1.
    public mutating func applyLogSoftmax() {
        normalizeRows(Softmax.logSoftmax)
    }

    /// Runs a row-wise kernel over this tensor seen as `(count / lastDimension) x lastDimension`.
    private mutating func normalizeRows(_ kernel: (Int, Int, UnsafeMutablePointer<Float>) -> Void) {
        precondition(rank >= 1, "softmax needs at least one dimension, got shape \(shape)")
        let columns = shape[rank - 1]
        guard columns > 0, count > 0 else { return }
        let rows = count / columns
        withUnsafeMutableBufferPointer { buffer in
            guard let base = buffer.baseAddress else { return }
            kernel(rows, columns, base)
        }
    }
}
