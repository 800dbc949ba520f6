import COpenBLAS

/// Single-precision matrix multiplication through OpenBLAS's `cblas_sgemm`, row-major.
///
/// OpenBLAS runs single-threaded (see `ComputeThreads`); a product large enough to share is
/// cut into independent blocks of rows (or of columns, whichever side of `c` is longer), one
/// `cblas_sgemm` each, over `ComputeThreads.parallelFor`. Every element of `c` is still one
/// call's sum over the whole of `k`, so the blocks change nothing but who computes what.
public enum GEMM {
    /// Below this many multiply-adds a product runs as one call (splitting costs more).
    static let splitThreshold = 4_000_000

    /// `c = alpha * op(a) * op(b) + beta * c` for row-major matrices, where `op(x)` is `x` or
    /// its transpose.
    ///
    /// Shapes: op(a) is m x k, op(b) is k x n, c is m x n. `lda`, `ldb`, `ldc` are the row
    /// strides of the matrices as stored (a stored as m x k, or k x m when transposed).
    public static func multiply(
        m: Int, n: Int, k: Int,
        a: UnsafePointer<Float>, lda: Int, transposeA: Bool = false,
        b: UnsafePointer<Float>, ldb: Int, transposeB: Bool = false,
        c: UnsafeMutablePointer<Float>, ldc: Int,
        alpha: Float = 1, beta: Float = 0
    ) {
        guard m > 0, n > 0 else { return }
        if k == 0 {
            // BLAS leaves c untouched when k is 0; the product is a zero matrix.
            for row in 0..<m {
                let line = c + row * ldc
                for column in 0..<n { line[column] = beta == 0 ? 0 : beta * line[column] }
            }
            return
        }
        _ = ComputeThreads.singleThreadedBLAS
        let parts = m * n * k >= splitThreshold ? ComputeThreads.count : 1
        let splitsRows = m >= n
        // Blocks of at least 16 rows or columns (the kernels' register blocking).
        ComputeThreads.parallelFor(splitsRows ? m : n, minimumChunk: max(16, (splitsRows ? m : n) / parts)) { block in
            // op(a) rows block: a + block * lda (stored m x k) or a + block (stored k x m); c rows likewise.
            // op(b) columns block: b + block (stored k x n) or b + block * ldb (stored n x k); c columns likewise.
            let (aBlock, bBlock, cBlock) = splitsRows
                ? (a + block.lowerBound * (transposeA ? 1 : lda), b, c + block.lowerBound * ldc)
                : (a, b + block.lowerBound * (transposeB ? ldb : 1), c + block.lowerBound)
            cblas_sgemm(
                CblasRowMajor,
                transposeA ? CblasTrans : CblasNoTrans,
                transposeB ? CblasTrans : CblasNoTrans,
                Int32(splitsRows ? block.count : m), Int32(splitsRows ? n : block.count), Int32(k),
                alpha, aBlock, Int32(lda), bBlock, Int32(ldb),
                beta, cBlock, Int32(ldc)
            )
        }
    }
}

extension Tensor {
    /// The matrix product of two rank-2 tensors: [m, k] x [k, n] -> [m, n] (either operand
    /// may be used transposed, as stored).
    public static func matmul(_ a: Tensor, _ b: Tensor, transposeA: Bool = false, transposeB: Bool = false) -> Tensor {
        precondition(a.rank == 2 && b.rank == 2, "matmul needs matrices, got \(a.shape) and \(b.shape)")
        let (m, k) = transposeA ? (a.shape[1], a.shape[0]) : (a.shape[0], a.shape[1])
        let (kB, n) = transposeB ? (b.shape[1], b.shape[0]) : (b.shape[0], b.shape[1])
        precondition(k == kB, "matmul inner sizes differ: \(a.shape) and \(b.shape)")
        var result = Tensor(shape: [m, n])
        a.withUnsafeBufferPointer { aBuffer in
            b.withUnsafeBufferPointer { bBuffer in
                result.withUnsafeMutableBufferPointer { cBuffer in
                    guard let aBase = aBuffer.baseAddress, let bBase = bBuffer.baseAddress,
                          let cBase = cBuffer.baseAddress else { return }
                    GEMM.multiply(
                        m: m, n: n, k: k,
                        a: aBase, lda: a.shape[1], transposeA: transposeA,
                        b: bBase, ldb: b.shape[1], transposeB: transposeB,
                        c: cBase, ldc: n)
                }
            }
        }
        return result
    }
}
