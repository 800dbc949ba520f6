import CKernels

/// A direct 3x3, stride-1, padding-1 convolution on packed activations: in reduced precision
/// the layer of the int8 and bf16 encoders (`EncoderPrecision`); in fp32 the layers that
/// Winograd does not take: the first, over the image's 3 channels, where im2col's column
/// buffer cost more than the products, and those on small maps (VGG-16's conv5).
///
/// - int8 activations: unsigned levels `q = round(x / inputScale)` clamped to 0 ... 255 (ties
///   to even), one scale per layer from calibration (`Int8Calibration`). Values below zero
///   read as 0, so the input must come from a ReLU (or a max-pool of one).
/// - int8 weights: signed levels `round(w / s[o])` (ties away from zero) with one scale per
///   output channel, `s[o] = max |w[o]| / 127`, so every level lies in -127 ... 127.
/// - int8 output channel o: `sum * inputScale * s[o] + bias[o]` (then ReLU), where `sum` is
///   the exact int32 sum of activation levels times weight levels (AVX-512 VNNI).
/// - bf16: activations and weights rounded to bfloat16 (to nearest, ties to even); output
///   channel o is the float32 sum of their products plus `bias[o]` (AVX-512 BF16).
/// - fp32: the float32 sum of the products plus `bias[o]` (AVX-512 F).
///
/// Activations go through `ck_pack_activations`' padded layout (channel groups of one 32-bit
/// word, see CKernels.h), so the kernel reads each 3x3 window straight from it, without im2col.
public struct PackedConvolution: Sendable {
    /// The element type of the products.
    public enum Arithmetic: Sendable, Equatable {
        /// 8-bit integers; `inputScale` is the value of one activation level.
        case int8(inputScale: Float)
        /// bfloat16.
        case bf16
        /// float32.
        case fp32
    }

    /// How the products are computed.
    public let arithmetic: Arithmetic
    /// I, the number of input channels.
    public let inputChannels: Int
    /// O, the number of output channels.
    public let outputChannels: Int
    /// int8: the value of one weight level per output channel, `max |w[o]| / 127` (1 for an
    /// all-zero channel); bf16 and fp32: all 1.
    public let weightScales: [Float]
    /// Whether a ReLU is applied to the output.
    public let fusesReLU: Bool
    /// Weight words in the kernel's blocks `[O / 8][groups][3 * 3][8]`.
    private let packedWeight: [UInt32]
    /// The value of one unit of output channel o's sum: `inputScale * weightScales[o]` (int8), 1 (bf16, fp32).
    private let sumScales: [Float]
    /// The bias, zeros where the convolution has none.
    private let bias: [Float]

    /// Whether `convolution` can be packed for `arithmetic`: a 3x3 kernel, stride 1, padding 1,
    /// input channels a multiple of the channels in a word (4 for int8, 2 for bf16, 1 for
    /// fp32) and output channels a multiple of 8.
    public static func canPack(_ convolution: Conv2D, for arithmetic: Arithmetic) -> Bool {
        convolution.kernelSize == (3, 3) && convolution.stride == (1, 1) && convolution.padding == (1, 1)
            && convolution.inputChannels % arithmetic.channelsPerWord == 0
            && convolution.outputChannels % Int(CK_BLOCK_CHANNELS) == 0
    }

    /// Whether this CPU runs `arithmetic` (AVX-512 F, BW and VL, plus VNNI for int8 or BF16
    /// for bf16).
    public static func isSupported(_ arithmetic: Arithmetic) -> Bool {
        ck_supports_arithmetic(arithmetic.kernelArithmetic) != 0
    }

    /// Packs `convolution`'s weight for `arithmetic` (quantized per output channel for int8,
    /// rounded to bfloat16 for bf16, as it is for fp32).
    /// - Precondition: `canPack(convolution, for: arithmetic)`; an int8 `inputScale` is
    ///   positive and finite.
    public init(_ convolution: Conv2D, arithmetic: Arithmetic) {
        precondition(Self.canPack(convolution, for: arithmetic),
                     "PackedConvolution needs a 3x3, stride-1, padding-1 convolution over whole words of inputs and 8k outputs, got \(convolution.weight.shape) for \(arithmetic)")
        if case let .int8(inputScale) = arithmetic {
            precondition(inputScale > 0 && inputScale.isFinite, "PackedConvolution input scale must be positive, got \(inputScale)")
        }
        let (outputs, inputs) = (convolution.outputChannels, convolution.inputChannels)
        let (block, perWord) = (Int(CK_BLOCK_CHANNELS), arithmetic.channelsPerWord)
        let groups = inputs / perWord
        var scales = [Float](repeating: 1, count: outputs)
        var packed = [UInt32](repeating: 0, count: outputs * groups * 9)
        convolution.weight.withUnsafeBufferPointer { weight in
            for output in 0..<outputs {
                // weight: O x I x 3 x 3, channel `output` at output * I * 9
                let row = UnsafeBufferPointer(rebasing: weight[(output * inputs * 9)..<((output + 1) * inputs * 9)])
                if case .int8 = arithmetic, let largest = row.map(abs).max(), largest > 0 {
                    scales[output] = largest / 127
                }
                let (blockIndex, lane) = output.quotientAndRemainder(dividingBy: block)
                for input in 0..<inputs {
                    let (group, member) = input.quotientAndRemainder(dividingBy: perWord)
                    for tap in 0..<9 {
                        // packed: [O / 8][groups][9][8] words, input channel `member` of the word
                        let index = ((blockIndex * groups + group) * 9 + tap) * block + lane
                        packed[index] |= arithmetic.bits(of: row[input * 9 + tap], scale: scales[output]) << (32 / perWord * member)
                    }
                }
            }
        }
        self.arithmetic = arithmetic
        inputChannels = inputs
        outputChannels = outputs
        weightScales = scales
        fusesReLU = convolution.fusesReLU
        packedWeight = packed
        sumScales = scales.map { $0 * arithmetic.inputScale }
        bias = (0..<outputs).map { convolution.bias?[flat: $0] ?? 0 }
    }

    /// The number of floats of scratch memory `apply` needs for an `H x W` input: the packed
    /// activations.
    public func workspaceCount(height: Int, width: Int) -> Int {
        let bytes = inputChannels / arithmetic.channelsPerWord * ck_packed_plane_bytes(height, width)
        return (bytes + MemoryLayout<Float>.stride - 1) / MemoryLayout<Float>.stride
    }

    /// Convolves one image on caller memory: `image` `I x H x W` -> `output` `O x H x W`, with
    /// `workspace` holding `workspaceCount(height:width:)` floats.
    /// - Precondition: `PackedConvolution.isSupported(arithmetic)`, and H and W are at least 1.
    public func apply(image: UnsafePointer<Float>, height: Int, width: Int,
                      output: UnsafeMutablePointer<Float>, workspace: UnsafeMutablePointer<Float>) {
        precondition(Self.isSupported(arithmetic), "PackedConvolution: this CPU cannot run \(arithmetic)")
        precondition(height >= 1 && width >= 1, "PackedConvolution cannot take a \(height) x \(width) input")
        let kind = arithmetic.kernelArithmetic
        let groups = inputChannels / arithmetic.channelsPerWord
        let words = groups * ck_packed_plane_bytes(height, width) / 4
        workspace.withMemoryRebound(to: UInt32.self, capacity: words) { activations in
            let inverseScale = 1 / arithmetic.inputScale
            ComputeThreads.parallelFor(groups) { range in
                ck_pack_activations(kind, image, height, width, inverseScale, range.lowerBound, range.upperBound, activations)
            }
            let tiles = ck_packed_tiles(height, width)
            packedWeight.withUnsafeBufferPointer { weight in
                sumScales.withUnsafeBufferPointer { scales in
                    bias.withUnsafeBufferPointer { bias in
                        guard let weight = weight.baseAddress, let scales = scales.baseAddress,
                              let bias = bias.baseAddress else { return }
                        // Threads split the larger operand: the output channels (each reads part of the
                        // weights) where a channel group's weights outnumber its activation words, as on
                        // small maps (VGG-16's conv5: 9 x 512 against 16 x 16, in 5 tiles), else the tiles.
                        if 9 * outputChannels > (height + 2) * (width + 2) {
                            let block = Int(CK_BLOCK_CHANNELS), blockWords = groups * 9 * Int(CK_BLOCK_CHANNELS)
                            ComputeThreads.parallelFor(outputChannels / block) { blocks in
                                let first = blocks.lowerBound * block
                                ck_convolve_packed(kind, activations, groups, height, width, weight + blocks.lowerBound * blockWords,
                                                   blocks.count * block, scales + first, bias + first,
                                                   fusesReLU ? 1 : 0, 0, tiles, output + first * height * width)
                            }
                        } else {
                            ComputeThreads.parallelFor(tiles) { range in
                                ck_convolve_packed(kind, activations, groups, height, width, weight, outputChannels,
                                                   scales, bias, fusesReLU ? 1 : 0, range.lowerBound, range.upperBound, output)
                            }
                        }
                    }
                }
            }
        }
    }
}

extension PackedConvolution.Arithmetic {
    /// The CKernels name of the arithmetic.
    var kernelArithmetic: ck_arithmetic {
        switch self {
        case .int8: return CK_INT8
        case .bf16: return CK_BF16
        case .fp32: return CK_FP32
        }
    }

    /// Input channels in one 32-bit word: 4 bytes, 2 bfloat16 halves or 1 float.
    var channelsPerWord: Int {
        switch self {
        case .int8: return 4
        case .bf16: return 2
        case .fp32: return 1
        }
    }

    /// The value of one activation level (1 for bf16 and fp32).
    var inputScale: Float {
        switch self {
        case let .int8(inputScale): return inputScale
        case .bf16, .fp32: return 1
        }
    }

    /// A weight's element in the low bits of a word: its int8 level's byte at `scale` per
    /// level (ties away from zero, clamped to -127 ... 127), its bfloat16 bits, or its bits.
    func bits(of weight: Float, scale: Float) -> UInt32 {
        switch self {
        case .int8:
            let level = Int8(max(-127, min(127, (weight / scale).rounded())))
            return UInt32(UInt8(bitPattern: level))
        case .bf16:
            return UInt32(weight.bfloat16Bits)
        case .fp32:
            return weight.bitPattern
        }
    }
}

extension Float {
    /// The bits of this value rounded to bfloat16 (the top 16 bits of a float32), to nearest
    /// with ties to even, as the packed convolution rounds activations (NaN is not expected).
    var bfloat16Bits: UInt16 {
        let bits = bitPattern
        return UInt16(truncatingIfNeeded: (bits &+ 0x7FFF &+ ((bits >> 16) & 1)) >> 16)
    }
}
