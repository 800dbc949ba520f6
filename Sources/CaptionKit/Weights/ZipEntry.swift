/// One file in a zip archive as its central directory describes it, with the zip64
/// extended sizes and offset already applied.
struct ZipEntry: Equatable, Sendable {
    /// The stored name (`key.npy` in an `.npz`), decoded as UTF-8.
    let name: String
    /// General purpose flags; bit 0 means encrypted.
    let flags: UInt16
    /// Compression method: 0 stored, 8 deflate; others are refused when read.
    let method: UInt16
    /// CRC-32 of the uncompressed bytes.
    let crc32: UInt32
    /// Bytes of (possibly compressed) data in the archive.
    let compressedSize: Int
    /// Bytes after decompression.
    let uncompressedSize: Int
    /// Where the entry's local header starts in the archive.
    let localHeaderOffset: Int

    /// Method 0: the bytes are stored as they are.
    static let stored: UInt16 = 0
    /// Method 8: raw DEFLATE.
    static let deflated: UInt16 = 8

    /// Whether the entry is encrypted (flag bit 0), which CaptionKit does not read.
    var isEncrypted: Bool { flags & 1 != 0 }
}
