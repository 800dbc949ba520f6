import Testing
@testable import CaptionKit

/// One convolution configuration to check against the naive direct convolution.
struct ConvolutionCase: CustomStringConvertible, Sendable {
    var batch = 1
    var channels: Int
    var height: Int
    var width: Int
    var outputChannels: Int
    var kernel: (Int, Int)
    var stride: (Int, Int) = (1, 1)
    var padding: (Int, Int) = (0, 0)
    var hasBias = true
    var relu = false
    /// Column-buffer bound in bytes; nil keeps the default (16 MiB).
    var columnBufferLimit: Int?
    /// The algorithm; nil lets Conv2D choose.
    var algorithm: Conv2D.Algorithm?

    var description: String {
        "N\(batch) C\(channels) \(height)x\(width) -> O\(outputChannels) k\(kernel) s\(stride) p\(padding)"
            + "\(hasBias ? " bias" : "")\(relu ? " relu" : "")\(columnBufferLimit.map { " limit \($0)B" } ?? "")"
            + (algorithm.map { " \($0)" } ?? "")
    }

    var inputShape: NaiveLayers.ImageShape {
        .init(batch: batch, channels: channels, height: height, width: width)
    }

    var input: [Float] { testValues(inputShape.count, seed: UInt64(channels * 1000 + height * 10 + width)) }
    var weight: [Float] {
        testValues(outputChannels * channels * kernel.0 * kernel.1, seed: UInt64(outputChannels * 7 + kernel.0))
    }
    var bias: [Float]? { hasBias ? testValues(outputChannels, seed: 99) : nil }

    func layer() -> Conv2D {
        Conv2D(
            weight: Tensor(shape: [outputChannels, channels, kernel.0, kernel.1], scalars: weight),
            bias: bias.map { Tensor(shape: [outputChannels], scalars: $0) },
            stride: (stride.0, stride.1), padding: (padding.0, padding.1), fusesReLU: relu,
            columnBufferLimit: columnBufferLimit ?? Conv2D.defaultColumnBufferLimit, algorithm: algorithm)
    }

    func reference() -> (values: [Float], shape: NaiveLayers.ImageShape) {
        NaiveLayers.convolution(
            input, inputShape, weight: weight, outputChannels: outputChannels, kernel: kernel,
            bias: bias, stride: stride, padding: padding, relu: relu)
    }

    /// Bytes of one im2col column (one output position).
    var columnBytes: Int { channels * kernel.0 * kernel.1 * MemoryLayout<Float>.stride }

    static let all: [ConvolutionCase] = [
        // 1x1 images
        .init(channels: 3, height: 1, width: 1, outputChannels: 5, kernel: (1, 1)),
        .init(batch: 2, channels: 3, height: 1, width: 1, outputChannels: 4, kernel: (3, 3), padding: (1, 1), relu: true),
        // non-square images, channel counts not multiples of 4, batch > 1
        .init(batch: 2, channels: 5, height: 7, width: 11, outputChannels: 6, kernel: (3, 3), padding: (1, 1), relu: true),
        .init(channels: 7, height: 6, width: 3, outputChannels: 1, kernel: (3, 3), padding: (1, 1), hasBias: false),
        // 5x5 kernels, stride 2, padding 2
        .init(channels: 3, height: 9, width: 6, outputChannels: 7, kernel: (5, 5), stride: (2, 2), padding: (2, 2)),
        .init(batch: 3, channels: 2, height: 5, width: 5, outputChannels: 3, kernel: (5, 5)),
        // stride 2 without padding, odd sizes (the last row/column of the input unused)
        .init(channels: 6, height: 10, width: 7, outputChannels: 5, kernel: (3, 3), stride: (2, 2), relu: true),
        // non-square kernel, different stride and padding per axis
        .init(batch: 2, channels: 6, height: 8, width: 10, outputChannels: 9, kernel: (3, 5), stride: (2, 1), padding: (0, 2)),
        // 1x1 kernel with stride 2 and padding 1 (border outputs read only padding)
        .init(channels: 3, height: 5, width: 5, outputChannels: 2, kernel: (1, 1), stride: (2, 2), padding: (1, 1)),
        // padding larger than needed: whole output rows/columns of pure padding
        .init(channels: 2, height: 3, width: 4, outputChannels: 3, kernel: (2, 2), stride: (1, 2), padding: (2, 2)),
        // tile bound forcing many tiles: 7 positions (tiles cross row ends), then a single position
        .init(channels: 5, height: 12, width: 9, outputChannels: 3, kernel: (3, 3), padding: (1, 1), relu: true,
              columnBufferLimit: 5 * 9 * 4 * 7),
        .init(batch: 2, channels: 3, height: 6, width: 5, outputChannels: 4, kernel: (3, 3), stride: (2, 1), padding: (1, 1),
              columnBufferLimit: 1),
        // a VGG-like layer split into tiles of a few rows (im2col: Conv2D would pick Winograd here)
        .init(channels: 16, height: 14, width: 14, outputChannels: 32, kernel: (3, 3), padding: (1, 1), relu: true,
              columnBufferLimit: 16 * 9 * 4 * 14 * 3, algorithm: .im2col),
    ]
}

@Suite("Layers: Conv2D")
struct LayersConvolutionTests {
    @Test("im2col + GEMM matches the naive direct convolution", arguments: ConvolutionCase.all)
    func matchesNaive(_ configuration: ConvolutionCase) {
        let (expected, expectedShape) = configuration.reference()
        let layer = configuration.layer()
        let input = Tensor(shape: configuration.inputShape.dimensions, scalars: configuration.input)
        #expect(layer.outputShape(forInput: input.shape) == expectedShape.dimensions)
        let output = layer(input)
        #expect(output.shape == expectedShape.dimensions)
        expectClose(output.scalars, expected, absoluteTolerance: 1e-5, "\(configuration)")
    }

    @Test("inputs smaller than the kernel or with the wrong channel count have no output shape")
    func rejectedShapes() {
        let layer = Conv2D(weight: Tensor(shape: [2, 3, 3, 3]), padding: 0)
        #expect(layer.outputShape(forInput: [1, 3, 2, 5]) == nil)
        #expect(layer.outputShape(forInput: [1, 4, 8, 8]) == nil)
        #expect(layer.outputShape(forInput: [3, 8, 8]) == nil)
        #expect(layer.outputShape(forInput: [1, 3, 3, 3]) == [1, 2, 1, 1])
        #expect(Conv2D(weight: Tensor(shape: [2, 3, 3, 3]), padding: 1).outputShape(forInput: [1, 3, 1, 1]) == [1, 2, 1, 1])
    }

    @Test("folding a batch norm gives the convolution followed by the batch norm")
    func foldingBatchNorm() {
        let configuration = ConvolutionCase(
            batch: 2, channels: 3, height: 5, width: 4, outputChannels: 5, kernel: (3, 3), padding: (1, 1), relu: true)
        let (convolved, shape) = NaiveLayers.convolution(
            configuration.input, configuration.inputShape, weight: configuration.weight, outputChannels: 5,
            kernel: (3, 3), bias: configuration.bias, stride: (1, 1), padding: (1, 1), relu: false)
        let (weight, bias) = (testValues(5, seed: 1), testValues(5, seed: 2))
        let (mean, variance) = (testValues(5, seed: 3), testValues(5, seed: 4).map { abs($0) + 0.1 })
        let expected = NaiveLayers.batchNorm(
            convolved, shape, weight: weight, bias: bias, mean: mean, variance: variance, epsilon: 1e-5).map { max($0, 0) }
        let batchNorm = BatchNorm2D(
            weight: Tensor(shape: [5], scalars: weight), bias: Tensor(shape: [5], scalars: bias),
            runningMean: Tensor(shape: [5], scalars: mean), runningVariance: Tensor(shape: [5], scalars: variance))
        let folded = configuration.layer().folding(batchNorm)
        let input = Tensor(shape: configuration.inputShape.dimensions, scalars: configuration.input)
        expectClose(folded(input).scalars, expected, absoluteTolerance: 1e-5, "folded conv + batch norm + relu")
    }

    @Test("a convolution reads a borrowed (memory-mapped style) weight without copying it")
    func borrowedWeight() {
        final class Owner {
            let pointer: UnsafeMutablePointer<Float>
            init(_ values: [Float]) {
                pointer = .allocate(capacity: values.count)
                pointer.initialize(from: values, count: values.count)
            }
            deinit { pointer.deallocate() }
        }
        let configuration = ConvolutionCase(channels: 3, height: 4, width: 4, outputChannels: 2, kernel: (3, 3), padding: (1, 1))
        let owner = Owner(configuration.weight)
        let layer = Conv2D(
            weight: Tensor(shape: [2, 3, 3, 3], borrowing: owner.pointer, owner: owner),
            bias: configuration.bias.map { Tensor(shape: [2], scalars: $0) }, padding: 1)
        let output = layer(Tensor(shape: [1, 3, 4, 4], scalars: configuration.input))
        #expect(layer.weight.isBorrowingMemory)
        expectClose(output.scalars, configuration.reference().values, absoluteTolerance: 1e-5)
    }
}
