import CZlib
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Streams the lines of gzip-compressed text through zlib without holding the whole text:
/// METEOR's paraphrase table is 62 MB compressed and 272 MB of text.
enum GzipLines {
    private static let chunkSize = 1 << 22

    /// Calls `body` with each line of the gzip data `compressed` (without its "\n"; a final
    /// line without one is passed too). Returns nil on success, or why the data is unusable.
    static func forEachLine(in compressed: [UInt8], _ body: (UnsafeBufferPointer<UInt8>) -> Void) -> String? {
        var stream = z_stream()
        // 15 + 16: a gzip wrapper around the deflate stream.
        guard inflateInit2_(&stream, MAX_WBITS + 16, ZLIB_VERSION, Int32(MemoryLayout<z_stream>.size)) == Z_OK else {
            return "zlib could not start inflating"
        }
        defer { inflateEnd(&stream) }
        var output = [UInt8](repeating: 0, count: chunkSize)
        var pending = 0  // bytes of an unfinished line at the start of `output`
        return compressed.withUnsafeBufferPointer { input -> String? in
            guard let base = input.baseAddress else { return "empty compressed data" }
            var consumed = 0
            while true {
                let inputChunk = min(input.count - consumed, 1 << 30)
                stream.next_in = UnsafeMutablePointer(mutating: base + consumed)
                stream.avail_in = uInt(inputChunk)
                let (status, written) = output.withUnsafeMutableBufferPointer { buffer -> (Int32, Int) in
                    stream.next_out = buffer.baseAddress! + pending
                    stream.avail_out = uInt(buffer.count - pending)
                    let status = inflate(&stream, Z_NO_FLUSH)
                    return (status, buffer.count - pending - Int(stream.avail_out))
                }
                consumed += inputChunk - Int(stream.avail_in)
                let filled = pending + written
                pending = output.withUnsafeBufferPointer { buffer in
                    emitLines(UnsafeBufferPointer(rebasing: buffer[0..<filled]), final: status == Z_STREAM_END, body)
                }
                if pending > 0 && pending < filled {
                    output.withUnsafeMutableBytes { bytes in
                        bytes.baseAddress!.copyMemory(from: bytes.baseAddress! + (filled - pending), byteCount: pending)
                    }
                }
                switch status {
                case Z_STREAM_END:
                    return nil
                case Z_OK, Z_BUF_ERROR:
                    if written == 0 && stream.avail_in == 0 && consumed == input.count {
                        return "compressed data ends early"
                    }
                    if pending == output.count {
                        output += [UInt8](repeating: 0, count: output.count)  // a line longer than the buffer
                    }
                default:
                    let message = stream.msg.map { String(cString: $0) } ?? "zlib error \(status)"
                    return "corrupt compressed data: \(message)"
                }
            }
        }
    }

    /// Passes each complete line of `text` to `body`; returns how many bytes at the end are an
    /// unfinished line (none when `final`: the rest is passed as the last line).
    private static func emitLines(_ text: UnsafeBufferPointer<UInt8>, final: Bool, _ body: (UnsafeBufferPointer<UInt8>) -> Void) -> Int {
        guard let base = text.baseAddress else { return 0 }
        var start = 0
        while start < text.count, let found = memchr(base + start, 0x0A, text.count - start) {
            let newline = UnsafeRawPointer(found).assumingMemoryBound(to: UInt8.self) - base
            body(UnsafeBufferPointer(rebasing: text[start..<newline]))
            start = newline + 1
        }
        if final {
            if start < text.count { body(UnsafeBufferPointer(rebasing: text[start...])) }
            return 0
        }
        return text.count - start
    }
}
