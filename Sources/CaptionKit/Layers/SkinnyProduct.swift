/// Matrix products with a handful of rows on the left, as the decoder has at every step (one
/// row per live beam): `y = x Wᵀ` with `x` `B x K` for small B and `W` `N x K` stored as
/// PyTorch stores a Linear weight (`multiplyTransposed`), and `y = x M` with `M` `K x N`
/// (`multiply`, the attention's weighted sum of annotation vectors).
///
/// For so few rows a GEMM library spends its time packing `W` into its blocked layout (a full
/// copy of the weight on every call) and runs its micro-kernel mostly empty. Here each row of
/// `W` is read from memory once, front to back, and multiplied with up to four rows of `x` at
/// a time (more rows read it again from the L1 cache), so the weight, the bulk of the
/// decoder's memory traffic, is streamed exactly once per step for all beams. Output
/// columns are split over `ComputeThreads`.
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
        // Chunks of at least 64 KiB of weight.
        ComputeThreads.parallelFor(outputs, minimumChunk: max(16, 16_384 / max(1, inputs))) { chunk in
            for column in chunk {
                for first in stride(from: 0, to: rows, by: 4) {
                    let line = weight + column * inputs, rowInput = input + first * inputs
                    let target = output + first * outputs + column
                    // Literal row counts, so that each call is specialised with its dead sums removed.
                    switch rows - first {
                    case 1: multiplyRow(line, inputs: inputs, input: rowInput, inputRows: 1, output: target,
                                        outputStride: outputs, accumulate: accumulate)
                    case 2: multiplyRow(line, inputs: inputs, input: rowInput, inputRows: 2, output: target,
                                        outputStride: outputs, accumulate: accumulate)
                    case 3: multiplyRow(line, inputs: inputs, input: rowInput, inputRows: 3, output: target,
                                        outputStride: outputs, accumulate: accumulate)
                    default: multiplyRow(line, inputs: inputs, input: rowInput, inputRows: 4, output: target,
                                         outputStride: outputs, accumulate: accumulate)
                    }
                }
            }
        }
    }

    /// One weight row against 1 to 4 input rows, reading the weight row front to back once
    /// (a single sequential stream, which the hardware prefetcher follows at full memory
    /// bandwidth; interleaving several weight rows measured 35% slower): two running 4-wide
    /// sums per input row.
    // weight row: K, input: inputRows x K -> output: inputRows values, outputStride apart
    @inline(__always)
    private static func multiplyRow(
        _ line: UnsafePointer<Float>, inputs: Int, input: UnsafePointer<Float>, inputRows: Int,
        output: UnsafeMutablePointer<Float>, outputStride: Int, accumulate: Bool
    ) {
        let x0 = input, x1 = input + inputs, x2 = input + 2 * inputs, x3 = input + 3 * inputs
        var low = (SIMD4<Float>(), SIMD4<Float>(), SIMD4<Float>(), SIMD4<Float>())
        var high = low
        var k = 0
        while k + 8 <= inputs {
            let (p, q) = (load(line + k), load(line + k + 4))
            low.0 += p * load(x0 + k)
            high.0 += q * load(x0 + k + 4)
            if inputRows > 1 {
                low.1 += p * load(x1 + k)
                high.1 += q * load(x1 + k + 4)
            }
            if inputRows > 2 {
                low.2 += p * load(x2 + k)
                high.2 += q * load(x2 + k + 4)
            }
            if inputRows > 3 {
                low.3 += p * load(x3 + k)
                high.3 += q * load(x3 + k + 4)
            }
            k += 8
        }
        var sums = SIMD4((low.0 + high.0).sum(), (low.1 + high.1).sum(), (low.2 + high.2).sum(), (low.3 + high.3).sum())
        while k < inputs {
            let value = line[k]
            sums[0] += value * x0[k]
            if inputRows > 1 { sums[1] += value * x1[k] }
            if inputRows > 2 { sums[2] += value * x2[k] }
            if inputRows > 3 { sums[3] += value * x3[k] }
            k += 1
        }
        for row in 0..<inputRows {
            output[row * outputStride] = accumulate ? output[row * outputStride] + sums[row] : sums[row]
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

    @inline(__always)
    private static func load(_ pointer: UnsafePointer<Float>) -> SIMD4<Float> {
        UnsafeRawPointer(pointer).loadUnaligned(as: SIMD4<Float>.self)
    }
}
