/// Batch normalisation in evaluation mode, the port of `torch.nn.BatchNorm2d` after
/// `.eval()`: `y = (x - running_mean) / sqrt(running_var + eps) * weight + bias` per channel
/// of an `[N, C, H, W]` tensor.
///
/// The per-channel `scale = weight / sqrt(running_var + eps)` and
/// `shift = bias - running_mean * scale` are computed once (in `Double`) at initialisation,
/// so applying the layer is one multiply-add per element, in place if wanted.
public struct BatchNorm2D: Sendable {
    /// Per-channel multiplier, `weight / sqrt(running_var + eps)`.
    public let scale: [Float]
    /// Per-channel offset, `bias - running_mean * scale`.
    public let shift: [Float]

    /// A batch norm from PyTorch's tensors (`weight`, `bias`, `running_mean`, `running_var`,
    /// all `[C]`; `num_batches_tracked` is not used in evaluation mode).
    /// - Parameter epsilon: PyTorch `eps` (default 1e-5).
    /// - Precondition: the four tensors have the same shape `[C]`.
    public init(weight: Tensor, bias: Tensor, runningMean: Tensor, runningVariance: Tensor, epsilon: Float = 1e-5) {
        precondition(weight.rank == 1 && [bias.shape, runningMean.shape, runningVariance.shape].allSatisfy { $0 == weight.shape },
                     "BatchNorm2D tensors must all be [C]: \(weight.shape) \(bias.shape) \(runningMean.shape) \(runningVariance.shape)")
        let (weights, biases, means, variances) = (weight.scalars, bias.scalars, runningMean.scalars, runningVariance.scalars)
        var scale = [Float]()
        var shift = [Float]()
        for channel in weights.indices {
            let multiplier = Double(weights[channel]) / (Double(variances[channel]) + Double(epsilon)).squareRoot()
            scale.append(Float(multiplier))
            shift.append(Float(Double(biases[channel]) - Double(means[channel]) * multiplier))
        }
        self.scale = scale
        self.shift = shift
    }

    /// C, the number of channels.
    public var channels: Int { scale.count }

    /// The normalised `input` (`[N, C, H, W]`, same shape out).
    public func callAsFunction(_ input: Tensor) -> Tensor {
        var output = input
        apply(to: &output)
        return output
    }

    /// Normalises `tensor` (`[N, C, H, W]`) in place, then applies ReLU when `fusesReLU`
    /// (the `nn.ReLU` that follows a batch norm in VGG).
    /// - Precondition: `tensor` is rank 4 with `channels` channels.
    public func apply(to tensor: inout Tensor, fusesReLU: Bool = false) {
        guard let shape = SpatialGeometry.imageBatch(tensor.shape), shape.channels == channels else {
            preconditionFailure("BatchNorm2D over \(channels) channels cannot take input \(tensor.shape)")
        }
        let planeSize = shape.height * shape.width
        tensor.withUnsafeMutableBufferPointer { buffer in
            guard let base = buffer.baseAddress else { return }
            // tensor: (N*C) planes of H*W values, plane p uses channel p % C
            ComputeThreads.parallelFor(shape.batch * channels, minimumChunk: max(1, 16_384 / max(1, planeSize))) { planes in
                for plane in planes {
                    let (multiplier, offset) = (scale[plane % channels], shift[plane % channels])
                    let values = UnsafeMutableBufferPointer(start: base + plane * planeSize, count: planeSize)
                    for index in values.indices {
                        values[index] = values[index] * multiplier + offset
                    }
                    if fusesReLU {
                        Activation.relu.apply(to: values)
                    }
                }
            }
        }
    }
}
