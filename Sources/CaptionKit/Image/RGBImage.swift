/// An 8-bit RGB image held in memory: `pixels` has `width * height * 3` bytes, rows from top
/// to bottom, each pixel red, green, blue (interleaved, no padding).
///
/// `ImageDecoder` produces these from JPEG and PNG files; `init(width:height:pixels:)` wraps
/// packed RGB bytes, and `init(width:height:layout:bytesPerRow:pixels:)` converts RGBA, BGRA
/// or padded rows (a camera frame or a bitmap context). `resized(width:height:)` resamples as
/// Pillow does; `ImagePreprocessor` turns an image into the encoder's input tensor.
///
/// ```swift
/// let red = try RGBImage(width: 2, height: 1, pixels: [255, 0, 0, 255, 0, 0])
/// print(red.width, red.height)
/// ```
public struct RGBImage: Sendable, Equatable {
    /// Width in pixels (at least 1).
    public let width: Int
    /// Height in pixels (at least 1).
    public let height: Int
    /// `width * height * 3` bytes: RGB interleaved, row-major, top row first.
    public let pixels: [UInt8]

    /// An image over packed RGB bytes.
    /// - Throws: `CaptionError.invalidPixels` when `width` or `height` is less than 1 or
    ///   `pixels.count` is not `width * height * 3`.
    public init(width: Int, height: Int, pixels: [UInt8]) throws {
        let count = try PixelLayout.rgb.checkedSize(width: width, height: height, bytesPerRow: nil, available: .max)
        guard pixels.count == count.total else {
            throw CaptionError.invalidPixels(
                reason: "\(pixels.count) bytes for a \(width) x \(height) RGB image (expected \(count.total))")
        }
        self.init(validatedWidth: width, height: height, pixels: pixels)
    }

    /// An image whose pixel bytes were checked by the caller (`pixels.count` is
    /// `width * height * 3`, both sides positive).
    init(validatedWidth width: Int, height: Int, pixels: [UInt8]) {
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
