/// Adaptive average pooling, the port of `torch.nn.AdaptiveAvgPool2d`: input `[N, C, H, W]`
/// gives `[N, C, outputSize.height, outputSize.width]` whatever H and W are.
///
/// Output cell `i` along an axis of input length `n` and output length `m` averages input
/// indices `floor(i * n / m) ..< ceil((i + 1) * n / m)`, PyTorch's bins: they overlap when
/// `m` does not divide `n`, and repeat input cells when `m > n`.
public struct AdaptiveAvgPool2D: Sendable {
    /// The output height and width (PyTorch `output_size`).
    public let outputSize: (height: Int, width: Int)

    /// An adaptive average pool to `outputSize` (PyTorch's tuple form).
    /// - Precondition: both sizes are at least 1.
    public init(outputSize: (height: Int, width: Int)) {
        precondition(outputSize.height >= 1 && outputSize.width >= 1, "AdaptiveAvgPool2D output size must be at least 1")
        self.outputSize = outputSize
    }

    /// An adaptive average pool to `outputSize x outputSize` (PyTorch's `int` form).
    public init(outputSize: Int) {
        self.init(outputSize: (outputSize, outputSize))
    }

    /// `[N, C, outputSize.height, outputSize.width]` for `[N, C, H, W]`, or nil when the
    /// input is not rank 4 or has an empty spatial axis.
    public func outputShape(forInput shape: [Int]) -> [Int]? {
        guard let input = SpatialGeometry.imageBatch(shape), input.height > 0, input.width > 0 else { return nil }
        return [input.batch, input.channels, outputSize.height, outputSize.width]
    }

    /// The pooled `input`.
    /// - Precondition: `outputShape(forInput: input.shape)` is not nil.
    public func callAsFunction(_ input: Tensor) -> Tensor {
        guard let outputShape = outputShape(forInput: input.shape) else {
            preconditionFailure("AdaptiveAvgPool2D cannot take input \(input.shape)")
        }
        let (height, width) = (input.shape[2], input.shape[3])
        let rowBins = AdaptiveAvgPool2D.bins(input: height, output: outputSize.height)
        let columnBins = AdaptiveAvgPool2D.bins(input: width, output: outputSize.width)
        // plane: H x W -> outH x outW, each output the mean of its row bin x column bin
        return SpatialGeometry.mapPlanes(input, outputShape: outputShape) { plane, output in
            for (outputY, rows) in rowBins.enumerated() {
                for (outputX, columns) in columnBins.enumerated() {
                    var sum: Float = 0
                    for y in rows {
                        for x in columns {
                            sum += plane[y * width + x]
                        }
                    }
                    output[outputY * outputSize.width + outputX] = sum / Float(rows.count * columns.count)
                }
            }
        }
    }

    /// PyTorch's adaptive bins along one axis: `floor(i * input / output) ..< ceil((i + 1) * input / output)`.
    static func bins(input: Int, output: Int) -> [Range<Int>] {
        (0..<output).map { index in
            (index * input / output)..<((index + 1) * input + output - 1) / output
        }
    }
}
