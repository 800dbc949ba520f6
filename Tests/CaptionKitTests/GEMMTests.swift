import Testing
@testable import CaptionKit

/// A plain triple loop: the reference for GEMM.
func naiveMatmul(_ a: [Float], _ b: [Float], m: Int, n: Int, k: Int, transposeA: Bool, transposeB: Bool) -> [Float] {
    var c = [Float](repeating: 0, count: m * n)
    for i in 0..<m {
        for j in 0..<n {
            var sum: Double = 0
            for p in 0..<k {
                let aValue = transposeA ? a[p * m + i] : a[i * k + p]
                let bValue = transposeB ? b[j * k + p] : b[p * n + j]
                sum += Double(aValue) * Double(bValue)
            }
            c[i * n + j] = Float(sum)
        }
    }
    return c
}

/// Deterministic pseudo-random values in [-1, 1) for test inputs.
func testValues(_ count: Int, seed: UInt64) -> [Float] {
    var state = seed &* 6364136223846793005 &+ 1442695040888963407
    return (0..<count).map { _ in
        state = state &* 6364136223846793005 &+ 1442695040888963407
        return Float(Int64(bitPattern: state >> 11) % 2_000_000) / 1_000_000 - 1
    }
}

@Suite("GEMM")
struct GEMMTests {
    @Test("matmul matches the naive product", arguments: [
        (1, 1, 1), (3, 5, 7), (17, 1, 9), (2, 33, 4), (64, 65, 3),
    ])
    func matchesNaive(shape: (Int, Int, Int)) {
        let (m, n, k) = shape
        for transposeA in [false, true] {
            for transposeB in [false, true] {
                let a = testValues(m * k, seed: UInt64(m * 31 + k))
                let b = testValues(k * n, seed: UInt64(n * 17 + k))
                let aTensor = Tensor(shape: transposeA ? [k, m] : [m, k], scalars: a)
                let bTensor = Tensor(shape: transposeB ? [n, k] : [k, n], scalars: b)
                let product = Tensor.matmul(aTensor, bTensor, transposeA: transposeA, transposeB: transposeB)
                #expect(product.shape == [m, n])
                expectClose(product.scalars,
                            naiveMatmul(a, b, m: m, n: n, k: k, transposeA: transposeA, transposeB: transposeB),
                            "m\(m) n\(n) k\(k) tA\(transposeA) tB\(transposeB)")
            }
        }
    }

    @Test("an empty inner dimension gives zeros")
    func emptyInnerDimension() {
        let product = Tensor.matmul(Tensor(shape: [2, 0]), Tensor(shape: [0, 3]))
        #expect(product.scalars == [Float](repeating: 0, count: 6))
    }
}
