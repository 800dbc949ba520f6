/// Reads a zip archive's table of contents: the end of central directory record (and its
/// zip64 version when present), then one central directory header per entry.
///
/// Record layouts follow PKWARE's APPNOTE (sections 4.3.12 to 4.3.16, 4.5.3). Everything
/// is bounds-checked; any inconsistency is a `CaptionError.invalidArrayFile`.
enum ZipCentralDirectory {
    private static let endSignature: UInt32 = 0x0605_4B50
    private static let zip64EndSignature: UInt32 = 0x0606_4B50
    private static let zip64LocatorSignature: UInt32 = 0x0706_4B50
    private static let entrySignature: UInt32 = 0x0201_4B50
    private static let endRecordSize = 22
    private static let zip64LocatorSize = 20
    private static let entryHeaderSize = 46

    /// Where the central directory lies and how many entries it holds.
    private struct Extent {
        let offset: Int
        let size: Int
        let entryCount: Int
    }

    /// The entries of the archive whose bytes are `archive`, in directory order. Names are
    /// distinct.
    static func entries(of archive: UnsafeRawBufferPointer, path: String) throws(CaptionError) -> [ZipEntry] {
        func invalid(_ reason: String) -> CaptionError {
            .invalidArrayFile(path: path, reason: reason)
        }
        let extent = try findExtent(archive, invalid: invalid)
        var entries: [ZipEntry] = []
        var names = Set<String>()
        var offset = extent.offset
        let end = extent.offset + extent.size
        for index in 0..<extent.entryCount {
            guard offset <= end - entryHeaderSize,
                  archive.littleEndian(UInt32.self, at: offset) == entrySignature,
                  let flags = archive.littleEndian(UInt16.self, at: offset + 8),
                  let method = archive.littleEndian(UInt16.self, at: offset + 10),
                  let crc = archive.littleEndian(UInt32.self, at: offset + 16),
                  let compressed32 = archive.littleEndian(UInt32.self, at: offset + 20),
                  let uncompressed32 = archive.littleEndian(UInt32.self, at: offset + 24),
                  let nameLength = archive.littleEndian(UInt16.self, at: offset + 28),
                  let extraLength = archive.littleEndian(UInt16.self, at: offset + 30),
                  let commentLength = archive.littleEndian(UInt16.self, at: offset + 32),
                  let disk16 = archive.littleEndian(UInt16.self, at: offset + 34),
                  let localOffset32 = archive.littleEndian(UInt32.self, at: offset + 42)
            else {
                throw invalid("central directory entry \(index) is damaged")
            }
            let nameStart = offset + entryHeaderSize
            let extraStart = nameStart + Int(nameLength)
            let next = extraStart + Int(extraLength) + Int(commentLength)
            guard next <= end else {
                throw invalid("central directory entry \(index) runs past the directory")
            }
            let name = String(decoding: UnsafeRawBufferPointer(rebasing: archive[nameStart..<extraStart]), as: UTF8.self)
            // Zip64: each field saturated in the header is in the extra field, in this order.
            var values = Zip64Values(
                uncompressedSize: Int(uncompressed32), compressedSize: Int(compressed32),
                localHeaderOffset: Int(localOffset32), disk: Int(disk16))
            let extra = UnsafeRawBufferPointer(rebasing: archive[extraStart..<(extraStart + Int(extraLength))])
            guard values.apply(extraFields: extra) else {
                throw invalid("entry '\(name)' has a damaged zip64 extra field")
            }
            guard values.disk == 0 else {
                throw invalid("entry '\(name)' is on disk \(values.disk); multi-disk archives are not supported")
            }
            guard names.insert(name).inserted else {
                throw invalid("entry '\(name)' appears twice")
            }
            entries.append(ZipEntry(
                name: name, flags: flags, method: method, crc32: crc,
                compressedSize: values.compressedSize, uncompressedSize: values.uncompressedSize,
                localHeaderOffset: values.localHeaderOffset))
            offset = next
        }
        return entries
    }

    /// Finds the end of central directory record (searching back over a comment of up to
    /// 64 KiB), follows the zip64 locator when there is one, and checks the directory's
    /// place in the file.
    private static func findExtent(_ archive: UnsafeRawBufferPointer, invalid: (String) -> CaptionError) throws(CaptionError) -> Extent {
        guard archive.count >= endRecordSize else {
            throw invalid("file is \(archive.count) bytes, too short for a zip archive")
        }
        let lowest = max(0, archive.count - endRecordSize - Int(UInt16.max))
        var candidate = archive.count - endRecordSize
        while candidate >= lowest {
            if archive.littleEndian(UInt32.self, at: candidate) == endSignature,
               let commentLength = archive.littleEndian(UInt16.self, at: candidate + 20),
               candidate + endRecordSize + Int(commentLength) == archive.count {
                break
            }
            candidate -= 1
        }
        guard candidate >= lowest,
              let disk = archive.littleEndian(UInt16.self, at: candidate + 4),
              let directoryDisk = archive.littleEndian(UInt16.self, at: candidate + 6),
              let count16 = archive.littleEndian(UInt16.self, at: candidate + 10),
              let size32 = archive.littleEndian(UInt32.self, at: candidate + 12),
              let offset32 = archive.littleEndian(UInt32.self, at: candidate + 16)
        else {
            throw invalid("no zip end of central directory record (not a zip archive, or truncated)")
        }
        var extent = Extent(offset: Int(offset32), size: Int(size32), entryCount: Int(count16))
        var directoryEnd = candidate
        let locator = candidate - zip64LocatorSize
        if locator >= 0, archive.littleEndian(UInt32.self, at: locator) == zip64LocatorSignature {
            guard let recordOffset = archive.littleEndian(UInt64.self, at: locator + 8),
                  let diskCount = archive.littleEndian(UInt32.self, at: locator + 16),
                  recordOffset <= UInt64(locator), diskCount <= 1,
                  archive.littleEndian(UInt32.self, at: Int(recordOffset)) == zip64EndSignature,
                  let count64 = archive.littleEndian(UInt64.self, at: Int(recordOffset) + 32),
                  let size64 = archive.littleEndian(UInt64.self, at: Int(recordOffset) + 40),
                  let offset64 = archive.littleEndian(UInt64.self, at: Int(recordOffset) + 48),
                  count64 <= UInt64(Int.max), size64 <= UInt64(Int.max), offset64 <= UInt64(Int.max)
            else {
                throw invalid("the zip64 end of central directory record is damaged")
            }
            extent = Extent(offset: Int(offset64), size: Int(size64), entryCount: Int(count64))
            directoryEnd = Int(recordOffset)
        } else if count16 == UInt16.max || size32 == UInt32.max || offset32 == UInt32.max {
            throw invalid("the zip64 end of central directory record is missing")
        }
        guard disk == 0 || disk == UInt16.max, directoryDisk == 0 || directoryDisk == UInt16.max else {
            throw invalid("multi-disk zip archives are not supported")
        }
        guard extent.offset <= directoryEnd, extent.size <= directoryEnd - extent.offset else {
            throw invalid("the central directory (offset \(extent.offset), \(extent.size) bytes) lies outside the file")
        }
        // Each entry takes at least 46 bytes, which also bounds the count before any loop.
        guard extent.entryCount <= extent.size / entryHeaderSize else {
            throw invalid("the central directory claims \(extent.entryCount) entries in \(extent.size) bytes")
        }
        return extent
    }
}

/// An entry's sizes, offset and disk, replaced by the zip64 extra field's 64-bit values
/// where the 32-bit (or 16-bit) header field is saturated.
private struct Zip64Values {
    var uncompressedSize: Int
    var compressedSize: Int
    var localHeaderOffset: Int
    var disk: Int

    /// Extra field id of the zip64 extended information.
    private static let identifier: UInt16 = 0x0001

    /// Reads the saturated values from the zip64 extra field in `extra` (a sequence of
    /// id, size, data records); false when the records are malformed or a saturated value
    /// is not supplied.
    mutating func apply(extraFields extra: UnsafeRawBufferPointer) -> Bool {
        let wideFields = [\Zip64Values.uncompressedSize, \.compressedSize, \.localHeaderOffset]
            .filter { self[keyPath: $0] == Int(UInt32.max) }
        let wideDisk = disk == Int(UInt16.max)
        guard !wideFields.isEmpty || wideDisk else { return true }
        var offset = 0
        while let identifier = extra.littleEndian(UInt16.self, at: offset),
              let size = extra.littleEndian(UInt16.self, at: offset + 2) {
            let data = offset + 4
            let dataEnd = data + Int(size)
            guard dataEnd <= extra.count else { return false }
            if identifier == Zip64Values.identifier {
                var field = data
                for value in wideFields {
                    guard field + 8 <= dataEnd, let wide = extra.littleEndian(UInt64.self, at: field),
                          wide <= UInt64(Int.max) else { return false }
                    self[keyPath: value] = Int(wide)
                    field += 8
                }
                if wideDisk {
                    guard field + 4 <= dataEnd, let wide = extra.littleEndian(UInt32.self, at: field) else { return false }
                    disk = Int(wide)
                }
                return true
            }
            offset = dataEnd
        }
        return false
    }
}
