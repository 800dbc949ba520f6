/// A 2-D convolution, the port of `torch.nn.Conv2d` (groups 1, dilation 1, zero padding).
///
/// The weight is `[O, I, KH, KW]` and the optional bias `[O]`, exactly as PyTorch stores
/// them; input `[N, I, H, W]` gives output `[N, O, H', W']` with
/// `H' = floor((H + 2 * padding.height - KH) / stride.height) + 1` (and likewise for W').
///
/// Computed as im2col + GEMM: the output positions of one image are cut into tiles (runs of
/// positions in row-major order) so that the column buffer `(I*KH*KW) x tile` stays within
/// `columnBufferLimit` bytes; each tile is one `GEMM.multiply` that writes straight into the
/// output tensor, followed by the bias and, when `fusesReLU`, the ReLU on that tile.
/// 3x3 stride-1 convolutions with enough input channels use Winograd F(4x4, 3x3) instead
/// (`WinogradConvolution`, 4 times fewer multiply-adds, same bound on its buffers).
public struct Conv2D: Sendable {
    /// How the convolution is computed.
    public enum Algorithm: Sendable {
        /// im2col + GEMM, for any kernel, stride and padding.
        case im2col
        /// Winograd F(4x4, 3x3) through 36 GEMMs; 3x3 kernels with stride 1 only. Its
        /// transformed weight is an owned `[36, O, I]` copy (4 times the weight's size).
        case winograd
    }

    /// `weight`, shape `[O, I, KH, KW]` (PyTorch `Conv2d.weight`).
    public let weight: Tensor
    /// `bias`, shape `[O]` (PyTorch `Conv2d.bias`), or nil for `bias=False`.
    public let bias: Tensor?
    /// Step between window positions (PyTorch `stride`).
    public let stride: (height: Int, width: Int)
    /// Zeros added on each side of the input (PyTorch `padding`).
    public let padding: (height: Int, width: Int)
    /// Whether a ReLU is applied to the output (the `nn.ReLU` that follows the convolution,
    /// fused into the tile loop).
    public let fusesReLU: Bool
    /// The most bytes the im2col column buffer (or the Winograd block buffers) may take; at
    /// least one column (or tile) is always used.
    public let columnBufferLimit: Int
    /// How the convolution is computed.
    public let algorithm: Algorithm
    /// The transformed weight and kernels when `algorithm` is `.winograd`.
    private let winograd: WinogradConvolution?

    /// The default bound on the im2col column buffer: 16 MiB.
    public static let defaultColumnBufferLimit = 16 << 20

    /// A convolution from PyTorch's tensors.
    /// - Parameters:
    ///   - weight: `[O, I, KH, KW]`.
    ///   - bias: `[O]`, or nil.
    ///   - stride: PyTorch `stride` per axis (at least 1).
    ///   - padding: PyTorch `padding` per axis (at least 0).
    ///   - fusesReLU: apply ReLU to the output.
    ///   - columnBufferLimit: bound on the im2col buffer in bytes.
    ///   - algorithm: how to compute it; nil picks `preferredAlgorithm` for these sizes.
    /// - Precondition: the shapes agree (the weight store checks bundle shapes before this),
    ///   and `.winograd` is asked for only with a 3x3 kernel and stride 1.
    public init(
        weight: Tensor, bias: Tensor? = nil,
        stride: (height: Int, width: Int), padding: (height: Int, width: Int),
        fusesReLU: Bool = false, columnBufferLimit: Int = Conv2D.defaultColumnBufferLimit,
        algorithm: Algorithm? = nil
    ) {
        precondition(weight.rank == 4, "Conv2D weight must be [O, I, KH, KW], got \(weight.shape)")
        precondition(bias == nil || bias?.shape == [weight.shape[0]],
                     "Conv2D bias must be [\(weight.shape[0])], got \(bias?.shape ?? [])")
        precondition(stride.height >= 1 && stride.width >= 1, "Conv2D stride must be at least 1")
        precondition(padding.height >= 0 && padding.width >= 0, "Conv2D padding must be at least 0")
        self.weight = weight
        self.bias = bias
        self.stride = stride
        self.padding = padding
        self.fusesReLU = fusesReLU
        self.columnBufferLimit = columnBufferLimit
        let kernel = (height: weight.shape[2], width: weight.shape[3])
        let chosen = algorithm ?? Conv2D.preferredAlgorithm(kernel: kernel, stride: stride, inputChannels: weight.shape[1])
        precondition(chosen == .im2col || (kernel == (3, 3) && stride == (1, 1)),
                     "Winograd F(4x4, 3x3) needs a 3x3 kernel and stride 1, got \(weight.shape) stride \(stride)")
        self.algorithm = chosen
        winograd = chosen == .winograd
            ? WinogradConvolution(weight: weight, bias: bias, padding: padding, fusesReLU: fusesReLU,
                                  bufferLimit: columnBufferLimit)
            : nil
    }

    /// Winograd for 3x3 stride-1 kernels over at least 16 input channels (below that the
    /// transforms cost more than the multiply-adds they save); im2col otherwise.
    public static func preferredAlgorithm(kernel: (height: Int, width: Int), stride: (height: Int, width: Int),
                                          inputChannels: Int) -> Algorithm {
        kernel == (3, 3) && stride == (1, 1) && inputChannels >= 16 ? .winograd : .im2col
    }

    /// A convolution with the same stride and padding on both axes (PyTorch's `int` form;
    /// its defaults are stride 1, padding 0).
    public init(
        weight: Tensor, bias: Tensor? = nil, stride: Int = 1, padding: Int = 0,
        fusesReLU: Bool = false, columnBufferLimit: Int = Conv2D.defaultColumnBufferLimit,
        algorithm: Algorithm? = nil
    ) {
        self.init(weight: weight, bias: bias, stride: (stride, stride), padding: (padding, padding),
                  fusesReLU: fusesReLU, columnBufferLimit: columnBufferLimit, algorithm: algorithm)
    }

    /// O, the number of output channels.
    public var outputChannels: Int { weight.shape[0] }
    /// I, the number of input channels.
    public var inputChannels: Int { weight.shape[1] }
    /// KH x KW.
    public var kernelSize: (height: Int, width: Int) { (weight.shape[2], weight.shape[3]) }

    /// `[N, O, H', W']` for an input of shape `[N, I, H, W]`, or nil when the input is not
    /// rank 4, has another channel count, or is smaller than the kernel after padding.
    public func outputShape(forInput shape: [Int]) -> [Int]? {
        guard let input = SpatialGeometry.imageBatch(shape), input.channels == inputChannels else { return nil }
        let height = SpatialGeometry.outputLength(
            input: input.height, kernel: kernelSize.height, stride: stride.height, padding: padding.height)
        let width = SpatialGeometry.outputLength(
            input: input.width, kernel: kernelSize.width, stride: stride.width, padding: padding.width)
        guard height > 0, width > 0 else { return nil }
        return [input.batch, outputChannels, height, width]
    }

    /// The convolution of `input` (`[N, I, H, W]` -> `[N, O, H', W']`).
    /// - Precondition: `outputShape(forInput: input.shape)` is not nil.
    public func callAsFunction(_ input: Tensor) -> Tensor {
        guard let outputShape = outputShape(forInput: input.shape) else {
            preconditionFailure("Conv2D with weight \(weight.shape) cannot take input \(input.shape)")
        }
        let (height, width) = (input.shape[2], input.shape[3])
        let workspace = UnsafeMutablePointer<Float>.allocate(capacity: workspaceCount(height: height, width: width))
        defer { workspace.deallocate() }
        let imageCount = input.count / max(1, input.shape[0])
        let outputImageCount = outputChannels * outputShape[2] * outputShape[3]
        return Tensor(shape: outputShape) { output in
            input.withUnsafeBufferPointer { inputBuffer in
                guard let inputBase = inputBuffer.baseAddress, let outputBase = output.baseAddress else { return }
                for image in 0..<outputShape[0] {
                    apply(image: inputBase + image * imageCount, height: height, width: width,
                          output: outputBase + image * outputImageCount, workspace: workspace)
                }
            }
        }
    }

    /// The number of floats of scratch memory `apply(image:height:width:output:workspace:)`
    /// needs for an `H x W` input: the im2col column buffer or the Winograd block buffers,
    /// within `columnBufferLimit` bytes (or one column or tile, if that is larger).
    public func workspaceCount(height: Int, width: Int) -> Int {
        let (outputHeight, outputWidth) = outputSize(height: height, width: width)
        if let winograd {
            return winograd.workspaceCount(outputHeight: outputHeight, outputWidth: outputWidth)
        }
        let reduction = inputChannels * kernelSize.height * kernelSize.width
        return max(1, reduction * im2colTileLength(positions: outputHeight * outputWidth))
    }

    /// Convolves one image on caller memory, allocating nothing: `image` `I x H x W` ->
    /// `output` `O x H' x W'`, with `workspace` holding `workspaceCount(height:width:)` floats.
    /// - Precondition: `outputShape(forInput: [1, I, H, W])` is not nil.
    public func apply(image: UnsafePointer<Float>, height: Int, width: Int,
                      output: UnsafeMutablePointer<Float>, workspace: UnsafeMutablePointer<Float>) {
        let (outputHeight, outputWidth) = outputSize(height: height, width: width)
        precondition(outputHeight > 0 && outputWidth > 0, "Conv2D with weight \(weight.shape) cannot take a \(height) x \(width) input")
        if let winograd {
            winograd.apply(image: image, height: height, width: width, output: output,
                           outputHeight: outputHeight, outputWidth: outputWidth, workspace: workspace)
            return
        }
        let positions = outputHeight * outputWidth
        let reduction = inputChannels * kernelSize.height * kernelSize.width
        let tileLength = im2colTileLength(positions: positions)
        weight.withUnsafeBufferPointer { weightBuffer in
            guard let weightBase = weightBuffer.baseAddress else { return }
            for tileStart in Swift.stride(from: 0, to: positions, by: tileLength) {
                let tile = tileStart..<min(positions, tileStart + tileLength)
                gatherColumns(image: image, height: height, width: width, outputWidth: outputWidth,
                              positions: tile, columns: workspace)
                // weight: O x (I*KH*KW), columns: (I*KH*KW) x tile -> output: O x tile (row stride H'*W')
                GEMM.multiply(
                    m: outputChannels, n: tile.count, k: reduction,
                    a: weightBase, lda: reduction,
                    b: workspace, ldb: tile.count,
                    c: output + tileStart, ldc: positions)
                finishTile(output + tileStart, length: tile.count, rowStride: positions)
            }
        }
    }

    /// H' x W' for an H x W input (either may be 0 or less when the input is too small).
    private func outputSize(height: Int, width: Int) -> (height: Int, width: Int) {
        (SpatialGeometry.outputLength(input: height, kernel: kernelSize.height, stride: stride.height, padding: padding.height),
         SpatialGeometry.outputLength(input: width, kernel: kernelSize.width, stride: stride.width, padding: padding.width))
    }

    /// Output positions per im2col tile: as many columns as fit in `columnBufferLimit`.
    private func im2colTileLength(positions: Int) -> Int {
        let reduction = inputChannels * kernelSize.height * kernelSize.width
        return max(1, min(positions, columnBufferLimit / (MemoryLayout<Float>.stride * max(1, reduction))))
    }

    /// This convolution followed by `batchNorm` (evaluation mode) as a single convolution:
    /// output channel `o` gets weight `weight[o] * scale[o]` and bias `bias[o] * scale[o] + shift[o]`.
    /// The new weight is an owned copy; the tiling bound and the algorithm carry over, and a
    /// fused ReLU applies after the batch norm (VGG's conv, BatchNorm, ReLU order).
    /// - Precondition: `batchNorm.channels == outputChannels`.
    public func folding(_ batchNorm: BatchNorm2D) -> Conv2D {
        precondition(batchNorm.channels == outputChannels,
                     "BatchNorm2D over \(batchNorm.channels) channels cannot follow Conv2D with weight \(weight.shape)")
        let channelSize = weight.count / max(1, outputChannels)
        var foldedWeight = weight
        foldedWeight.withUnsafeMutableBufferPointer { values in
            // weight: O x (I*KH*KW), row o scaled by scale[o]
            for channel in 0..<outputChannels {
                let row = UnsafeMutableBufferPointer(rebasing: values[(channel * channelSize)..<((channel + 1) * channelSize)])
                for index in row.indices { row[index] *= batchNorm.scale[channel] }
            }
        }
        let foldedBias = (0..<outputChannels).map { channel in
            (bias?[flat: channel] ?? 0) * batchNorm.scale[channel] + batchNorm.shift[channel]
        }
        return Conv2D(
            weight: foldedWeight, bias: Tensor(shape: [outputChannels], scalars: foldedBias),
            stride: stride, padding: padding, fusesReLU: fusesReLU, columnBufferLimit: columnBufferLimit,
            algorithm: algorithm)
    }

    /// im2col for one image and a run of output positions; padding reads as zero.
    // image: I x H x W -> columns: (I*KH*KW) x positions.count, row (i, ky, kx) column p holding
    // image[i, y(p)*strideH - padH + ky, x(p)*strideW - padW + kx]
    private func gatherColumns(
        image: UnsafePointer<Float>, height: Int, width: Int, outputWidth: Int,
        positions: Range<Int>, columns: UnsafeMutablePointer<Float>
    ) {
        let (kernelHeight, kernelWidth) = kernelSize
        let rows = inputChannels * kernelHeight * kernelWidth
        ComputeThreads.parallelFor(rows, minimumChunk: max(1, 16_384 / positions.count)) { chunk in
            for row in chunk {
                let channel = row / (kernelHeight * kernelWidth)
                let offsetY = row / kernelWidth % kernelHeight
                let offsetX = row % kernelWidth
                let plane = image + channel * height * width
                // Output x whose input x = x * strideW - padW + offsetX lies inside 0..<width.
                let firstInside = SpatialGeometry.ceilDivide(padding.width - offsetX, stride.width)
                let endInside = SpatialGeometry.floorDivide(width - 1 + padding.width - offsetX, stride.width) + 1
                var destination = columns + row * positions.count
                var position = positions.lowerBound
                while position < positions.upperBound {
                    // One output row's share of the tile: output xs startX..<endX at output y.
                    let outputY = position / outputWidth
                    let startX = position - outputY * outputWidth
                    let endX = min(outputWidth, startX + positions.upperBound - position)
                    let inputY = outputY * stride.height - padding.height + offsetY
                    if inputY < 0 || inputY >= height {
                        destination.update(repeating: 0, count: endX - startX)
                    } else {
                        let insideStart = min(max(firstInside, startX), endX)
                        let insideEnd = min(max(endInside, insideStart), endX)
                        destination.update(repeating: 0, count: insideStart - startX)
                        let inputRow = plane + inputY * width
                        let inside = destination + (insideStart - startX)
                        if stride.width == 1 {
                            inside.update(from: inputRow + (insideStart - padding.width + offsetX),
                                          count: insideEnd - insideStart)
                        } else {
                            for x in insideStart..<insideEnd {
                                inside[x - insideStart] = inputRow[x * stride.width - padding.width + offsetX]
                            }
                        }
                        (destination + (insideEnd - startX)).update(repeating: 0, count: endX - insideEnd)
                    }
                    destination += endX - startX
                    position += endX - startX
                }
            }
        }
    }

    /// Adds the bias and applies the fused ReLU to one output tile.
    // tile: O rows of `length` values, `rowStride` apart
    private func finishTile(_ tile: UnsafeMutablePointer<Float>, length: Int, rowStride: Int) {
        guard bias != nil || fusesReLU else { return }
        ComputeThreads.parallelFor(outputChannels, minimumChunk: max(1, 16_384 / length)) { channels in
            for channel in channels {
                let line = UnsafeMutableBufferPointer(start: tile + channel * rowStride, count: length)
                if let value = bias?[flat: channel] {
                    for index in line.indices { line[index] += value }
                }
                if fusesReLU {
                    Activation.relu.apply(to: line)
                }
            }
        }
    }
}
