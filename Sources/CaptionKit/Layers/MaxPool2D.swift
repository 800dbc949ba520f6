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
                Self.poolRowPair(plane + 2 * outputY * width, plane + (2 * outputY + 1) * width,
                                 into: output + outputY * outputWidth, count: outputWidth)
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

    /// VGG's 2x2, stride-2 pool of one pair of rows, four outputs per step.
    // top, bottom: 2 * count values each -> output: count values, output[x] the maximum of
    // top[2x], top[2x + 1], bottom[2x], bottom[2x + 1] (NaN if any of them is NaN)
    private static func poolRowPair(_ top: UnsafePointer<Float>, _ bottom: UnsafePointer<Float>,
                                    into output: UnsafeMutablePointer<Float>, count: Int) {
        var x = 0
        while x + 4 <= count {
            let upper = UnsafeRawPointer(top + 2 * x).loadUnaligned(as: SIMD8<Float>.self)
            let lower = UnsafeRawPointer(bottom + 2 * x).loadUnaligned(as: SIMD8<Float>.self)
            let columns = maximum(upper, lower)
            UnsafeMutableRawPointer(output + x).storeBytes(of: maximum(columns.evenHalf, columns.oddHalf), as: SIMD4<Float>.self)
            x += 4
        }
        for tail in x..<count {
            let pair = SIMD2(top[2 * tail], top[2 * tail + 1]), below = SIMD2(bottom[2 * tail], bottom[2 * tail + 1])
            let columns = maximum(pair, below)
            output[tail] = maximum(SIMD2(repeating: columns[0]), SIMD2(repeating: columns[1]))[0]
        }
    }

    /// The lanewise maximum, NaN where either lane is NaN (as PyTorch's max pool).
    private static func maximum<Vector: SIMD>(_ a: Vector, _ b: Vector) -> Vector where Vector.Scalar == Float {
        a.replacing(with: b, where: b .> a).replacing(with: .nan, where: (a .!= a) .| (b .!= b))
    }
}
