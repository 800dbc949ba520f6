import CZlib
import Foundation

/// The layout of a METEOR paraphrase cache file (all integers little-endian `UInt32`s):
///
/// - a 64-byte header: magic `CKMETEOR`, the format version, the file's size, the source
///   table's checksum and size, the slot count, the sizes of the sections, the entry count,
///   and a CRC-32 of all that;
/// - the word index: `slotCount` (a power of two) slots of six `UInt32`s: where the word's
///   bytes lie in the words section (offset, length; length 0 in an empty slot), where its
///   entry list lies in the records section (offset, length, in `UInt32`s), the list's CRC-32,
///   and a CRC-32 of the slot's other fields and the word's bytes (so neither an empty slot
///   nor a zeroed one passes unless it was written that way). Words are placed by
///   `ByteVocabulary.hash` with linear probing; a word's number is its slot;
/// - the words' bytes, padded to a multiple of four;
/// - the records: every entry of the table whose reference and paraphrase have words, once,
///   in the list of its word with the fewest entries, as a head (entry number << 6 |
///   reference length << 3 | paraphrase length, lengths 1...7) and the phrases' word numbers.
///
/// A lookup reads only the header, the slots its words probe, and their lists, each checked
/// against its CRC-32 before it is used.
enum ParaphraseCacheLayout {
    /// The format version; a file of another version is rebuilt.
    static let version: UInt32 = 1
    /// "CKMETEOR".
    static let magic: [UInt8] = Array("CKMETEOR".utf8)
    /// Bytes of the header.
    static let headerSize = 64
    /// `UInt32`s per slot.
    static let slotFields = 6
    /// The longest phrase a record holds (the head keeps 3 bits per length).
    static let longestPhrase = 7
    /// Entries a file can number (the head keeps 26 bits for the entry number).
    static let entryLimit = 1 << 26

    /// The header's fields after the magic.
    struct Header: Equatable {
        var version = ParaphraseCacheLayout.version
        var fileSize: UInt32 = 0
        var sourceChecksum: UInt32 = 0
        var sourceSize: UInt32 = 0
        var slotCount: UInt32 = 0
        var wordBytes: UInt32 = 0
        var recordWords: UInt32 = 0
        var entryCount: UInt32 = 0

        /// Where the slots start.
        var slotsOffset: Int { headerSize }
        /// Where the words' bytes start.
        var wordsOffset: Int { slotsOffset + Int(slotCount) * slotFields * 4 }
        /// Where the records start.
        var recordsOffset: Int { wordsOffset + (Int(wordBytes) + 3) / 4 * 4 }
        /// The file's size that the sections add up to.
        var expectedFileSize: Int { recordsOffset + Int(recordWords) * 4 }

        private var fields: [UInt32] {
            [version, fileSize, sourceChecksum, sourceSize, slotCount, wordBytes, recordWords, entryCount]
        }

        /// The header's 64 bytes.
        var encoded: [UInt8] {
            var bytes = magic
            for field in fields { bytes += littleEndianBytes(field) }
            bytes += littleEndianBytes(checksum(bytes))
            return bytes + [UInt8](repeating: 0, count: headerSize - bytes.count)
        }

        init(sourceChecksum: UInt32, sourceSize: UInt32, slotCount: UInt32, wordBytes: UInt32,
             recordWords: UInt32, entryCount: UInt32) {
            self.sourceChecksum = sourceChecksum
            self.sourceSize = sourceSize
            self.slotCount = slotCount
            self.wordBytes = wordBytes
            self.recordWords = recordWords
            self.entryCount = entryCount
            fileSize = UInt32(expectedFileSize)
        }

        /// The header in `bytes` (a file of `bytes.count` bytes), or why it is unusable.
        init(decoding bytes: UnsafeRawBufferPointer) throws(ParaphraseCacheProblem) {
            guard bytes.count >= headerSize else { throw .invalid("shorter than its header") }
            guard bytes.prefix(magic.count).elementsEqual(magic) else { throw .invalid("not a METEOR cache file") }
            let values = (0..<9).map { bytes.loadUnaligned(fromByteOffset: magic.count + 4 * $0, as: UInt32.self).littleEndian }
            guard values[8] == checksum(UnsafeRawBufferPointer(rebasing: bytes[0..<(magic.count + 32)])) else {
                throw .invalid("header checksum mismatch")
            }
            version = values[0]
            fileSize = values[1]
            sourceChecksum = values[2]
            sourceSize = values[3]
            slotCount = values[4]
            wordBytes = values[5]
            recordWords = values[6]
            entryCount = values[7]
            guard version == ParaphraseCacheLayout.version else { throw .invalid("format version \(version)") }
            guard slotCount > 0, slotCount & (slotCount - 1) == 0, slotCount < 1 << 26 else {
                throw .invalid("slot count \(slotCount)")
            }
            guard Int(fileSize) == bytes.count, expectedFileSize == bytes.count else {
                throw .invalid("\(bytes.count) bytes, header says \(fileSize) (sections \(expectedFileSize))")
            }
        }
    }

    /// The bytes of `value`, little-endian.
    static func littleEndianBytes(_ value: UInt32) -> [UInt8] {
        withUnsafeBytes(of: value.littleEndian) { Array($0) }
    }

    /// CRC-32 (zlib's) of `bytes`, continuing from `start`.
    static func checksum(_ bytes: some ContiguousBytes, continuing start: UInt32 = 0) -> UInt32 {
        bytes.withUnsafeBytes { buffer in
            guard let base = buffer.baseAddress else { return start }
            return UInt32(crc32_z(uLong(start), base.assumingMemoryBound(to: Bytef.self), buffer.count))
        }
    }
}

/// Why a cache file cannot be used.
enum ParaphraseCacheProblem: Error, Equatable {
    /// There is no file.
    case missing
    /// The file is damaged, truncated, of another version or built from other data.
    case invalid(String)
}
