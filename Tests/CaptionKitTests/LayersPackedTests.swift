import Foundation
import Testing
@testable import CaptionKit

/// `PackedConvolution` (the int8 and bf16 encoders' layer, and the float32 encoder's direct
/// convolution) against naive references that apply the documented rounding themselves: for
/// int8 the integer sums must be exact, so the only difference allowed is the last float
/// operation's rounding; for bf16 and fp32 the products (of the rounded values, for bf16) are
/// summed in Double here and in float32 there.
@Suite("Layers: packed int8, bf16 and fp32 convolutions")
struct LayersPackedTests {
    /// One packed-convolution shape: input channels, output channels, height, width.
    struct Shape: CustomStringConvertible, Sendable {
        var channels: Int, outputChannels: Int, height: Int, width: Int
        var hasBias = true, relu = true
        var description: String { "C\(channels) \(height)x\(width) -> O\(outputChannels)\(hasBias ? " bias" : "")\(relu ? " relu" : "")" }
    }

    static let shapes: [Shape] = [
        // a 1x1 image: every tap but the centre reads the border
        Shape(channels: 4, outputChannels: 8, height: 1, width: 1),
        // odd sizes: tiles of 48 positions span rows of W + 2 = 9
        Shape(channels: 8, outputChannels: 16, height: 5, width: 7, hasBias: false),
        // a row longer than a tile, no ReLU (negative outputs kept)
        Shape(channels: 4, outputChannels: 8, height: 3, width: 61, relu: false),
        // VGG's conv5 side, several channel blocks and groups
        Shape(channels: 12, outputChannels: 24, height: 14, width: 14),
        Shape(channels: 16, outputChannels: 8, height: 9, width: 16),
    ]

    /// Non-negative inputs (ReLU outputs) in 0 ... 3, a tenth of them exactly 0.
    static func input(_ shape: Shape) -> [Float] {
        testValues(shape.channels * shape.height * shape.width, seed: UInt64(shape.channels * 131 + shape.width))
            .map { $0 < -0.8 ? 0 : 1.5 * ($0 + 1) }
    }

    static func convolution(_ shape: Shape) -> Conv2D {
        let weight = testValues(shape.outputChannels * shape.channels * 9, seed: UInt64(shape.outputChannels * 7 + shape.height))
        return Conv2D(weight: Tensor(shape: [shape.outputChannels, shape.channels, 3, 3], scalars: weight),
                      bias: shape.hasBias ? Tensor(shape: [shape.outputChannels], scalars: testValues(shape.outputChannels, seed: 5)) : nil,
                      padding: 1, fusesReLU: shape.relu, algorithm: .im2col)
    }

    static func run(_ packed: PackedConvolution, _ shape: Shape, input: [Float]) -> [Float] {
        var output = [Float](repeating: .nan, count: shape.outputChannels * shape.height * shape.width)
        var workspace = [Float](repeating: .nan, count: packed.workspaceCount(height: shape.height, width: shape.width))
        input.withUnsafeBufferPointer { input in
            output.withUnsafeMutableBufferPointer { output in
                workspace.withUnsafeMutableBufferPointer { workspace in
                    packed.apply(image: input.baseAddress!, height: shape.height, width: shape.width,
                                 output: output.baseAddress!, workspace: workspace.baseAddress!)
                }
            }
        }
        return output
    }

    /// The naive convolution of `levels` (input) by `weightLevels`, per output channel
    /// `finish(o, sum)`; zero outside the image.
    static func naive(_ shape: Shape, input: [Double], weight: [Double], finish: (Int, Double) -> Float) -> [Float] {
        let (height, width) = (shape.height, shape.width)
        var output = [Float](repeating: 0, count: shape.outputChannels * height * width)
        for o in 0..<shape.outputChannels {
            for y in 0..<height {
                for x in 0..<width {
                    var sum = 0.0
                    for c in 0..<shape.channels {
                        for ky in 0..<3 {
                            for kx in 0..<3 {
                                let (inputY, inputX) = (y + ky - 1, x + kx - 1)
                                guard (0..<height).contains(inputY), (0..<width).contains(inputX) else { continue }
                                sum += weight[((o * shape.channels + c) * 3 + ky) * 3 + kx] * input[(c * height + inputY) * width + inputX]
                            }
                        }
                    }
                    output[(o * height + y) * width + x] = finish(o, sum)
                }
            }
        }
        return output
    }

    @Test("int8 sums equal the naive sums of the documented levels", arguments: shapes)
    func int8MatchesNaiveLevels(shape: Shape) throws {
        guard PackedConvolution.isSupported(.int8(inputScale: 1)) else {
            #expect(EncoderPrecision.int8.effective == .fp32)
            return
        }
        let convolution = Self.convolution(shape)
        let inputScale: Float = 2.5 / 255  // clips the inputs above 2.5
        let packed = PackedConvolution(convolution, arithmetic: .int8(inputScale: inputScale))
        let input = Self.input(shape)
        let weight = convolution.weight.scalars
        // Weight scale per output channel: max |w| / 127; levels round half away from zero.
        let channelSize = shape.channels * 9
        let scales = (0..<shape.outputChannels).map { o in weight[(o * channelSize)..<((o + 1) * channelSize)].map(abs).max()! / 127 }
        #expect(packed.weightScales == scales)
        let weightLevels = weight.indices.map { Double((weight[$0] / scales[$0 / channelSize]).rounded()) }
        let inputLevels = input.map { Double(min(255, max(0, $0 * (1 / inputScale))).rounded(.toNearestOrEven)) }
        let bias = convolution.bias?.scalars ?? [Float](repeating: 0, count: shape.outputChannels)
        let expected = Self.naive(shape, input: inputLevels, weight: weightLevels) { o, sum in
            let value = Float(sum) * (inputScale * scales[o]) + bias[o]
            return shape.relu ? max(0, value) : value
        }
        // Exact integer sums; the float epilogue is one fused multiply-add there, two roundings here.
        let largest = expected.map(abs).max() ?? 0
        expectClose(Self.run(packed, shape, input: input), expected, relativeTolerance: 2e-7, absoluteTolerance: 2e-7 * largest, "\(shape)")
    }

    @Test("int8 stays within the quantization error of the float32 convolution")
    func int8IsCloseToFloat() throws {
        guard PackedConvolution.isSupported(.int8(inputScale: 1)) else { return }
        let shape = Shape(channels: 16, outputChannels: 16, height: 12, width: 12)
        let convolution = Self.convolution(shape)
        let input = Self.input(shape).map { min($0, 2.5) }  // nothing clipped
        let packed = PackedConvolution(convolution, arithmetic: .int8(inputScale: 2.5 / 255))
        let expected = convolution(Tensor(shape: [1, 16, 12, 12], scalars: input)).scalars
        let actual = Self.run(packed, shape, input: input)
        // 144 products, each off by at most half a level of either factor: about 1% of the range.
        let largest = expected.map(abs).max() ?? 0
        expectClose(actual, expected, relativeTolerance: 0, absoluteTolerance: 0.02 * largest, "int8 vs float32")
    }

    @Test("bf16 sums equal the naive sums of the rounded values", arguments: shapes)
    func bf16MatchesNaiveRounding(shape: Shape) throws {
        guard PackedConvolution.isSupported(.bf16) else {
            #expect(EncoderPrecision.bf16.effective == .fp32)
            #expect(EncoderPrecision.bf16.fallback?.contains("AVX-512 BF16") == true)
            return
        }
        let convolution = Self.convolution(shape)
        let packed = PackedConvolution(convolution, arithmetic: .bf16)
        let input = Self.input(shape)
        let rounded = { (value: Float) in Double(Float(bitPattern: UInt32(value.bfloat16Bits) << 16)) }
        let bias = convolution.bias?.scalars ?? [Float](repeating: 0, count: shape.outputChannels)
        let expected = Self.naive(shape, input: input.map(rounded), weight: convolution.weight.scalars.map(rounded)) { o, sum in
            let value = Float(sum + Double(bias[o]))
            return shape.relu ? max(0, value) : value
        }
        // Products of bfloat16 values are exact in float32; the sums of up to 144 of them are
        // rounded at each step there (about 1e-7 of the running sum) and exact here.
        let largest = expected.map(abs).max() ?? 0
        expectClose(Self.run(packed, shape, input: input), expected, relativeTolerance: 1e-5, absoluteTolerance: 1e-5 * largest, "\(shape)")
    }

    @Test("fp32 sums equal the naive sums, signed inputs and any channel count", arguments: shapes + [
        // the first layer's shape: 3 image channels, rows across tile ends
        Shape(channels: 3, outputChannels: 16, height: 13, width: 17),
        Shape(channels: 1, outputChannels: 8, height: 2, width: 50, relu: false),
    ])
    func fp32MatchesNaiveSums(shape: Shape) throws {
        guard PackedConvolution.isSupported(.fp32) else { return }
        let convolution = Self.convolution(shape)
        #expect(PackedConvolution.canPack(convolution, for: .fp32))
        let packed = PackedConvolution(convolution, arithmetic: .fp32)
        // Normalised image values are signed.
        let input = testValues(shape.channels * shape.height * shape.width, seed: UInt64(shape.channels * 17 + shape.height))
        let bias = convolution.bias?.scalars ?? [Float](repeating: 0, count: shape.outputChannels)
        let expected = Self.naive(shape, input: input.map(Double.init), weight: convolution.weight.scalars.map(Double.init)) { o, sum in
            let value = Float(sum + Double(bias[o]))
            return shape.relu ? max(0, value) : value
        }
        let largest = expected.map(abs).max() ?? 0
        expectClose(Self.run(packed, shape, input: input), expected, relativeTolerance: 1e-5, absoluteTolerance: 1e-5 * largest, "\(shape)")
        // And what Conv2D's im2col path gives.
        let reference = convolution(Tensor(shape: [1, shape.channels, shape.height, shape.width], scalars: input)).scalars
        expectClose(Self.run(packed, shape, input: input), reference, relativeTolerance: 1e-5, absoluteTolerance: 1e-5 * largest, "im2col")
    }

    @Test("fp32 with ReLU: a NaN input gives NaN in its window, as PyTorch, not zeros")
    func fp32KeepsNaN() {
        guard PackedConvolution.isSupported(.fp32) else { return }
        let shape = Shape(channels: 1, outputChannels: 8, height: 6, width: 6)
        let convolution = Conv2D(weight: Tensor(shape: [8, 1, 3, 3], repeating: -1), padding: 1, fusesReLU: true,
                                 algorithm: .im2col)
        var input = [Float](repeating: 1, count: 36)
        input[2 * 6 + 2] = .nan
        let output = Self.run(PackedConvolution(convolution, arithmetic: .fp32), shape, input: input)
        // Every other sum is negative, so ReLU makes it 0.
        #expect(output[2 * 6 + 2].isNaN && output[7 * 36 + 3 * 6 + 3].isNaN)
        #expect(output[5 * 6 + 5] == 0 && output[7 * 36] == 0)
    }

    @Test("bfloat16 rounding is to nearest, ties to even")
    func bfloat16Rounding() {
        #expect(Float(1).bfloat16Bits == 0x3F80)
        #expect(Float(bitPattern: 0x3F80_8000).bfloat16Bits == 0x3F80)  // tie, even stays
        #expect(Float(bitPattern: 0x3F81_8000).bfloat16Bits == 0x3F82)  // tie, odd rounds up
        #expect(Float(bitPattern: 0x3F80_8001).bfloat16Bits == 0x3F81)
        #expect(Float(-2.5).bfloat16Bits == 0xC020)
    }

    @Test("the CPU check agrees with the kernel's instruction flags")
    func supportFollowsCPUFlags() throws {
        #if os(Linux) && arch(x86_64)
        let flags = try String(contentsOfFile: "/proc/cpuinfo", encoding: .utf8)
            .split(separator: "\n").first { $0.hasPrefix("flags") }.map { Set($0.split(separator: " ").map(String.init)) } ?? []
        let base = ["avx512f", "avx512bw", "avx512vl"].allSatisfy(flags.contains)
        #expect(EncoderPrecision.int8.isSupported == (base && flags.contains("avx512_vnni")))
        #expect(EncoderPrecision.bf16.isSupported == (base && flags.contains("avx512_bf16")))
        #expect(PackedConvolution.isSupported(.fp32) == base)
        #endif
        #expect(EncoderPrecision.fp32.isSupported && EncoderPrecision.fp32.fallback == nil)
    }
}
