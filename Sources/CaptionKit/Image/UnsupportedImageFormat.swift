/// Names the common image formats `ImageDecoder` does not read (it reads JPEG and PNG), so
/// that refusing one says what the file is: "GIF images are not supported".
enum UnsupportedImageFormat {
    /// Formats told apart by their first bytes: a name and a test of the signature.
    private static let signatures: [(name: String, matches: @Sendable (UnsafeRawBufferPointer) -> Bool)] = [
        ("GIF", { $0.starts(with: Array("GIF87a".utf8)) || $0.starts(with: Array("GIF89a".utf8)) }),
        ("BMP", { $0.starts(with: Array("BM".utf8)) && $0.count >= 14 }),
        ("WebP", { $0.starts(with: Array("RIFF".utf8)) && $0.count >= 12 && Array($0[8..<12]) == Array("WEBP".utf8) }),
        ("HEIC", { isoMedia($0, brands: ["heic", "heix", "hevc", "heim", "heis", "mif1", "msf1"]) }),
        ("AVIF", { isoMedia($0, brands: ["avif", "avis"]) }),
        ("TIFF", { $0.starts(with: [0x49, 0x49, 0x2A, 0x00]) || $0.starts(with: [0x4D, 0x4D, 0x00, 0x2A]) }),
        ("JPEG 2000", { $0.starts(with: [0x00, 0x00, 0x00, 0x0C, 0x6A, 0x50, 0x20, 0x20]) }),
    ]

    /// Why bytes that are neither JPEG nor PNG are refused: the format when it is a known
    /// one, else the first bytes as two-digit hexadecimal.
    static func reason(for bytes: UnsafeRawBufferPointer) -> String {
        if let known = signatures.first(where: { $0.matches(bytes) }) {
            return "\(known.name) images are not supported (only JPEG and PNG)"
        }
        let head = bytes.prefix(8).map { hex($0) }.joined(separator: " ")
        return "not a JPEG or PNG file (it starts with bytes \(head))"
    }

    /// An ISO base media file (`ftyp` box at offset 4) whose major brand is one of `brands`.
    private static func isoMedia(_ bytes: UnsafeRawBufferPointer, brands: Set<String>) -> Bool {
        guard bytes.count >= 12, Array(bytes[4..<8]) == Array("ftyp".utf8) else { return false }
        return brands.contains(String(decoding: bytes[8..<12], as: UTF8.self))
    }

    /// A byte as two uppercase hexadecimal digits (`01`, `FF`).
    private static func hex(_ byte: UInt8) -> String {
        let digits = String(byte, radix: 16, uppercase: true)
        return digits.count == 1 ? "0" + digits : digits
    }
}
