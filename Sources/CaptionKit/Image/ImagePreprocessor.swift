/// Turns an `RGBImage` into the encoder's input: resized to `inputSize` x `inputSize` with
/// Pillow's bilinear semantics (skipped when already that size), scaled to [0, 1] and
/// normalised per channel, as torchvision's `ToTensor()` + `Normalize(mean, std)` do.
///
/// Each value is computed in Float exactly as PyTorch does it: `(Float(v) / 255 - mean[c]) /
/// std[c]`, so the result matches torchvision's float32 output bit for bit.
public struct ImagePreprocessor: Sendable {
    /// The side of the square input (the model configuration's `input_size`).
    public let inputSize: Int
    /// Per-channel mean (red, green, blue) subtracted after scaling to [0, 1]
    /// (torchvision `Normalize(mean:)`).
    public let mean: [Float]
    /// Per-channel standard deviation (red, green, blue) divided by after subtracting the mean
    /// (torchvision `Normalize(std:)`).
    public let std: [Float]
    /// The normalised value of every 8-bit sample of each channel: 3 x 256.
    private let table: [Float]

    /// A preprocessor for a square input of side `inputSize`.
    /// - Throws: `CaptionError.invalidOptions` when `inputSize` is not positive, `mean` or
    ///   `std` do not hold three values, or a standard deviation is zero or not finite.
    public init(inputSize: Int, mean: [Float], std: [Float]) throws {
        guard inputSize > 0 else {
            throw CaptionError.invalidOptions(reason: "image input size must be positive, got \(inputSize)")
        }
        guard mean.count == 3, std.count == 3 else {
            throw CaptionError.invalidOptions(
                reason: "image normalisation needs 3 means and 3 standard deviations, got \(mean.count) and \(std.count)")
        }
        guard mean.allSatisfy(\.isFinite), std.allSatisfy({ $0.isFinite && $0 != 0 }) else {
            throw CaptionError.invalidOptions(
                reason: "image normalisation needs finite means and finite non-zero standard deviations, got \(mean) and \(std)")
        }
        self.inputSize = inputSize
        self.mean = mean
        self.std = std
        table = (0..<3).flatMap { channel in
            (0..<256).map { value in (Float(value) / 255 - mean[channel]) / std[channel] }
        }
    }

    /// The encoder input for `image`: a [3, inputSize, inputSize] tensor (channels red,
    /// green, blue; rows top to bottom).
    public func tensor(for image: RGBImage) -> Tensor {
        normalized(image.resized(width: inputSize, height: inputSize))
    }

    /// `image` scaled and normalised without resizing: a [3, height, width] tensor.
    public func normalized(_ image: RGBImage) -> Tensor {
        let planeSize = image.width * image.height
        // pixels: H x W x 3 (interleaved) -> tensor: 3 x H x W (planar)
        return Tensor(shape: [3, image.height, image.width]) { output in
            image.pixels.withUnsafeBufferPointer { pixels in
                table.withUnsafeBufferPointer { table in
                    for channel in 0..<3 {
                        let values = table.baseAddress.unsafelyUnwrapped + channel * 256
                        for index in 0..<planeSize {
                            output[channel * planeSize + index] = values[Int(pixels[index * 3 + channel])]
                        }
                    }
                }
            }
        }
    }
}
