import CImageCodecs
import Foundation

/// Decodes JPEG and PNG images into 8-bit RGB, as Pillow's `Image.open(...).convert("RGB")`
/// does (after `ImageOps.exif_transpose` for JPEG): greyscale and palette expanded, alpha
/// dropped with the colour channels kept as they are, 16-bit samples reduced to their high
/// byte, CMYK/YCCK converted, EXIF orientation applied.
///
/// The format is detected from the first bytes, never from the file name. Images whose
/// header declares more than `pixelLimit` pixels are refused before their pixels are
/// allocated. Every failure is a `CaptionError` naming the file and the reason.
public struct ImageDecoder: Sendable {
    /// The default pixel limit: 100 megapixels.
    public static let defaultPixelLimit = 100_000_000

    /// The largest pixel count (width times height) an image may declare.
    public let pixelLimit: Int

    /// A decoder that refuses images of more than `pixelLimit` pixels.
    public init(pixelLimit: Int = ImageDecoder.defaultPixelLimit) {
        self.pixelLimit = pixelLimit
    }

    /// Decodes the image file at `path`.
    /// - Throws: `CaptionError.unreadableFile` (missing, a directory, unreadable),
    ///   `.invalidImage` (empty, not JPEG or PNG, truncated, corrupt), `.imageTooLarge`.
    public func decode(fileAt path: String) throws -> RGBImage {
        try decode(fileContents: ImageDecoder.readFile(at: path), name: path)
    }

    /// Decodes the bytes of an image file read with `readFile(at:)`; `name` stands for it in
    /// errors. (`decode(fileAt:)` in two steps, for callers that time reading and decoding.)
    /// - Throws: `CaptionError.invalidImage` or `.imageTooLarge`.
    public func decode(fileContents bytes: [UInt8], name: String) throws -> RGBImage {
        try bytes.withUnsafeBytes { try decode(bytes: $0, name: name) }
    }

    /// Decodes an image held in memory; `name` stands for it in errors (a path or a URL).
    /// - Throws: `CaptionError.invalidImage` or `.imageTooLarge`.
    public func decode(_ data: Data, name: String) throws -> RGBImage {
        try data.withUnsafeBytes { try decode(bytes: $0, name: name) }
    }

    /// Decodes bytes that stay valid for the whole call.
    func decode(bytes: UnsafeRawBufferPointer, name: String) throws -> RGBImage {
        guard !bytes.isEmpty else {
            throw CaptionError.invalidImage(path: name, reason: "the file is empty (0 bytes)")
        }
        switch ImageFormat(signature: bytes) {
        case .jpeg:
            let image = try ImageCodec.jpeg.decode(bytes, name: name, pixelLimit: pixelLimit)
            return ExifOrientation(jpeg: bytes)?.applied(to: image) ?? image
        case .png:
            return try ImageCodec.png.decode(bytes, name: name, pixelLimit: pixelLimit)
        case nil:
            throw CaptionError.invalidImage(path: name, reason: UnsupportedImageFormat.reason(for: bytes))
        }
    }

    /// The whole file, read with POSIX calls so that each failure has its own reason.
    /// - Throws: `CaptionError.unreadableFile` (missing, a directory, unreadable).
    public static func readFile(at path: String) throws -> [UInt8] {
        let descriptor = open(path, O_RDONLY)
        guard descriptor >= 0 else {
            throw CaptionError.unreadableFile(path: path, reason: ImageDecoder.systemError())
        }
        defer { close(descriptor) }
        var information = stat()
        guard fstat(descriptor, &information) == 0 else {
            throw CaptionError.unreadableFile(path: path, reason: ImageDecoder.systemError())
        }
        guard (information.st_mode & S_IFMT) != S_IFDIR else {
            throw CaptionError.unreadableFile(path: path, reason: "is a directory, not an image file")
        }
        var bytes: [UInt8] = []
        bytes.reserveCapacity(Int(information.st_size))
        var chunk = [UInt8](repeating: 0, count: 1 << 20)
        while true {
            let count = chunk.withUnsafeMutableBytes { read(descriptor, $0.baseAddress, $0.count) }
            if count < 0 {
                if errno == EINTR { continue }
                throw CaptionError.unreadableFile(path: path, reason: ImageDecoder.systemError())
            }
            if count == 0 { return bytes }
            bytes.append(contentsOf: chunk[0..<count])
        }
    }

    /// The description of the current `errno`.
    static func systemError() -> String {
        String(cString: strerror(errno))
    }
}

/// The image formats `ImageDecoder` reads, told apart by their signatures.
enum ImageFormat {
    case jpeg
    case png

    /// The format whose signature starts `bytes` (JPEG: FF D8 FF; PNG: 89 "PNG" CR LF 1A LF).
    init?(signature bytes: UnsafeRawBufferPointer) {
        if bytes.starts(with: [0xFF, 0xD8, 0xFF]) {
            self = .jpeg
        } else if bytes.starts(with: [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]) {
            self = .png
        } else {
            return nil
        }
    }
}

extension CKIStatus {
    /// The C library's message as a string.
    var reason: String {
        withUnsafeBytes(of: message) { raw in
            String(decoding: raw.prefix { $0 != 0 }, as: UTF8.self)
        }
    }
}
