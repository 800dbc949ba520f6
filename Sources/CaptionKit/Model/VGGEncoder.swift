/// The convolutional encoder: torchvision's VGG `features` stack from a `layers` list, then
/// the optional adaptive average pool, producing P = H*W annotation vectors of C channels.
///
/// Each convolution is 3x3, padding 1, stride 1, with ReLU fused into the convolution; an
/// eval-mode BatchNorm is folded into the convolution's weights and bias at load time.
public struct VGGEncoder: Sendable {
    /// One step of the stack.
    enum Stage: Sendable {
        case convolution(Conv2D)
        case maxPool(MaxPool2D)
    }

    let stages: [Stage]
    let pool: AdaptiveAvgPool2D?
    /// Side of the square input.
    public let inputSize: Int
    /// Channels of each annotation vector (C).
    public let outputChannels: Int
    /// Rows and columns of the annotation grid (H, W).
    public let gridSize: (height: Int, width: Int)

    /// Builds the encoder from a configuration, reading each tensor through `tensor(key, shape)`
    /// (which must throw when a tensor is missing or mis-shaped).
    public init(configuration: ModelConfiguration.Encoder, manifest: TensorManifest,
                tensor: (String, [Int]) throws -> Tensor) throws {
        var stages: [Stage] = []
        var slots = manifest.convolutions.makeIterator()
        for layer in configuration.layers {
            switch layer {
            case .maxPool:
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
                stages.append(.convolution(Conv2D(weight: weight, bias: bias, stride: 1, padding: 1, fusesReLU: true)))
            }
        }
        self.stages = stages
        pool = configuration.poolSize.map { AdaptiveAvgPool2D(outputSize: $0) }
        inputSize = configuration.inputSize
        outputChannels = configuration.outputChannels
        gridSize = (configuration.gridSize, configuration.gridSize)
    }

    /// The annotation vectors of a batch of normalised images.
    /// - Parameter images: `[N, 3, S, S]` with S = `inputSize`.
    /// - Returns: `[N, P, C]`, P = H*W in row-major grid order.
    public func callAsFunction(_ images: Tensor) -> Tensor {
        precondition(images.rank == 4 && Array(images.shape[1...]) == [3, inputSize, inputSize],
                     "encoder expects [N, 3, \(inputSize), \(inputSize)], got \(images.shape)")
        var features = images
        for stage in stages {
            switch stage {
            case let .convolution(convolution): features = convolution(features)
            case let .maxPool(maxPool): features = maxPool(features)
            }
        }
        if let pool {
            features = pool(features)
        }
        return Self.annotations(fromFeatures: features)
    }

    /// Moves channels last: `[N, C, H, W]` -> `[N, H*W, C]`.
    static func annotations(fromFeatures features: Tensor) -> Tensor {
        let (batch, channels, positions) = (features.shape[0], features.shape[1], features.shape[2] * features.shape[3])
        return Tensor(shape: [batch, positions, channels]) { output in
            features.withUnsafeBufferPointer { input in
                for image in 0..<batch {
                    let source = image * channels * positions
                    for channel in 0..<channels {
                        for position in 0..<positions {
                            output[source + position * channels + channel] = input[source + channel * positions + position]
                        }
                    }
                }
            }
        }
    }
}
