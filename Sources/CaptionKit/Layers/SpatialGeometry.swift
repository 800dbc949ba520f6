/// Output sizes of sliding-window layers (`Conv2D`, `MaxPool2D`) along one axis, with
/// PyTorch's floor rounding: `floor((input + 2 * padding - kernel) / stride) + 1`.
enum SpatialGeometry {
    /// The number of window positions along one axis, or 0 when the padded input is shorter
    /// than the kernel (PyTorch raises "output size is too small" there).
    static func outputLength(input: Int, kernel: Int, stride: Int, padding: Int) -> Int {
        let span = input + 2 * padding - kernel
        guard span >= 0 else { return 0 }
        return span / stride + 1
    }

    /// `floor(numerator / denominator)` for a positive denominator (Swift's `/` truncates
    /// toward zero).
    static func floorDivide(_ numerator: Int, _ denominator: Int) -> Int {
        numerator >= 0 ? numerator / denominator : -((-numerator + denominator - 1) / denominator)
    }

    /// `ceil(numerator / denominator)` for a positive denominator.
    static func ceilDivide(_ numerator: Int, _ denominator: Int) -> Int {
        -floorDivide(-numerator, denominator)
    }

    /// The shape `[N, C, H, W]` unpacked, or nil when `shape` is not rank 4.
    static func imageBatch(_ shape: [Int]) -> (batch: Int, channels: Int, height: Int, width: Int)? {
        guard shape.count == 4 else { return nil }
        return (shape[0], shape[1], shape[2], shape[3])
    }

    /// A new `outputShape` tensor (`[N, C, H', W']`) computed plane by plane from `input`
    /// (`[N, C, H, W]`): `body` gets one input plane (H x W) and writes its output plane
    /// (H' x W') completely. Planes run in parallel on `ComputeThreads`.
    static func mapPlanes(
        _ input: Tensor, outputShape: [Int],
        _ body: (_ inputPlane: UnsafePointer<Float>, _ outputPlane: UnsafeMutablePointer<Float>) -> Void
    ) -> Tensor {
        let planes = outputShape[0] * outputShape[1]
        let inputPlaneSize = input.shape[2] * input.shape[3]
        let outputPlaneSize = outputShape[2] * outputShape[3]
        return Tensor(shape: outputShape) { output in
            input.withUnsafeBufferPointer { inputBuffer in
                guard let inputBase = inputBuffer.baseAddress, let outputBase = output.baseAddress else { return }
                ComputeThreads.parallelFor(planes, minimumChunk: max(1, 16_384 / max(1, inputPlaneSize))) { chunk in
                    for plane in chunk {
                        body(inputBase + plane * inputPlaneSize, outputBase + plane * outputPlaneSize)
                    }
                }
            }
        }
    }
}
