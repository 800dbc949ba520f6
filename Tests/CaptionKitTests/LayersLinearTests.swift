import Testing
@testable import CaptionKit

@Suite("Layers: Linear and Embedding")
struct LayersLinearTests {
    @Test("linear matches x W^T + b", arguments: [
        (1, 7, 5, true), (3, 7, 5, false), (4, 1, 9, true), (2, 33, 1, true),
        // the few-rows product (up to 8 rows) at sizes that are not multiples of 4, and GEMM above
        (5, 13, 7, true), (8, 64, 9, false), (9, 16, 6, true), (1, 64, 1025, true), (3, 40, 517, false),
    ])
    func linearMatchesNaive(shape: (rows: Int, inputs: Int, outputs: Int, hasBias: Bool)) {
        let input = testValues(shape.rows * shape.inputs, seed: 31)
        let weight = testValues(shape.outputs * shape.inputs, seed: 32)
        let bias = shape.hasBias ? testValues(shape.outputs, seed: 33) : nil
        let expected = NaiveLayers.linear(input, rows: shape.rows, weight: weight, outputs: shape.outputs, bias: bias).map(Float.init)
        let layer = Linear(weight: Tensor(shape: [shape.outputs, shape.inputs], scalars: weight),
                           bias: bias.map { Tensor(shape: [shape.outputs], scalars: $0) })
        #expect(layer.inputFeatures == shape.inputs && layer.outputFeatures == shape.outputs)
        let inputTensor = Tensor(shape: [shape.rows, shape.inputs], scalars: input)
        let output = layer(inputTensor)
        #expect(output.shape == [shape.rows, shape.outputs])
        expectClose(output.scalars, expected, "\(shape)")

        var into = Tensor(shape: [shape.rows, shape.outputs], repeating: 42)
        layer.apply(inputTensor, into: &into)
        #expect(into.scalars == output.scalars, "the caller-buffer form overwrites and agrees")
    }

    @Test("accumulating adds the layer's output to what the buffer holds")
    func linearAccumulates() {
        let layer = Linear(weight: Tensor(shape: [2, 3], scalars: [1, 2, 3, 4, 5, 6]), bias: Tensor(shape: [2], scalars: [10, 20]))
        var output: [Float] = [100, 200, 300, 400]
        let input: [Float] = [1, 0, -1, 2, 1, 0]
        input.withUnsafeBufferPointer { inputBuffer in
            output.withUnsafeMutableBufferPointer { outputBuffer in
                layer.apply(rows: 2, input: inputBuffer.baseAddress!, output: outputBuffer.baseAddress!, accumulate: true)
            }
        }
        // rows: [1, 0, -1] -> [-2 + 10, -2 + 20]; [2, 1, 0] -> [4 + 10, 13 + 20]
        #expect(output == [108, 218, 314, 433])
    }

    @Test("few-row products match the naive products for 1 to 9 rows, with an output row stride")
    func skinnyProducts() {
        let (inner, outputs, stride) = (13, 7, 10)
        let matrix = testValues(inner * outputs, seed: 34)
        for rows in 1...9 {
            let input = testValues(rows * inner, seed: UInt64(35 + rows))
            // x Wᵀ with W = matrix as outputs x inner, accumulated onto ones
            var transposed = [Float](repeating: 1, count: rows * outputs)
            // x M with M = matrix as inner x outputs, rows `stride` apart, the gaps untouched
            var plain = [Float](repeating: -7, count: rows * stride)
            input.withUnsafeBufferPointer { x in
                matrix.withUnsafeBufferPointer { m in
                    transposed.withUnsafeMutableBufferPointer { y in
                        SkinnyProduct.multiplyTransposed(rows: rows, input: x.baseAddress!, weight: m.baseAddress!, outputs: outputs,
                                                         inputs: inner, output: y.baseAddress!, accumulate: true)
                    }
                    plain.withUnsafeMutableBufferPointer { y in
                        SkinnyProduct.multiply(rows: rows, input: x.baseAddress!, matrix: m.baseAddress!, inner: inner,
                                               outputs: outputs, output: y.baseAddress!, outputStride: stride)
                    }
                }
            }
            let expectedTransposed = NaiveLayers.linear(input, rows: rows, weight: matrix, outputs: outputs, bias: nil).map { Float($0 + 1) }
            expectClose(transposed, expectedTransposed, "x Wᵀ + y, \(rows) rows")
            for row in 0..<rows {
                let expected = (0..<outputs).map { column in
                    Float((0..<inner).reduce(0.0) { $0 + Double(input[row * inner + $1]) * Double(matrix[$1 * outputs + column]) })
                }
                expectClose(Array(plain[(row * stride)..<(row * stride + outputs)]), expected, "x M, row \(row) of \(rows)")
                #expect(plain[(row * stride + outputs)..<((row + 1) * stride)].allSatisfy { $0 == -7 })
            }
        }
    }

    @Test("embedding returns the rows of its weight, in index order, repeats included")
    func embeddingLooksUpRows() {
        let weight = testValues(6 * 5, seed: 41)
        let embedding = Embedding(weight: Tensor(shape: [6, 5], scalars: weight))
        #expect(embedding.vocabularySize == 6 && embedding.embeddingSize == 5)
        let indices = [3, 0, 3, 5]
        let output = embedding(indices)
        #expect(output.shape == [4, 5])
        #expect(output.scalars == indices.flatMap { weight[($0 * 5)..<($0 * 5 + 5)] })
        #expect(embedding([]).shape == [0, 5])

        var row = [Float](repeating: 0, count: 7)
        row.withUnsafeMutableBufferPointer { embedding.copyVector(at: 2, into: $0.baseAddress! + 1) }
        #expect(row == [0] + weight[10..<15] + [0])
    }
}
