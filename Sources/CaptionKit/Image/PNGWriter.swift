import CImageCodecs
import Foundation

/// Writes 8-bit RGB or RGBA pixels as PNG files (attention overlays, debugging output).
///
/// Files are written atomically: the PNG goes to a temporary file in the same directory,
/// which is renamed over the destination only once complete. On any failure the
/// temporary file is removed, so nothing is left behind and an existing file is untouched.
public enum PNGWriter {
    /// Encodes `pixels` (rows top to bottom, `width * height * (hasAlpha ? 4 : 3)` bytes,
    /// interleaved RGB or RGBA) as an 8-bit PNG and writes it to `path`.
    /// - Throws: `CaptionError.unwritableFile` naming `path` and the reason (a size that does
    ///   not match the pixels, a missing directory, no permission, a full disk).
    public static func write(pixels: [UInt8], width: Int, height: Int, hasAlpha: Bool, to path: String) throws {
        let encoded = try encode(pixels: pixels, width: width, height: height, hasAlpha: hasAlpha, path: path)
        try encoded.withUnsafeBytes { try writeAtomically($0, to: path) }
    }

    /// The PNG file's bytes.
    static func encode(pixels: [UInt8], width: Int, height: Int, hasAlpha: Bool, path: String) throws -> [UInt8] {
        let channels = hasAlpha ? 4 : 3
        guard width > 0, height > 0, width <= Int(Int32.max), height <= Int(Int32.max) else {
            throw CaptionError.unwritableFile(path: path, reason: "cannot encode a \(width) x \(height) image")
        }
        let (pixelCount, overflow) = width.multipliedReportingOverflow(by: height)
        guard !overflow, pixelCount <= Int.max / channels, pixels.count == pixelCount * channels else {
            throw CaptionError.unwritableFile(
                path: path, reason: "\(pixels.count) bytes given for a \(width) x \(height) image with \(channels) channels")
        }
        var status = CKIStatus()
        var bytes: UnsafeMutablePointer<UInt8>?
        var count = 0
        let result = pixels.withUnsafeBufferPointer { pixels in
            cki_png_encode(pixels.baseAddress, Int32(width), Int32(height), hasAlpha ? 1 : 0, &bytes, &count, &status)
        }
        defer { cki_free(bytes) }
        guard result == 0, let bytes else {
            throw CaptionError.unwritableFile(path: path, reason: status.reason)
        }
        return Array(UnsafeBufferPointer(start: bytes, count: count))
    }

    /// Writes `bytes` to a new temporary file beside `path`, flushes it to disk and renames it
    /// to `path`; removes the temporary file on any failure.
    static func writeAtomically(_ bytes: UnsafeRawBufferPointer, to path: String) throws {
        let directory = path.lastIndex(of: "/").map { String(path[...$0]) } ?? ""
        var template = Array("\(directory).captionkit-png-XXXXXX".utf8CString)
        let descriptor = mkstemp(&template)
        guard descriptor >= 0 else {
            throw CaptionError.unwritableFile(path: path, reason: ImageDecoder.systemError())
        }
        let temporaryPath = String(decoding: template.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
        var finished = false
        defer {
            if !finished {
                close(descriptor)
                unlink(temporaryPath)
            }
        }
        var offset = 0
        while offset < bytes.count {
            let written = Foundation.write(descriptor, bytes.baseAddress.map { $0 + offset }, bytes.count - offset)
            if written < 0 {
                if errno == EINTR { continue }
                throw CaptionError.unwritableFile(path: path, reason: ImageDecoder.systemError())
            }
            offset += written
        }
        // mkstemp creates the file readable by its owner only; a picture is for everyone.
        guard fchmod(descriptor, 0o644) == 0, fsync(descriptor) == 0 else {
            throw CaptionError.unwritableFile(path: path, reason: ImageDecoder.systemError())
        }
        finished = true
        guard close(descriptor) == 0, rename(temporaryPath, path) == 0 else {
            let reason = ImageDecoder.systemError()
            unlink(temporaryPath)
            throw CaptionError.unwritableFile(path: path, reason: reason)
        }
    }
}
