import Foundation
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Writes `.npy` files byte for byte as `numpy.save` writes them: little-endian float32
/// (`<f4`) from a `Tensor`, or int64 (`<i8`), C order, format version 1.0 with the header
/// padded so the data starts on a 64-byte boundary.
///
/// Files are written atomically: into a temporary file in the same directory, flushed to
/// disk, then renamed over the destination, so a reader never sees a partial file.
public enum NPYWriter {
    /// Writes `tensor` as a float32 `.npy` file at `url`, replacing any file there.
    public static func write(_ tensor: Tensor, to url: URL) throws(CaptionError) {
        let header = headerBytes(descr: NPYDataType.float32.descr, shape: tensor.shape)
        let result = tensor.withUnsafeBufferPointer { elements in
            Result { () throws(CaptionError) in
                try writeAtomically(to: url, header: header, elements: elements) { $0.bitPattern.littleEndian }
            }
        }
        try result.get()
    }

    /// Writes `integers` as an int64 `.npy` file of the given shape at `url`, replacing any
    /// file there (PyTorch's `num_batches_tracked` is a 0-d int64 array: shape `[]`).
    /// - Precondition: `integers.count` is the product of `shape`.
    public static func write(integers: [Int64], shape: [Int], to url: URL) throws(CaptionError) {
        precondition(Tensor.elementCount(of: shape) == integers.count, "\(integers.count) integers for shape \(shape)")
        let header = headerBytes(descr: NPYDataType.int64.descr, shape: shape)
        let result = integers.withUnsafeBufferPointer { elements in
            Result { () throws(CaptionError) in
                try writeAtomically(to: url, header: header, elements: elements) { $0.littleEndian }
            }
        }
        try result.get()
    }

    /// Magic, version, header length and header, exactly as NumPy's `_write_array_header`
    /// makes them: the sorted dict repr, room for the first dimension to grow to 21 digits,
    /// spaces and a newline up to a multiple of 64 bytes. Version 2.0 (4-byte length) only
    /// when the header is too long for 1.0, as in NumPy.
    static func headerBytes(descr: String, shape: [Int]) -> [UInt8] {
        let shapeText: String
        switch shape.count {
        case 0: shapeText = "()"
        case 1: shapeText = "(\(shape[0]),)"
        default: shapeText = "(" + shape.map(String.init).joined(separator: ", ") + ")"
        }
        var dictionary = "{'descr': '\(descr)', 'fortran_order': False, 'shape': \(shapeText), }"
        if let first = shape.first {
            dictionary += String(repeating: " ", count: max(0, 21 - String(first).count))
        }
        let alignment = 64
        var text = Array(dictionary.utf8)
        text.append(0x0A)
        for lengthSize in [2, 4] {
            let prefixSize = NPYHeader.magic.count + 2 + lengthSize
            let padding = alignment - (prefixSize + text.count) % alignment
            let length = text.count + padding
            guard lengthSize == 4 || length <= Int(UInt16.max) else { continue }
            var bytes = NPYHeader.magic + [lengthSize == 2 ? 1 : 2, 0]
            for index in 0..<lengthSize {
                bytes.append(UInt8(truncatingIfNeeded: length >> (8 * index)))
            }
            bytes += text.dropLast() + [UInt8](repeating: 0x20, count: padding) + [0x0A]
            return bytes
        }
        preconditionFailure("a header longer than 4 GiB")
    }

    /// Writes `header` then `elements` (each turned into its little-endian bit pattern by
    /// `bits`) to a temporary file beside `url`, syncs it and renames it to `url`.
    private static func writeAtomically<Element, Bits: FixedWidthInteger>(
        to url: URL, header: [UInt8], elements: UnsafeBufferPointer<Element>, bits: (Element) -> Bits
    ) throws(CaptionError) {
        let path = url.path
        let temporary = url.deletingLastPathComponent()
            .appendingPathComponent(".\(url.lastPathComponent).\(getpid()).\(UInt32.random(in: 0...UInt32.max)).tmp").path
        let descriptor = open(temporary, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o666)
        guard descriptor >= 0 else {
            throw CaptionError.unwritableFile(path: path, reason: ByteRegion.lastErrorText())
        }
        var failure: String?
        if !header.withUnsafeBytes({ writeCompletely(descriptor, $0) }) {
            failure = ByteRegion.lastErrorText()
        }
        // Convert in chunks so a large tensor needs no second full-size buffer.
        let chunkSize = 1 << 16
        let chunk = UnsafeMutablePointer<Bits>.allocate(capacity: chunkSize)
        defer { chunk.deallocate() }
        var start = 0
        while failure == nil && start < elements.count {
            let count = min(chunkSize, elements.count - start)
            for index in 0..<count {
                chunk[index] = bits(elements[start + index])
            }
            if !writeCompletely(descriptor, UnsafeRawBufferPointer(start: chunk, count: count * MemoryLayout<Bits>.size)) {
                failure = ByteRegion.lastErrorText()
            }
            start += count
        }
        if failure == nil && fsync(descriptor) != 0 { failure = ByteRegion.lastErrorText() }
        if close(descriptor) != 0 && failure == nil { failure = ByteRegion.lastErrorText() }
        if failure == nil && rename(temporary, path) != 0 { failure = ByteRegion.lastErrorText() }
        if let failure {
            unlink(temporary)
            throw CaptionError.unwritableFile(path: path, reason: failure)
        }
    }
}

/// Writes every byte of `bytes` to `descriptor`, retrying partial writes and interruptions;
/// false on error, with `errno` set.
private func writeCompletely(_ descriptor: Int32, _ bytes: UnsafeRawBufferPointer) -> Bool {
    guard let base = bytes.baseAddress else { return true }
    var offset = 0
    while offset < bytes.count {
        let result = write(descriptor, base + offset, bytes.count - offset)
        if result < 0 {
            if errno == EINTR { continue }
            return false
        }
        offset += result
    }
    return true
}
