import CKernels

/// 2-D max pooling, the port of `torch.nn.MaxPool2d` (no padding, dilation 1,
/// `ceil_mode=False`): square `kernelSize` windows every `stride` pixels; windows that would
/// cross the right or bottom edge are dropped (floor mode).
///
/// Input `[N, C, H, W]` gives `[N, C, H', W']` with `H' = floor((H - kernelSize) / stride) + 1`.
/// A NaN in a window gives NaN, as in PyTorch.
public struct MaxPool2D: Sendable {
    /// The window side (PyTorch `kernel_size`).
    public let kernelSize: Int
    /// The step between windows (PyTorch `stride`; PyTorch's default is the kernel size).
    public let stride: Int

    /// A max pool with PyTorch's parameters; `stride` nil means `kernelSize`, as in PyTorch.
    /// - Precondition: both are at least 1.
    public init(kernelSize: Int = 2, stride: Int? = nil) {
        precondition(kernelSize >= 1 && (stride ?? 1) >= 1, "MaxPool2D kernel and stride must be at least 1")
        self.kernelSize = kernelSize
        self.stride = stride ?? kernelSize
    }

    /// `[N, C, H', W']` for an input of shape `[N, C, H, W]`, or nil when the input is not
    /// rank 4 or smaller than one window.
    public func outputShape(forInput shape: [Int]) -> [Int]? {
        guard let input = SpatialGeometry.imageBatch(shape) else { return nil }
        let height = SpatialGeometry.outputLength(input: input.height, kernel: kernelSize, stride: stride, padding: 0)
        let width = SpatialGeometry.outputLength(input: input.width, kernel: kernelSize, stride: stride, padding: 0)
        guard height > 0, width > 0 else { return nil }
        return [input.batch, input.channels, height, width]
    }

    /// The pooled `input` (`[N, C, H, W]` -> `[N, C, H', W']`).
    /// - Precondition: `outputShape(forInput: input.shape)` is not nil.
    public func callAsFunction(_ input: Tensor) -> Tensor {
        guard let outputShape = outputShape(forInput: input.shape) else {
            preconditionFailure("MaxPool2D(\(kernelSize), \(stride)) cannot take input \(input.shape)")
        }
        let (width, outputHeight, outputWidth) = (input.shape[3], outputShape[2], outputShape[3])
        return SpatialGeometry.mapPlanes(input, outputShape: outputShape) { plane, output in
            poolPlane(plane, width: width, into: output, outputHeight: outputHeight, outputWidth: outputWidth)
        }
    }

    /// Pools `planes` planes of `H x W` at `input` into `H' x W'` planes at `output`, on caller
    /// memory (planes in parallel, allocating nothing).
    /// - Precondition: `outputShape(forInput: [1, planes, H, W])` is not nil.
    public func apply(planes: Int, input: UnsafePointer<Float>, height: Int, width: Int, output: UnsafeMutablePointer<Float>) {
        guard let shape = outputShape(forInput: [1, planes, height, width]) else {
            preconditionFailure("MaxPool2D(\(kernelSize), \(stride)) cannot take \(height) x \(width) planes")
        }
        let (outputHeight, outputWidth) = (shape[2], shape[3])
        ComputeThreads.parallelFor(planes, minimumChunk: max(1, 16_384 / max(1, height * width))) { chunk in
            for plane in chunk {
                poolPlane(input + plane * height * width, width: width,
                          into: output + plane * outputHeight * outputWidth, outputHeight: outputHeight, outputWidth: outputWidth)
            }
        }
    }

    // plane: H x W -> H' x W', each output the maximum of its kernelSize x kernelSize window
    private func poolPlane(_ plane: UnsafePointer<Float>, width: Int, into output: UnsafeMutablePointer<Float>,
                           outputHeight: Int, outputWidth: Int) {
        if kernelSize == 2 && stride == 2 {
            for outputY in 0..<outputHeight {
                // VGG's pool: two input rows -> one output row, vectorised in CKernels
                ck_max_pool_rows(plane + 2 * outputY * width, plane + (2 * outputY + 1) * width,
                                 output + outputY * outputWidth, outputWidth)
            }
            return
        }
        for outputY in 0..<outputHeight {
            for outputX in 0..<outputWidth {
                let corner = plane + outputY * stride * width + outputX * stride
                var maximum = -Float.infinity
                for windowY in 0..<kernelSize {
                    let row = corner + windowY * width
                    for windowX in 0..<kernelSize where row[windowX] > maximum || row[windowX].isNaN {
                        maximum = row[windowX]
                    }
                }
                output[outputY * outputWidth + outputX] = maximum
            }
        }
    }
}
