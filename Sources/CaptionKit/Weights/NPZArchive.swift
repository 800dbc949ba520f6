import Foundation

/// An `.npz` archive: a zip file of `.npy` entries named `key.npy`, as `numpy.savez`
/// (stored) and `numpy.savez_compressed` (deflated) write it, including the zip64 records
/// NumPy always adds. Other entries (a model bundle's `config.json`) can be read as bytes.
///
/// Opening maps the file and reads the central directory only. Reading an entry checks its
/// local header and CRC-32; a stored float32 entry whose data happens to be aligned is used
/// in place, anything else is inflated or converted into memory of its own.
public struct NPZArchive: Sendable {
    /// The archive's path, for error messages.
    public let path: String
    /// The names of all entries, in archive order (`key.npy`, `config.json`, ...).
    public let entryNames: [String]
    private let entries: [String: ZipEntry]
    private let region: ByteRegion

    private static let localHeaderSignature: UInt32 = 0x0403_4B50
    private static let localHeaderSize = 30
    /// DEFLATE cannot expand data more than about 1032 times; a larger declared size is a lie.
    private static let largestDeflateRatio = 1032

    /// Maps the archive at `url` and reads its central directory.
    public init(contentsOf url: URL) throws(CaptionError) {
        try self.init(region: ByteRegion.mapping(path: url.path), path: url.path)
    }

    /// The zip archive held in `bytes` (one read out of another archive, such as a `.jar`
    /// inside a wheel); `path` names it in errors.
    public init(bytes: [UInt8], path: String) throws(CaptionError) {
        let region = ByteRegion.allocated(count: bytes.count) { buffer in
            buffer.copyBytes(from: bytes)
        }
        guard let region else {
            throw CaptionError.unreadableFile(path: path, reason: "cannot allocate \(bytes.count) bytes")
        }
        try self.init(region: region, path: path)
    }

    /// The archive whose bytes are `region`; `path` names it in errors.
    init(region: ByteRegion, path: String) throws(CaptionError) {
        self.path = path
        self.region = region
        let list = try ZipCentralDirectory.entries(of: region.bytes(from: 0, count: region.count), path: path)
        entryNames = list.map(\.name)
        entries = Dictionary(uniqueKeysWithValues: list.map { ($0.name, $0) })
    }

    /// The array names: entries called `name.npy`, without the suffix.
    public var arrayNames: [String] {
        entryNames.compactMap { $0.hasSuffix(".npy") && $0.count > 4 ? String($0.dropLast(4)) : nil }
    }

    /// The array stored as `name.npy`, with its header checked.
    public func array(named name: String) throws(CaptionError) -> NPYArray {
        let entryName = name + ".npy"
        let (bytes, offset, count) = try contents(of: entryName)
        return try NPYArray(region: bytes, fileOffset: offset, fileCount: count, path: description(of: entryName))
    }

    /// The uncompressed bytes of the entry called `entryName` (for example `config.json`).
    public func contents(ofEntry entryName: String) throws(CaptionError) -> [UInt8] {
        let (bytes, offset, count) = try contents(of: entryName)
        return Array(bytes.bytes(from: offset, count: count))
    }

    /// The CRC-32 and uncompressed size that the central directory records for the entry
    /// called `entryName` (nil when there is none), read without touching the entry's data.
    public func recordedChecksum(ofEntry entryName: String) -> (crc32: UInt32, size: Int)? {
        entries[entryName].map { ($0.crc32, $0.uncompressedSize) }
    }

    /// The entry's bytes: where they lie in the archive's mapping when stored, or a new
    /// inflated region when deflated; checked against the entry's CRC-32.
    private func contents(of entryName: String) throws(CaptionError) -> (region: ByteRegion, offset: Int, count: Int) {
        let name = description(of: entryName)
        func invalid(_ reason: String) -> CaptionError {
            .invalidArrayFile(path: name, reason: reason)
        }
        guard let entry = entries[entryName] else {
            throw CaptionError.invalidArrayFile(path: path, reason: "no entry named '\(entryName)'")
        }
        let archive = region.bytes(from: 0, count: region.count)
        let header = entry.localHeaderOffset
        guard archive.littleEndian(UInt32.self, at: header) == NPZArchive.localHeaderSignature,
              let nameLength = archive.littleEndian(UInt16.self, at: header + 26),
              let extraLength = archive.littleEndian(UInt16.self, at: header + 28)
        else {
            throw invalid("no local file header at offset \(header)")
        }
        let nameStart = header + NPZArchive.localHeaderSize
        let dataStart = nameStart + Int(nameLength) + Int(extraLength)
        guard dataStart <= archive.count, entry.compressedSize <= archive.count - dataStart else {
            throw invalid("data (\(entry.compressedSize) bytes at offset \(dataStart)) runs past the end of the archive")
        }
        guard archive[nameStart..<(nameStart + Int(nameLength))].elementsEqual(entry.name.utf8) else {
            throw invalid("the local header names a different entry")
        }
        guard !entry.isEncrypted else {
            throw invalid("entry is encrypted")
        }
        let stored = UnsafeRawBufferPointer(rebasing: archive[dataStart..<(dataStart + entry.compressedSize)])
        let result: (region: ByteRegion, offset: Int, count: Int)
        switch entry.method {
        case ZipEntry.stored:
            guard entry.compressedSize == entry.uncompressedSize else {
                throw invalid("stored entry has compressed size \(entry.compressedSize) but size \(entry.uncompressedSize)")
            }
            result = (region, dataStart, entry.compressedSize)
        case ZipEntry.deflated:
            let (limit, overflow) = entry.compressedSize.multipliedReportingOverflow(by: NPZArchive.largestDeflateRatio)
            guard overflow || entry.uncompressedSize <= limit + 64 else {
                throw invalid("declares \(entry.uncompressedSize) bytes from \(entry.compressedSize) compressed, more than DEFLATE can produce")
            }
            let inflated = try ByteRegion.allocated(count: entry.uncompressedSize) { (buffer) throws(CaptionError) in
                if let reason = Zlib.inflateRaw(stored, into: buffer) {
                    throw invalid(reason)
                }
            }
            guard let inflated else {
                throw invalid("cannot allocate \(entry.uncompressedSize) bytes to inflate it")
            }
            result = (inflated, 0, inflated.count)
        default:
            throw invalid("compression method \(entry.method) is not supported (only stored and deflate are)")
        }
        let crc = Zlib.crc32(result.region.bytes(from: result.offset, count: result.count))
        guard crc == entry.crc32 else {
            throw invalid("CRC-32 mismatch (stored \(hex(entry.crc32)), computed \(hex(crc))): the data is damaged")
        }
        return result
    }

    /// How error messages name an entry: `archive.npz [entry]`.
    private func description(of entryName: String) -> String {
        "\(path) [\(entryName)]"
    }

    private func hex(_ value: UInt32) -> String {
        "0x" + String(value, radix: 16, uppercase: false)
    }
}
