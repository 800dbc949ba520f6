import CZlib

/// The two zlib services `.npz` reading needs: raw DEFLATE decompression (zip method 8,
/// no zlib or gzip wrapper) and the CRC-32 that zip stores for every entry.
enum Zlib {
    /// Largest chunk handed to zlib at once; its counters are 32-bit.
    private static let chunkLimit = 1 << 30

    /// Inflates the raw DEFLATE stream `source` into `destination`, which must be filled
    /// exactly. Returns `nil` on success, or why the stream is unusable (corrupt, ends
    /// early, or holds more or fewer bytes than `destination`).
    static func inflateRaw(_ source: UnsafeRawBufferPointer, into destination: UnsafeMutableRawBufferPointer) -> String? {
        guard let input = source.baseAddress, let output = destination.baseAddress else {
            return "empty compressed data"
        }
        var stream = z_stream()
        // Negative window bits: a raw stream, as zip stores it.
        guard inflateInit2_(&stream, -MAX_WBITS, ZLIB_VERSION, Int32(MemoryLayout<z_stream>.size)) == Z_OK else {
            return "zlib could not start inflating"
        }
        defer { inflateEnd(&stream) }
        var consumed = 0
        var produced = 0
        while true {
            let inputChunk = min(source.count - consumed, chunkLimit)
            let outputChunk = min(destination.count - produced, chunkLimit)
            stream.next_in = UnsafeMutablePointer(mutating: (input + consumed).assumingMemoryBound(to: Bytef.self))
            stream.avail_in = uInt(inputChunk)
            stream.next_out = (output + produced).assumingMemoryBound(to: Bytef.self)
            stream.avail_out = uInt(outputChunk)
            let status = inflate(&stream, Z_NO_FLUSH)
            let read = inputChunk - Int(stream.avail_in)
            let written = outputChunk - Int(stream.avail_out)
            consumed += read
            produced += written
            switch status {
            case Z_STREAM_END:
                return produced == destination.count
                    ? nil : "inflates to \(produced) bytes, \(destination.count) declared"
            case Z_OK, Z_BUF_ERROR:
                if read == 0 && written == 0 {
                    return produced == destination.count
                        ? "inflates to more than the \(destination.count) bytes declared"
                        : "compressed data ends early (\(produced) of \(destination.count) bytes inflated)"
                }
            default:
                let message = stream.msg.map { String(cString: $0) } ?? "zlib error \(status)"
                return "corrupt compressed data: \(message)"
            }
        }
    }

    /// The CRC-32 (zip's, ISO 3309) of `bytes`.
    static func crc32(_ bytes: UnsafeRawBufferPointer) -> UInt32 {
        guard let base = bytes.baseAddress else { return 0 }
        return UInt32(crc32_z(0, base.assumingMemoryBound(to: Bytef.self), bytes.count))
    }
}
