import Foundation

/// How the bytes of one pixel are ordered in a raw pixel buffer handed to
/// `RGBImage(width:height:layout:bytesPerRow:pixels:)`. Alpha, where present, is dropped
/// (colour channels kept as they are, as for decoded PNG files with alpha).
public enum PixelLayout: Sendable, Equatable, CaseIterable {
    /// Red, green, blue: 3 bytes.
    case rgb
    /// Red, green, blue, alpha: 4 bytes (Core Graphics' `premultipliedLast` / `noneSkipLast`).
    case rgba
    /// Blue, green, red, alpha: 4 bytes (Core Video's `kCVPixelFormatType_32BGRA`).
    case bgra
    /// Alpha, red, green, blue: 4 bytes (Core Graphics' `premultipliedFirst` / `noneSkipFirst`).
    case argb

    /// Bytes per pixel.
    public var bytesPerPixel: Int { self == .rgb ? 3 : 4 }

    /// Offsets of red, green and blue inside one pixel.
    var channelOffsets: (red: Int, green: Int, blue: Int) {
        switch self {
        case .rgb, .rgba: return (0, 1, 2)
        case .bgra: return (2, 1, 0)
        case .argb: return (1, 2, 3)
        }
    }

    /// The row stride (`bytesPerRow`, or packed rows when nil) and the bytes a buffer must
    /// hold for `width` x `height` pixels (the last row need not be padded).
    /// - Throws: `CaptionError.invalidPixels` for a size below 1 x 1, a stride shorter than a
    ///   row, a size that overflows, or fewer than the needed bytes.
    func checkedSize(width: Int, height: Int, bytesPerRow: Int?, available: Int) throws -> (stride: Int, total: Int) {
        guard width >= 1, height >= 1 else {
            throw CaptionError.invalidPixels(reason: "an image needs at least 1 x 1 pixels, got \(width) x \(height)")
        }
        let (rowBytes, rowOverflow) = width.multipliedReportingOverflow(by: bytesPerPixel)
        let stride = bytesPerRow ?? rowBytes
        guard !rowOverflow, stride >= rowBytes else {
            throw CaptionError.invalidPixels(
                reason: "bytesPerRow \(stride) is shorter than a row of \(width) \(self) pixels (\(width) x \(bytesPerPixel) bytes)")
        }
        let (body, bodyOverflow) = stride.multipliedReportingOverflow(by: height - 1)
        let (total, totalOverflow) = body.addingReportingOverflow(rowBytes)
        guard !bodyOverflow, !totalOverflow, total <= Int.max / 3 else {
            throw CaptionError.invalidPixels(reason: "a \(width) x \(height) image is too large to address")
        }
        guard available >= total else {
            throw CaptionError.invalidPixels(
                reason: "\(available) bytes for a \(width) x \(height) \(self) image with \(stride) bytes per row (needs \(total))")
        }
        return (stride, total)
    }
}

extension RGBImage {
    /// An image converted from a raw pixel buffer: any `PixelLayout`, rows `bytesPerRow`
    /// bytes apart (nil: packed, `width * layout.bytesPerPixel`), top row first. Alpha is
    /// dropped. `pixels` is anything that exposes contiguous bytes (`[UInt8]`, `Data`).
    ///
    /// ```swift
    /// // A 2 x 1 BGRA frame whose rows are padded to 16 bytes.
    /// let frame: [UInt8] = [0, 0, 255, 255, 255, 0, 0, 255] + [UInt8](repeating: 0, count: 8)
    /// let image = try RGBImage(width: 2, height: 1, layout: .bgra, bytesPerRow: 16, pixels: frame)
    /// assert(image.pixels == [255, 0, 0, 0, 0, 255])
    /// ```
    /// - Throws: `CaptionError.invalidPixels` for an empty size, a stride shorter than a row,
    ///   or a buffer too short for the rows it must hold.
    public init(width: Int, height: Int, layout: PixelLayout, bytesPerRow: Int? = nil,
                pixels: some ContiguousBytes) throws {
        let converted = try pixels.withUnsafeBytes { source -> [UInt8] in
            let (stride, _) = try layout.checkedSize(width: width, height: height, bytesPerRow: bytesPerRow,
                                                     available: source.count)
            let step = layout.bytesPerPixel
            let (red, green, blue) = layout.channelOffsets
            return [UInt8](unsafeUninitializedCapacity: width * height * 3) { output, initializedCount in
                for row in 0..<height {
                    let rowStart = row * stride
                    var target = row * width * 3
                    for column in 0..<width {
                        let pixel = rowStart + column * step
                        output[target] = source[pixel + red]
                        output[target + 1] = source[pixel + green]
                        output[target + 2] = source[pixel + blue]
                        target += 3
                    }
                }
                initializedCount = width * height * 3
            }
        }
        self.init(validatedWidth: width, height: height, pixels: converted)
    }
}
