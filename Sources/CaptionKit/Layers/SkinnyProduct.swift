/// Matrix products with a handful of rows on the left, as the decoder has at every step (one
/// row per live beam): `y = x Wᵀ` with `x` `B x K` for small B and `W` `N x K` stored as
/// PyTorch stores a Linear weight (`multiplyTransposed`), and `y = x M` with `M` `K x N`
/// (`multiply`, the attention's weighted sum of annotation vectors).
///
/// For so few rows a GEMM library spends its time packing `W` into its blocked layout (a full
/// copy of the weight on every call) and runs its micro-kernel mostly empty. Here each group
/// of four rows of `W` is read from memory once and kept in the L1 cache while every row of
/// `x` is multiplied with it, so the weight, the bulk of the decoder's memory traffic, is
/// streamed exactly once per step for all beams. Output rows are split over `ComputeThreads`.
enum SkinnyProduct {
    /// The most rows of `x` for which `multiplyTransposed` beats GEMM (above it, GEMM's
    /// packing pays for itself).
    static let rowLimit = 8

    /// `output[b][n] (+)= sum over k of input[b][k] * weight[n][k]`.
    // input: rows x K, weight: N x K -> output: rows x N (row stride N)
    static func multiplyTransposed(
        rows: Int, input: UnsafePointer<Float>, weight: UnsafePointer<Float>,
        outputs: Int, inputs: Int, output: UnsafeMutablePointer<Float>, accumulate: Bool
    ) {
        // Groups of 4 weight rows; chunks of at least 64 rows (32 KiB of a 128-wide weight).
        let groups = (outputs + 3) / 4
        ComputeThreads.parallelFor(groups, minimumChunk: max(16, 8192 / max(1, inputs))) { chunk in
            for group in chunk {
                let first = group * 4
                let count = min(4, outputs - first)
                var row = 0
                while row + 2 <= rows {
                    multiplyGroup(weight + first * inputs, count: count, inputs: inputs,
                                  input: input + row * inputs, inputRows: 2,
                                  output: output + row * outputs + first, outputStride: outputs, accumulate: accumulate)
                    row += 2
                }
                if row < rows {
                    multiplyGroup(weight + first * inputs, count: count, inputs: inputs,
                                  input: input + row * inputs, inputRows: 1,
                                  output: output + row * outputs + first, outputStride: outputs, accumulate: accumulate)
                }
            }
        }
    }

    /// `output[b][n] = sum over k of input[b][k] * matrix[k][n]`, each output row `outputStride`
    /// values after the previous one. Every row of `matrix` is read once for all rows of `input`.
    // input: rows x K, matrix: K x N -> output: rows x N (row stride outputStride)
    static func multiply(
        rows: Int, input: UnsafePointer<Float>, matrix: UnsafePointer<Float>, inner: Int, outputs: Int,
        output: UnsafeMutablePointer<Float>, outputStride: Int
    ) {
        // Columns split into runs of at least 64 over the threads; 4 at a time inside a run.
        ComputeThreads.parallelFor(outputs, minimumChunk: max(64, 65_536 / max(1, rows * inner))) { columns in
            for row in 0..<rows {
                (output + row * outputStride + columns.lowerBound).update(repeating: 0, count: columns.count)
            }
            let vectorEnd = columns.lowerBound + (columns.count & ~3)
            for k in 0..<inner {
                let line = matrix + k * outputs
                for row in 0..<rows {
                    let weight = input[row * inner + k]
                    let target = output + row * outputStride
                    var column = columns.lowerBound
                    while column < vectorEnd {
                        let sum = load(UnsafePointer(target + column)) + weight * load(line + column)
                        UnsafeMutableRawPointer(target + column).storeBytes(of: sum, as: SIMD4<Float>.self)
                        column += 4
                    }
                    while column < columns.upperBound {
                        target[column] += weight * line[column]
                        column += 1
                    }
                }
            }
        }
    }

    /// Up to 4 weight rows (`count`) against 1 or 2 input rows: 8 running 4-wide sums.
    // weights: count x K, input: inputRows x K -> output: inputRows x count (row stride outputStride)
    @inline(__always)
    private static func multiplyGroup(
        _ weights: UnsafePointer<Float>, count: Int, inputs: Int,
        input: UnsafePointer<Float>, inputRows: Int,
        output: UnsafeMutablePointer<Float>, outputStride: Int, accumulate: Bool
    ) {
        // Missing weight rows (count < 4) and a missing second input row read row 0 again;
        // their sums are dropped.
        let w0 = weights, w1 = weights + (count > 1 ? inputs : 0)
        let w2 = weights + (count > 2 ? 2 * inputs : 0), w3 = weights + (count > 3 ? 3 * inputs : 0)
        let x0 = input, x1 = input + (inputRows > 1 ? inputs : 0)
        var sums = (SIMD4<Float>(), SIMD4<Float>(), SIMD4<Float>(), SIMD4<Float>(),
                    SIMD4<Float>(), SIMD4<Float>(), SIMD4<Float>(), SIMD4<Float>())
        let vectorEnd = inputs & ~3
        var k = 0
        while k < vectorEnd {
            let (a, b) = (load(x0 + k), load(x1 + k))
            let (p, q, r, s) = (load(w0 + k), load(w1 + k), load(w2 + k), load(w3 + k))
            sums.0 += a * p
            sums.1 += a * q
            sums.2 += a * r
            sums.3 += a * s
            sums.4 += b * p
            sums.5 += b * q
            sums.6 += b * r
            sums.7 += b * s
            k += 4
        }
        var first = SIMD4(sums.0.sum(), sums.1.sum(), sums.2.sum(), sums.3.sum())
        var second = SIMD4(sums.4.sum(), sums.5.sum(), sums.6.sum(), sums.7.sum())
        while k < inputs {
            let (a, b) = (x0[k], x1[k])
            first += a * SIMD4(w0[k], w1[k], w2[k], w3[k])
            second += b * SIMD4(w0[k], w1[k], w2[k], w3[k])
            k += 1
        }
        store(first, output, count: count, accumulate: accumulate)
        if inputRows > 1 {
            store(second, output + outputStride, count: count, accumulate: accumulate)
        }
    }

    @inline(__always)
    private static func load(_ pointer: UnsafePointer<Float>) -> SIMD4<Float> {
        UnsafeRawPointer(pointer).loadUnaligned(as: SIMD4<Float>.self)
    }

    /// Writes (or adds) the first `count` lanes.
    @inline(__always)
    private static func store(_ values: SIMD4<Float>, _ pointer: UnsafeMutablePointer<Float>, count: Int, accumulate: Bool) {
        for lane in 0..<count {
            pointer[lane] = accumulate ? pointer[lane] + values[lane] : values[lane]
        }
    }
}
