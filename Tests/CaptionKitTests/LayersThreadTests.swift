import Testing
@testable import CaptionKit

/// The same layers run with one and with two compute threads give the same numbers: the
/// library's parallel loops only split independent outputs, never a sum, so pooling and
/// batch norm agree bit for bit; OpenBLAS's GEMM may round differently with another thread
/// count, so layers built on it agree to float rounding (1e-5 relative).
/// Serialized because `ComputeThreads.count` is process-wide (and under `ThreadSettings`'
/// lock, so that other suites' bit-for-bit comparisons do not see the setting change).
@Suite("Layers: one thread and two threads agree", .serialized)
struct LayersThreadTests {
    /// `body` evaluated with 1 thread and with 2, the setting restored afterwards.
    func withOneAndTwoThreads(_ body: () -> [Float]) -> (one: [Float], two: [Float]) {
        ThreadSettings.exclusively {
            let saved = ComputeThreads.count
            defer { ComputeThreads.count = saved }
            ComputeThreads.count = 1
            let one = body()
            ComputeThreads.count = 2
            return (one, body())
        }
    }

    @Test("Conv2D (im2col split over rows, bias and ReLU over channels; Winograd transforms split over channels)",
          arguments: [Conv2D.Algorithm.im2col, .winograd])
    func convolution(algorithm: Conv2D.Algorithm) {
        // 16 channels x 3 x 3 = 144 column rows, 784 positions: large enough to split.
        let layer = Conv2D(
            weight: Tensor(shape: [24, 16, 3, 3], scalars: testValues(24 * 16 * 9, seed: 71)),
            bias: Tensor(shape: [24], scalars: testValues(24, seed: 72)), padding: 1, fusesReLU: true,
            columnBufferLimit: 16 * 9 * 4 * 28 * 10, algorithm: algorithm)
        let (input, _, _) = testImageBatch(2, 16, 28, 28)
        let results = withOneAndTwoThreads { layer(input).scalars }
        expectClose(results.two, results.one, relativeTolerance: 1e-5, absoluteTolerance: 1e-5, "conv \(algorithm)")
    }

    @Test("PackedConvolution fp32 (split over tiles on a large map, over output channels on a small one)",
          arguments: [(height: 30, width: 30), (height: 7, width: 7)])
    func packedConvolution(side: (height: Int, width: Int)) {
        guard PackedConvolution.isSupported(.fp32) else { return }
        // 9 x 64 weight words per channel against 32 x 32 activation words, then 9 x 9.
        let layer = PackedConvolution(
            Conv2D(weight: Tensor(shape: [64, 8, 3, 3], scalars: testValues(64 * 8 * 9, seed: 83)),
                   bias: Tensor(shape: [64], scalars: testValues(64, seed: 84)), padding: 1, fusesReLU: true,
                   algorithm: .im2col),
            arithmetic: .fp32)
        let input = testValues(8 * side.height * side.width, seed: 85)
        let results = withOneAndTwoThreads {
            LayersPackedTests.run(layer, .init(channels: 8, outputChannels: 64, height: side.height, width: side.width),
                                  input: input)
        }
        // Each output's sum runs in one thread either way: bit for bit.
        expectClose(results.two, results.one, relativeTolerance: 0, absoluteTolerance: 0, "packed \(side)")
        #expect(!results.one.contains { $0.isNaN })
    }

    @Test("MaxPool2D, AdaptiveAvgPool2D and BatchNorm2D (split over planes)")
    func pooling() {
        let (input, _, _) = testImageBatch(2, 48, 28, 28)
        let batchNorm = BatchNorm2D(
            weight: Tensor(shape: [48], scalars: testValues(48, seed: 73)), bias: Tensor(shape: [48], scalars: testValues(48, seed: 74)),
            runningMean: Tensor(shape: [48], scalars: testValues(48, seed: 75)),
            runningVariance: Tensor(shape: [48], scalars: testValues(48, seed: 76).map { abs($0) + 0.5 }))
        let results = withOneAndTwoThreads {
            MaxPool2D()(input).scalars + AdaptiveAvgPool2D(outputSize: 9)(input).scalars + batchNorm(input).scalars
        }
        expectClose(results.two, results.one, relativeTolerance: 0, absoluteTolerance: 0, "pooling and batch norm, bit for bit")
    }

    @Test("SoftAttention (scores split over beam-position pairs)")
    func attention() {
        let (positions, features, attentionSize, beams) = (196, 32, 64, 3)
        let attention = SoftAttention(
            encoderAttention: Linear(weight: Tensor(shape: [attentionSize, features], scalars: testValues(attentionSize * features, seed: 77))),
            decoderAttention: Linear(weight: Tensor(shape: [attentionSize, 16], scalars: testValues(attentionSize * 16, seed: 78))),
            fullAttention: Linear(weight: Tensor(shape: [1, attentionSize], scalars: testValues(attentionSize, seed: 79))),
            activation: .tanh)
        let annotations = Tensor(shape: [positions, features], scalars: testValues(positions * features, seed: 80))
        let hidden = Tensor(shape: [beams, 16], scalars: testValues(beams * 16, seed: 81))
        let results = withOneAndTwoThreads {
            let (context, alpha) = attention(
                projectedAnnotations: attention.projectAnnotations(annotations), annotations: annotations, hidden: hidden)
            return context.scalars + alpha.scalars
        }
        expectClose(results.two, results.one, relativeTolerance: 1e-5, absoluteTolerance: 1e-6, "attention")
    }
}
