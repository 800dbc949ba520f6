import CKernels
import Testing
@testable import CaptionKit

@Suite("Layers: Conv2D through Winograd F(4x4, 3x3)")
struct LayersWinogradTests {
    static let cases: [ConvolutionCase] = [
        // 1x1 and 2x2 images: every tile reads padding, and a 1x1 output sticks out of its tile
        .init(channels: 3, height: 1, width: 1, outputChannels: 2, kernel: (3, 3), padding: (1, 1), algorithm: .winograd),
        .init(channels: 2, height: 2, width: 2, outputChannels: 3, kernel: (3, 3), padding: (1, 1), relu: true, algorithm: .winograd),
        // odd sizes (last tile row and column half outside), batch > 1, no bias
        .init(batch: 2, channels: 5, height: 7, width: 11, outputChannels: 6, kernel: (3, 3), padding: (1, 1), relu: true,
              algorithm: .winograd),
        .init(channels: 7, height: 6, width: 3, outputChannels: 1, kernel: (3, 3), padding: (1, 1), hasBias: false,
              algorithm: .winograd),
        // wide rows: 10 tiles (one partial group of 16, the last output column alone in its
        // tile), then 18 (groups of 16 and 2, the last tile half outside)
        .init(channels: 3, height: 5, width: 37, outputChannels: 2, kernel: (3, 3), padding: (1, 1), relu: true,
              algorithm: .winograd),
        .init(channels: 3, height: 9, width: 70, outputChannels: 2, kernel: (3, 3), padding: (1, 1), relu: true,
              algorithm: .winograd),
        // no padding, padding 2, and different padding per axis
        .init(channels: 4, height: 9, width: 8, outputChannels: 5, kernel: (3, 3), algorithm: .winograd),
        .init(channels: 3, height: 5, width: 6, outputChannels: 4, kernel: (3, 3), padding: (2, 2), relu: true,
              algorithm: .winograd),
        .init(channels: 3, height: 6, width: 5, outputChannels: 2, kernel: (3, 3), padding: (0, 1), algorithm: .winograd),
        // blocks of a few tiles (tiles of one block cross tile rows), then one tile per block
        .init(channels: 5, height: 12, width: 9, outputChannels: 3, kernel: (3, 3), padding: (1, 1), relu: true,
              columnBufferLimit: 16 * 4 * (5 + 3) * 7, algorithm: .winograd),
        .init(batch: 2, channels: 3, height: 6, width: 5, outputChannels: 4, kernel: (3, 3), padding: (1, 1),
              columnBufferLimit: 1, algorithm: .winograd),
        // VGG-like layers, chosen automatically: 16 channels (split into blocks) and 64 channels
        .init(channels: 16, height: 14, width: 14, outputChannels: 32, kernel: (3, 3), padding: (1, 1), relu: true,
              columnBufferLimit: 16 * 4 * (16 + 32) * 10),
        .init(channels: 64, height: 15, width: 13, outputChannels: 24, kernel: (3, 3), padding: (1, 1), relu: true),
    ]

    @Test("Winograd matches the naive direct convolution", arguments: cases)
    func matchesNaive(_ configuration: ConvolutionCase) {
        let (expected, expectedShape) = configuration.reference()
        let layer = configuration.layer()
        #expect(layer.algorithm == .winograd)
        let input = Tensor(shape: configuration.inputShape.dimensions, scalars: configuration.input)
        let output = layer(input)
        #expect(output.shape == expectedShape.dimensions)
        // F(4x4)'s transforms scale values by up to 8 and 1/8 on the way through, so its
        // rounding grows with the layer's outputs: measured, at most 3.6e-6 of the largest
        // output (1.2e-4 where 64 channels give outputs up to 33). The bound, 2e-5 of it,
        // leaves a margin of 5; a misplaced tap or tile moves outputs by far more.
        let largest = expected.map(abs).max() ?? 0
        expectClose(output.scalars, expected, absoluteTolerance: 2e-5 * max(largest, 1), "\(configuration)")
    }

    /// Cases for every instruction set of the transforms: wide rows, blocks that start inside a
    /// row of 18 tiles, a tile per block, no padding and an output smaller than a tile.
    static let instructionSetCases: [ConvolutionCase] = [
        .init(channels: 3, height: 9, width: 70, outputChannels: 2, kernel: (3, 3), padding: (1, 1), relu: true),
        .init(channels: 5, height: 12, width: 70, outputChannels: 3, kernel: (3, 3), padding: (1, 1),
              columnBufferLimit: 36 * 4 * (5 + 3) * 23),
        .init(channels: 3, height: 6, width: 21, outputChannels: 4, kernel: (3, 3), padding: (1, 1), hasBias: false,
              columnBufferLimit: 1),
        .init(channels: 4, height: 9, width: 8, outputChannels: 5, kernel: (3, 3)),
        .init(channels: 2, height: 2, width: 2, outputChannels: 3, kernel: (3, 3), padding: (1, 1), relu: true),
    ]

    @Test("the transforms give the same in every instruction set this CPU runs (AVX-512, AVX2, baseline)",
          arguments: [CK_SET_BASELINE, CK_SET_AVX2, CK_SET_AVX512].filter { $0.rawValue <= ck_widest_instruction_set().rawValue })
    func instructionSets(_ set: ck_instruction_set) {
        for configuration in Self.instructionSetCases {
            let (expected, expectedShape) = configuration.reference()
            let convolution = WinogradConvolution(
                weight: Tensor(shape: [configuration.outputChannels, configuration.channels, 3, 3], scalars: configuration.weight),
                bias: configuration.bias.map { Tensor(shape: [configuration.outputChannels], scalars: $0) },
                padding: configuration.padding, fusesReLU: configuration.relu,
                bufferLimit: configuration.columnBufferLimit ?? Conv2D.defaultColumnBufferLimit, instructionSet: set)
            let output = Self.apply(convolution, to: configuration.input, height: configuration.height,
                                    width: configuration.width, outputHeight: expectedShape.height,
                                    outputWidth: expectedShape.width)
            // The bound of `matchesNaive`; every output is written (NaN stays where one is not).
            let largest = expected.map(abs).max() ?? 0
            expectClose(output, expected, absoluteTolerance: 2e-5 * max(largest, 1), "\(configuration) set \(set.rawValue)")
        }
    }

    @Test("a NaN input gives NaN outputs through the fused ReLU, as PyTorch's, not zeros",
          arguments: [CK_SET_BASELINE, CK_SET_AVX2, CK_SET_AVX512].filter { $0.rawValue <= ck_widest_instruction_set().rawValue })
    func nanSurvivesReLU(_ set: ck_instruction_set) {
        let convolution = WinogradConvolution(
            weight: Tensor(shape: [2, 1, 3, 3], repeating: -1), bias: nil, padding: (1, 1), fusesReLU: true,
            bufferLimit: Conv2D.defaultColumnBufferLimit, instructionSet: set)
        var image = [Float](repeating: 1, count: 8 * 8)
        image[3 * 8 + 3] = .nan
        let output = Self.apply(convolution, to: image, height: 8, width: 8, outputHeight: 8, outputWidth: 8)
        // All other sums are negative, so ReLU makes them 0; the NaN's own window stays NaN.
        #expect(output[3 * 8 + 3].isNaN && output[64 + 3 * 8 + 3].isNaN)
        #expect(output[7 * 8 + 7] == 0)
    }

    /// `convolution.apply` on one `H x W` image: the `O x H' x W'` output, NaN where nothing
    /// was written.
    static func apply(_ convolution: WinogradConvolution, to image: [Float], height: Int, width: Int,
                      outputHeight: Int, outputWidth: Int) -> [Float] {
        var output = [Float](repeating: .nan, count: convolution.outputChannels * outputHeight * outputWidth)
        var workspace = [Float](repeating: 0, count: convolution.workspaceCount(outputHeight: outputHeight, outputWidth: outputWidth))
        image.withUnsafeBufferPointer { image in
            output.withUnsafeMutableBufferPointer { output in
                workspace.withUnsafeMutableBufferPointer { workspace in
                    convolution.apply(image: image.baseAddress!, height: height, width: width, output: output.baseAddress!,
                                      outputHeight: outputHeight, outputWidth: outputWidth, workspace: workspace.baseAddress!)
                }
            }
        }
        return output
    }

    @Test("Conv2D picks Winograd for 3x3 stride-1 kernels over at least 16 channels, im2col otherwise")
    func algorithmChoice() {
        #expect(Conv2D.preferredAlgorithm(kernel: (3, 3), stride: (1, 1), inputChannels: 16) == .winograd)
        #expect(Conv2D.preferredAlgorithm(kernel: (3, 3), stride: (1, 1), inputChannels: 15) == .im2col)
        #expect(Conv2D.preferredAlgorithm(kernel: (3, 3), stride: (2, 2), inputChannels: 64) == .im2col)
        #expect(Conv2D.preferredAlgorithm(kernel: (5, 5), stride: (1, 1), inputChannels: 64) == .im2col)
        #expect(Conv2D(weight: Tensor(shape: [4, 3, 3, 3]), padding: 1).algorithm == .im2col)
        #expect(Conv2D(weight: Tensor(shape: [4, 32, 3, 3]), padding: 1).algorithm == .winograd)
    }

    @Test("folding a batch norm keeps the Winograd path and matches the folded im2col convolution")
    func foldingKeepsAlgorithm() {
        let configuration = ConvolutionCase(channels: 3, height: 5, width: 7, outputChannels: 4, kernel: (3, 3),
                                            padding: (1, 1), relu: true, algorithm: .winograd)
        var plain = configuration
        plain.algorithm = .im2col
        let batchNorm = BatchNorm2D(
            weight: Tensor(shape: [4], scalars: testValues(4, seed: 5)), bias: Tensor(shape: [4], scalars: testValues(4, seed: 6)),
            runningMean: Tensor(shape: [4], scalars: testValues(4, seed: 7)),
            runningVariance: Tensor(shape: [4], scalars: testValues(4, seed: 8).map { abs($0) + 0.1 }))
        let (folded, reference) = (configuration.layer().folding(batchNorm), plain.layer().folding(batchNorm))
        #expect(folded.algorithm == .winograd)
        let input = Tensor(shape: configuration.inputShape.dimensions, scalars: configuration.input)
        expectClose(folded(input).scalars, reference(input).scalars, absoluteTolerance: 1e-5, "folded Winograd")
    }
}
