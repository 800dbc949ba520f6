import Testing
@testable import CaptionKit

/// An image batch of test values.
func testImageBatch(_ batch: Int, _ channels: Int, _ height: Int, _ width: Int, seed: UInt64 = 11)
    -> (tensor: Tensor, values: [Float], shape: NaiveLayers.ImageShape) {
    let shape = NaiveLayers.ImageShape(batch: batch, channels: channels, height: height, width: width)
    let values = testValues(shape.count, seed: seed)
    return (Tensor(shape: shape.dimensions, scalars: values), values, shape)
}

@Suite("Layers: pooling and batch norm")
struct LayersPoolingTests {
    @Test("max pool matches the naive windows (floor mode)", arguments: [
        // N, C, H, W, kernel, stride
        [1, 1, 2, 2, 2, 2], [2, 3, 7, 5, 2, 2], [1, 5, 9, 8, 3, 2], [2, 3, 4, 6, 3, 1], [1, 2, 1, 1, 1, 1], [1, 6, 3, 9, 3, 3],
        // 2x2 stride 2 over rows of 8-output steps and a tail (9 outputs from 19 columns; 8 from 16; 17 from 35)
        [1, 2, 6, 19, 2, 2], [1, 1, 4, 16, 2, 2], [1, 3, 5, 35, 2, 2],
    ])
    func maxPoolMatchesNaive(parameters: [Int]) {
        let (tensor, values, shape) = testImageBatch(parameters[0], parameters[1], parameters[2], parameters[3])
        let (expected, expectedShape) = NaiveLayers.maxPool(values, shape, kernel: parameters[4], stride: parameters[5])
        let pool = MaxPool2D(kernelSize: parameters[4], stride: parameters[5])
        let output = pool(tensor)
        #expect(output.shape == expectedShape.dimensions)
        #expect(output.scalars == expected, "\(parameters)")
    }

    @Test("max pool defaults to 2x2 stride 2, refuses inputs smaller than a window, propagates NaN")
    func maxPoolDefaultsAndEdges() {
        let pool = MaxPool2D()
        #expect(pool.kernelSize == 2 && pool.stride == 2)
        #expect(MaxPool2D(kernelSize: 3).stride == 3)
        #expect(pool.outputShape(forInput: [1, 3, 1, 4]) == nil)
        #expect(pool.outputShape(forInput: [1, 3, 5, 4]) == [1, 3, 2, 2])
        let withNaN = pool(Tensor(shape: [1, 1, 2, 4], scalars: [1, .nan, 5, 6, 3, 4, 7, 8]))
        #expect(withNaN.scalars[0].isNaN)
        #expect(withNaN.scalars[1] == 8)
        // NaN in each of the four places of a window, in the 8-wide steps and in the tail
        for place in 0..<4 {
            for window in [1, 9] {
                var values = [Float](repeating: 1, count: 2 * 20)
                values[(place / 2) * 20 + 2 * window + place % 2] = .nan
                let pooled = pool(Tensor(shape: [1, 1, 2, 20], scalars: values)).scalars
                #expect(pooled.indices.allSatisfy { $0 == window ? pooled[$0].isNaN : pooled[$0] == 1 }, "\(place) \(window): \(pooled)")
            }
        }
        let negative = pool(Tensor(shape: [1, 1, 2, 2], scalars: [-4, -3, -2, -5]))
        #expect(negative.scalars == [-2])
    }

    @Test("adaptive average pool matches PyTorch's bins, including output larger than input",
          arguments: [
              // N, C, H, W, outH, outW
              [1, 2, 14, 14, 7, 7], [2, 3, 13, 10, 4, 3], [1, 5, 3, 5, 7, 4], [1, 1, 1, 1, 2, 3],
              [1, 3, 5, 7, 5, 7], [2, 2, 6, 6, 1, 1], [1, 3, 11, 9, 14, 14],
          ])
    func adaptiveAveragePoolMatchesNaive(parameters: [Int]) {
        let (tensor, values, shape) = testImageBatch(parameters[0], parameters[1], parameters[2], parameters[3])
        let expected = NaiveLayers.adaptiveAveragePool(values, shape, outputHeight: parameters[4], outputWidth: parameters[5])
        let pool = AdaptiveAvgPool2D(outputSize: (parameters[4], parameters[5]))
        let output = pool(tensor)
        #expect(output.shape == [parameters[0], parameters[1], parameters[4], parameters[5]])
        expectClose(output.scalars, expected, "\(parameters)")
    }

    @Test("adaptive bins are PyTorch's: 5 -> 3 gives [0,2) [1,4) [3,5); 2 -> 3 gives [0,1) [0,2) [1,2)")
    func adaptiveBins() {
        #expect(AdaptiveAvgPool2D.bins(input: 5, output: 3) == [0..<2, 1..<4, 3..<5])
        #expect(AdaptiveAvgPool2D.bins(input: 2, output: 3) == [0..<1, 0..<2, 1..<2])
        #expect(AdaptiveAvgPool2D(outputSize: 3).outputShape(forInput: [1, 2, 0, 4]) == nil)
    }

    @Test("batch norm (eval) matches (x - mean) / sqrt(var + eps) * weight + bias", arguments: [1e-5, 1e-3] as [Float])
    func batchNormMatchesNaive(epsilon: Float) {
        let (tensor, values, shape) = testImageBatch(2, 5, 3, 4)
        let weight = testValues(5, seed: 21), bias = testValues(5, seed: 22), mean = testValues(5, seed: 23)
        let variance = testValues(5, seed: 24).map { abs($0) * 0.01 }
        let expected = NaiveLayers.batchNorm(
            values, shape, weight: weight, bias: bias, mean: mean, variance: variance, epsilon: Double(epsilon))
        let layer = BatchNorm2D(
            weight: Tensor(shape: [5], scalars: weight), bias: Tensor(shape: [5], scalars: bias),
            runningMean: Tensor(shape: [5], scalars: mean), runningVariance: Tensor(shape: [5], scalars: variance),
            epsilon: epsilon)
        expectClose(layer(tensor).scalars, expected, "eps \(epsilon)")

        var inPlace = tensor
        layer.apply(to: &inPlace, fusesReLU: true)
        expectClose(inPlace.scalars, expected.map { max($0, 0) }, "in place with ReLU")
        #expect(tensor.scalars == values, "the source of an in-place copy is left alone")
    }
}
