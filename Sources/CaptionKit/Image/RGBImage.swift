/// An 8-bit RGB image held in memory: `pixels` has `width * height * 3` bytes, rows from top
/// to bottom, each pixel red, green, blue (interleaved, no padding).
///
/// `ImageDecoder` produces these from JPEG and PNG files; `resized(width:height:)` resamples
/// them as Pillow does; `ImagePreprocessor` turns them into the encoder's input tensor.
public struct RGBImage: Sendable, Equatable {
    /// Width in pixels.
    public let width: Int
    /// Height in pixels.
    public let height: Int
    /// `width * height * 3` bytes: RGB interleaved, row-major, top row first.
    public let pixels: [UInt8]

    /// An image over the given pixels.
    /// - Precondition: `width` and `height` are not negative and `pixels.count` is
    ///   `width * height * 3`.
    public init(width: Int, height: Int, pixels: [UInt8]) {
        precondition(width >= 0 && height >= 0, "negative image size \(width) x \(height)")
        precondition(pixels.count == width * height * 3, "\(pixels.count) bytes for a \(width) x \(height) RGB image")
        self.width = width
        self.height = height
        self.pixels = pixels
    }

    /// An image whose pixels `fill` writes into an uninitialised buffer of
    /// `width * height * 3` bytes (every byte must be written).
    init(width: Int, height: Int, unsafeUninitializedFill fill: (UnsafeMutableBufferPointer<UInt8>) throws -> Void) rethrows {
        let count = width * height * 3
        self.width = width
        self.height = height
        pixels = try [UInt8](unsafeUninitializedCapacity: count) { buffer, initializedCount in
            try fill(UnsafeMutableBufferPointer(rebasing: buffer[0..<count]))
            initializedCount = count
        }
    }

    /// Refuses dimensions whose pixel count exceeds `limit` (or that are not positive),
    /// before anything is allocated for them; returns the pixel count.
    static func checkedPixelCount(width: Int, height: Int, limit: Int, name: String) throws -> Int {
        guard width > 0, height > 0 else {
            throw CaptionError.invalidImage(path: name, reason: "the header declares an empty image (\(width) x \(height))")
        }
        let (count, overflow) = width.multipliedReportingOverflow(by: height)
        guard !overflow, count <= limit, count <= Int.max / 3 else {
            throw CaptionError.imageTooLarge(path: name, width: width, height: height, limit: limit)
        }
        return count
    }
}
