import CKernels

/// Matrix products with a handful of rows on the left, as the decoder has at every step (one
/// row per live beam): `y = x Wᵀ` with `x` `B x K` for small B and `W` `N x K` stored as
/// PyTorch stores a Linear weight (`multiplyTransposed`), and `y = x M` with `M` `K x N`
/// (`multiply`, the attention's weighted sum of annotation vectors).
///
/// For so few rows a GEMM library spends its time packing `W` into its blocked layout (a full
/// copy of the weight on every call) and runs its micro-kernel mostly empty. Here each row of
/// `W` is read from memory once, front to back, and multiplied with up to six rows of `x` at
/// a time (more rows read it again from the L1 cache), so the weight, the bulk of the
/// decoder's memory traffic, is streamed exactly once per step for all beams. That loop is C
/// (`CKernels`), built for AVX2 + FMA as well as the baseline: with three or more beams it is
/// bound by arithmetic, which Swift's SSE2-only code did at 15 GMAC/s. Output columns are
/// split over `ComputeThreads`.
enum SkinnyProduct {
    /// The most rows of `x` for which `multiplyTransposed` beats GEMM (above it, GEMM's
    /// packing pays for itself).
    static let rowLimit = 8

    /// `output[b][n] (+)= sum over k of input[b][k] * weight[n][k]` (`ck_multiply_transposed`
    /// in CKernels, AVX2 + FMA where the CPU has them), output columns split over threads.
    // input: rows x K, weight: N x K -> output: rows x N (row stride N)
    static func multiplyTransposed(
        rows: Int, input: UnsafePointer<Float>, weight: UnsafePointer<Float>,
        outputs: Int, inputs: Int, output: UnsafeMutablePointer<Float>, accumulate: Bool
    ) {
        // Chunks of at least 64 KiB of weight.
        ComputeThreads.parallelFor(outputs, minimumChunk: max(16, 16_384 / max(1, inputs))) { chunk in
            ck_multiply_transposed(input, rows, weight, inputs, chunk.lowerBound, chunk.upperBound,
                                   output, outputs, accumulate ? 1 : 0)
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
