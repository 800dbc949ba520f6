/// The convolutional encoder: torchvision's VGG `features` stack from a `layers` list, then
/// the optional adaptive average pool, producing P = H*W annotation vectors of C channels.
///
/// Each convolution is 3x3, padding 1, stride 1, with ReLU fused into the convolution; an
/// eval-mode BatchNorm is folded into the convolution's weights and bias at load time. In
/// `int8` or `bf16` precision every convolution that `PackedConvolution.canPack` for it (all
/// but the first, over the image's 3 channels) runs packed in that precision. A convolution
/// that Winograd does not take, over too few input channels (`Conv2D.preferredAlgorithm`: the
/// first) or on a map smaller than `winogradMinimumSide` (conv5), runs in every precision as
/// a direct float32 `PackedConvolution` where the CPU has AVX-512 (2.6 ms against im2col's 9.5
/// for VGG-16's first layer at 224 x 224 on one core; the fp32 encoder about 6% faster with
/// conv5 direct too), else through im2col.
///
/// An image passes through two activation buffers in turn (each stage reads one and writes
/// the other) plus the convolutions' workspace, all in one scratch buffer sized for the
/// configured input at load time and reused across calls (`ScratchPool`): for VGG-16 at
/// 224 x 224 that is 2 x 12.8 MB + 16 MB, the encoder's whole extra memory per concurrent image.
public struct VGGEncoder: Sendable {
    /// One step of the stack.
    enum Stage: Sendable {
        /// A float32 convolution and its `encoder.features.N` key.
        case convolution(Conv2D, key: String)
        /// A packed convolution (int8, bf16, or direct fp32: the first layer and conv5) and its key.
        case packedConvolution(PackedConvolution, key: String)
        /// A 2x2, stride-2 max pool.
        case maxPool(MaxPool2D)
    }

    let stages: [Stage]
    /// The keys of the convolutions that an int8 encoder packs: those whose inputs int8
    /// calibration measures.
    let int8Keys: Set<String>
    let pool: AdaptiveAvgPool2D?
    /// Side of the square input.
    public let inputSize: Int
    /// The precision the convolutions run in: the one asked for, or `fp32` where this CPU
    /// lacks its instructions (`EncoderPrecision.effective`).
    public let precision: EncoderPrecision
    /// Channels of each annotation vector (C).
    public let outputChannels: Int
    /// Rows and columns of the annotation grid (H, W).
    public let gridSize: (height: Int, width: Int)
    /// Floats of the largest activation (the input image included): each half of the
    /// activation area of a scratch buffer.
    private let activationCount: Int
    /// Scratch buffers: two activation areas, then the largest convolution workspace.
    private let scratch: ScratchPool

    /// The smallest feature map side on which a convolution may use Winograd (where
    /// `Conv2D.preferredAlgorithm` picks it); smaller maps use the direct convolution (or
    /// im2col without AVX-512). On VGG-16's conv5
    /// (14 x 14) Winograd F(2x2) saved 4 ms per layer and image, but its transformed weights
    /// (50 MB for the three layers; 113 MB with F(4x4), whose 4x4 tiles would also cover a
    /// 16 x 16 map for 14 x 14 outputs) took longer than that to write and fault in when a
    /// process captions one image, and a fifth of its resident memory.
    static let winogradMinimumSide = 28

    /// Builds the encoder from a configuration, reading each tensor through `tensor(key, shape)`
    /// (which must throw when a tensor is missing or mis-shaped). `precision` falls back to
    /// `fp32` where this CPU cannot run it; `int8` needs `calibration`, with a clip value for
    /// every packable convolution.
    /// - Throws: what `tensor` throws; `CaptionError.invalidConfiguration` (naming the bundle's
    ///   `int8-calibration.json`) when an int8 clip value is missing.
    public init(configuration: ModelConfiguration.Encoder, manifest: TensorManifest,
                precision: EncoderPrecision = .fp32, calibration: Int8Calibration? = nil, calibrationPath: String = "",
                tensor: (String, [Int]) throws -> Tensor) throws {
        self.precision = precision.effective
        var stages: [Stage] = []
        var int8Keys = Set<String>()
        var slots = manifest.convolutions.makeIterator()
        var side = configuration.inputSize
        for layer in configuration.layers {
            switch layer {
            case .maxPool:
                side /= 2
                stages.append(.maxPool(MaxPool2D(kernelSize: 2, stride: 2)))
            case .convolution:
                guard let slot = slots.next() else { preconditionFailure("manifest has fewer convolutions than the layer list") }
                let prefix = "encoder.features.\(slot.index)"
                var weight = try tensor("\(prefix).weight", [slot.outputChannels, slot.inputChannels, 3, 3])
                var bias = try tensor("\(prefix).bias", [slot.outputChannels])
                if let batchNormIndex = slot.batchNormIndex {
                    let batchNormPrefix = "encoder.features.\(batchNormIndex)"
                    let channels = [slot.outputChannels]
                    let batchNorm = BatchNorm2D(
                        weight: try tensor("\(batchNormPrefix).weight", channels),
                        bias: try tensor("\(batchNormPrefix).bias", channels),
                        runningMean: try tensor("\(batchNormPrefix).running_mean", channels),
                        runningVariance: try tensor("\(batchNormPrefix).running_var", channels),
                        epsilon: configuration.batchNormEpsilon)
                    // Folded with the plain algorithm so that a Winograd weight is transformed
                    // once, from the folded weight, below.
                    let folded = Conv2D(weight: weight, bias: bias, padding: 1, algorithm: .im2col).folding(batchNorm)
                    (weight, bias) = (folded.weight, folded.bias ?? bias)
                }
                let plain = Conv2D(weight: weight, bias: bias, padding: 1, fusesReLU: true, algorithm: .im2col)
                if PackedConvolution.canPack(plain, for: .int8(inputScale: 1)) {
                    int8Keys.insert(prefix)
                }
                let preferred = Conv2D.preferredAlgorithm(kernel: (3, 3), stride: (1, 1), inputChannels: slot.inputChannels)
                let usesWinograd = preferred == .winograd && side >= Self.winogradMinimumSide
                if let arithmetic = try Self.arithmetic(self.precision, for: plain, direct: !usesWinograd, key: prefix,
                                                        calibration: calibration, calibrationPath: calibrationPath) {
                    stages.append(.packedConvolution(PackedConvolution(plain, arithmetic: arithmetic), key: prefix))
                } else {
                    stages.append(.convolution(Conv2D(weight: weight, bias: bias, stride: 1, padding: 1, fusesReLU: true,
                                                      algorithm: usesWinograd ? .winograd : .im2col), key: prefix))
                }
            }
        }
        self.stages = stages
        self.int8Keys = int8Keys
        pool = configuration.poolSize.map { AdaptiveAvgPool2D(outputSize: $0) }
        inputSize = configuration.inputSize
        outputChannels = configuration.outputChannels
        gridSize = (configuration.gridSize, configuration.gridSize)
        var (activations, workspace) = (3 * inputSize * inputSize, 0)
        Self.forEachStage(stages, inputSize: inputSize) { stage, channels, side, outputChannels, outputSide in
            activations = max(activations, outputChannels * outputSide * outputSide)
            switch stage {
            case let .convolution(convolution, _):
                workspace = max(workspace, convolution.workspaceCount(height: side, width: side))
            case let .packedConvolution(convolution, _):
                workspace = max(workspace, convolution.workspaceCount(height: side, width: side))
            case .maxPool:
                break
            }
        }
        activationCount = activations
        scratch = ScratchPool(count: 2 * activations + workspace)
    }

    /// The packed arithmetic of a convolution in `precision`: the reduced one where it can
    /// take the convolution; else fp32 for a convolution that Winograd does not take
    /// (`direct`: too few input channels, or too small a map) where the CPU has AVX-512; else
    /// nil (a `Conv2D`).
    private static func arithmetic(_ precision: EncoderPrecision, for convolution: Conv2D, direct: Bool, key: String,
                                   calibration: Int8Calibration?, calibrationPath: String) throws -> PackedConvolution.Arithmetic? {
        switch precision {
        case .bf16 where PackedConvolution.canPack(convolution, for: .bf16):
            return .bf16
        case .int8 where PackedConvolution.canPack(convolution, for: .int8(inputScale: 1)):
            guard let clip = calibration?.inputClips[key] else {
                throw CaptionError.invalidConfiguration(
                    path: calibrationPath, field: "input_clip.\(key)",
                    reason: "missing: the int8 encoder needs a clip value for every convolution after the first")
            }
            return .int8(inputScale: clip / 255)
        default:
            let runsDirect = direct && PackedConvolution.isSupported(.fp32) && PackedConvolution.canPack(convolution, for: .fp32)
            return runsDirect ? .fp32 : nil
        }
    }

    /// `init(configuration:manifest:precision:calibration:calibrationPath:tensor:)` for a
    /// bundle's `store`, whose `int8-calibration.json` is read when the encoder runs in int8.
    init(configuration: ModelConfiguration.Encoder, manifest: TensorManifest, precision: EncoderPrecision,
         store: WeightStore, tensor: (String, [Int]) throws -> Tensor) throws {
        let calibration = precision.effective == .int8 ? try Int8Calibration(bundle: store) : nil
        try self.init(configuration: configuration, manifest: manifest, precision: precision, calibration: calibration,
                      calibrationPath: ModelBundle.memberPath(Int8Calibration.fileName, of: store), tensor: tensor)
    }

    /// Calls `body` with each stage and its input and output sizes (channels, side) for a
    /// square input of `inputSize`.
    private static func forEachStage(
        _ stages: [Stage], inputSize: Int,
        _ body: (_ stage: Stage, _ channels: Int, _ side: Int, _ outputChannels: Int, _ outputSide: Int) -> Void
    ) {
        var (channels, side) = (3, inputSize)
        for stage in stages {
            let shape: [Int]?
            switch stage {
            case let .convolution(convolution, _): shape = convolution.outputShape(forInput: [1, channels, side, side])
            case let .packedConvolution(convolution, _): shape = [1, convolution.outputChannels, side, side]
            case let .maxPool(maxPool): shape = maxPool.outputShape(forInput: [1, channels, side, side])
            }
            guard let shape else { preconditionFailure("encoder stage cannot take \(channels) x \(side) x \(side)") }
            body(stage, channels, side, shape[1], shape[2])
            (channels, side) = (shape[1], shape[2])
        }
    }

    /// The annotation vectors of a batch of normalised images.
    /// - Parameter images: `[N, 3, S, S]` with S = `inputSize`.
    /// - Returns: `[N, P, C]`, P = H*W in row-major grid order.
    public func callAsFunction(_ images: Tensor) -> Tensor {
        precondition(images.rank == 4 && Array(images.shape[1...]) == [3, inputSize, inputSize],
                     "encoder expects [N, 3, \(inputSize), \(inputSize)], got \(images.shape)")
        let (batch, imageCount) = (images.shape[0], 3 * inputSize * inputSize)
        let annotationCount = gridSize.height * gridSize.width * outputChannels
        return Tensor(shape: [batch, gridSize.height * gridSize.width, outputChannels]) { output in
            images.withUnsafeBufferPointer { input in
                guard let inputBase = input.baseAddress, let outputBase = output.baseAddress else { return }
                scratch.withBuffer { buffer in
                    for image in 0..<batch {
                        encode(inputBase + image * imageCount, scratch: buffer, into: outputBase + image * annotationCount)
                    }
                }
            }
        }
    }

    /// Runs one normalised image `[1, 3, S, S]` through the stages and calls `body` with the
    /// `encoder.features.N` key and the input (`I x H x W` floats) of each convolution that
    /// an int8 encoder packs (`int8Keys`), before that convolution runs: what int8
    /// calibration measures (`Int8CalibrationBuilder`).
    func packableConvolutionInputs(of image: Tensor, _ body: (String, UnsafeBufferPointer<Float>) -> Void) {
        precondition(image.shape == [1, 3, inputSize, inputSize], "encoder expects [1, 3, \(inputSize), \(inputSize)], got \(image.shape)")
        let annotations = UnsafeMutablePointer<Float>.allocate(capacity: gridSize.height * gridSize.width * outputChannels)
        defer { annotations.deallocate() }
        image.withUnsafeBufferPointer { input in
            guard let base = input.baseAddress else { return }
            scratch.withBuffer { buffer in
                encode(base, scratch: buffer, into: annotations) { stage, source, count in
                    switch stage {
                    case let .convolution(_, key) where int8Keys.contains(key),
                         let .packedConvolution(_, key) where int8Keys.contains(key):
                        body(key, UnsafeBufferPointer(start: source, count: count))
                    default:
                        break
                    }
                }
            }
        }
    }

    /// One image `3 x S x S` through the stages and the pool, written as annotation vectors
    /// `P x C`; activations alternate between the scratch buffer's two areas. `observe` sees
    /// each stage with its input (`channels * side * side` floats) before the stage runs.
    private func encode(_ image: UnsafePointer<Float>, scratch: UnsafeMutablePointer<Float>,
                        into annotations: UnsafeMutablePointer<Float>,
                        observe: (Stage, UnsafePointer<Float>, Int) -> Void = { _, _, _ in }) {
        var source = image
        var (target, spare) = (scratch, scratch + activationCount)
        let workspace = scratch + 2 * activationCount
        var (channels, side) = (3, inputSize)
        Self.forEachStage(stages, inputSize: inputSize) { stage, inputChannels, inputSide, outputChannels, outputSide in
            observe(stage, source, inputChannels * inputSide * inputSide)
            switch stage {
            case let .convolution(convolution, _):
                convolution.apply(image: source, height: inputSide, width: inputSide, output: target, workspace: workspace)
            case let .packedConvolution(convolution, _):
                convolution.apply(image: source, height: inputSide, width: inputSide, output: target, workspace: workspace)
            case let .maxPool(maxPool):
                maxPool.apply(planes: inputChannels, input: source, height: inputSide, width: inputSide, output: target)
            }
            source = UnsafePointer(target)
            swap(&target, &spare)
            (channels, side) = (outputChannels, outputSide)
        }
        guard let pool else {
            Self.moveChannelsLast(source, channels: channels, positions: side * side, into: annotations)
            return
        }
        let features = Tensor(shape: [1, channels, side, side]) { values in
            guard let base = values.baseAddress else { return }
            base.update(from: source, count: values.count)
        }
        pool(features).withUnsafeBufferPointer { pooled in
            guard let pooledBase = pooled.baseAddress else { return }
            Self.moveChannelsLast(pooledBase, channels: channels, positions: pooled.count / max(1, channels), into: annotations)
        }
    }

    /// Channels last: `features` `C x P` -> `annotations` `P x C`.
    private static func moveChannelsLast(_ features: UnsafePointer<Float>, channels: Int, positions: Int,
                                         into annotations: UnsafeMutablePointer<Float>) {
        for channel in 0..<channels {
            for position in 0..<positions {
                annotations[position * channels + channel] = features[channel * positions + position]
            }
        }
    }
}
