import Testing
@testable import CaptionKit

@Suite("Layers: Linear and Embedding")
struct LayersLinearTests {
    @Test("linear matches x W^T + b", arguments: [(1, 7, 5, true), (3, 7, 5, false), (4, 1, 9, true), (2, 33, 1, true)])
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
