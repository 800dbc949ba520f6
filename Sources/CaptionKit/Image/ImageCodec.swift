import CImageCodecs

/// One of CImageCodecs' decoders (JPEG or PNG), driven through the same three steps: open
/// (reads the header), read into a buffer allocated here after the pixel-limit check, close.
struct ImageCodec: Sendable {
    /// Reads the header of bytes that stay valid until `close`; nil and a status on failure.
    let open: @Sendable (UnsafePointer<UInt8>, Int, UnsafeMutablePointer<CKIStatus>) -> OpaquePointer?
    /// The declared width and height.
    let dimensions: @Sendable (OpaquePointer) -> (width: Int, height: Int)
    /// Decodes into width * height * 3 bytes; 0 on success.
    let read: @Sendable (OpaquePointer, UnsafeMutablePointer<UInt8>?, UnsafeMutablePointer<CKIStatus>) -> Int32
    /// Releases the decoder.
    let close: @Sendable (OpaquePointer) -> Void

    /// libjpeg(-turbo): baseline or progressive; greyscale, YCbCr, RGB, CMYK or YCCK.
    static let jpeg = ImageCodec(
        open: { cki_jpeg_open($0, $1, $2) },
        dimensions: { decoder in
            var width: Int32 = 0, height: Int32 = 0
            cki_jpeg_dimensions(decoder, &width, &height)
            return (Int(width), Int(height))
        },
        read: { cki_jpeg_read_rgb($0, $1, $2) },
        close: { cki_jpeg_close($0) })

    /// libpng: every colour type, bit depth and interlacing.
    static let png = ImageCodec(
        open: { cki_png_open($0, $1, $2) },
        dimensions: { decoder in
            var width: Int64 = 0, height: Int64 = 0
            cki_png_dimensions(decoder, &width, &height)
            return (Int(width), Int(height))
        },
        read: { cki_png_read_rgb($0, $1, $2) },
        close: { cki_png_close($0) })

    /// Reads the header, refuses images over `pixelLimit` pixels, then decodes to RGB.
    func decode(_ bytes: UnsafeRawBufferPointer, name: String, pixelLimit: Int) throws -> RGBImage {
        var status = CKIStatus()
        guard let base = bytes.baseAddress?.assumingMemoryBound(to: UInt8.self),
              let decoder = open(base, bytes.count, &status) else {
            throw CaptionError.invalidImage(path: name, reason: status.reason)
        }
        defer { close(decoder) }
        let (width, height) = dimensions(decoder)
        _ = try RGBImage.checkedPixelCount(width: width, height: height, limit: pixelLimit, name: name)
        return try RGBImage(width: width, height: height) { pixels in
            guard read(decoder, pixels.baseAddress, &status) == 0 else {
                throw CaptionError.invalidImage(path: name, reason: status.reason)
            }
        }
    }
}
