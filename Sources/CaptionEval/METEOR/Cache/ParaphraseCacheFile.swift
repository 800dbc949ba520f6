import CaptionKit
import Foundation

/// A METEOR paraphrase cache file (`ParaphraseCacheLayout`), mapped read-only: its header
/// checked when opened, each slot and list checked when a lookup first touches it.
struct ParaphraseCacheFile {
    private let region: ByteRegion
    private let header: ParaphraseCacheLayout.Header

    /// Maps the file at `path` and checks that it is a whole cache file of `source`.
    init(path: String, source: ParaphraseSource) throws(ParaphraseCacheProblem) {
        guard FileManager.default.fileExists(atPath: path) else { throw .missing }
        do {
            region = try ByteRegion.mapping(path: path)
        } catch {
            throw .invalid("\(error)")
        }
        header = try ParaphraseCacheLayout.Header(decoding: region.bytes(from: 0, count: region.count))
        guard header.sourceChecksum == source.checksum, header.sourceSize == UInt32(truncatingIfNeeded: source.size) else {
            throw .invalid("built from other data")
        }
    }

    /// The table's entries whose words are all in `vocabulary`, in file order, as indices
    /// of `vocabulary`; reads only the lists of those words.
    func entries(for vocabulary: [String: Int32]) throws(ParaphraseCacheProblem) -> [(reference: [Int32], paraphrase: [Int32])] {
        var indexOfSlot = [Int32](repeating: -1, count: Int(header.slotCount))
        var found: [Int] = []
        for (word, index) in vocabulary {
            if let slot = try slot(of: Array(word.utf8)) {
                indexOfSlot[slot] = index
                found.append(slot)
            }
        }
        var entries: [(number: UInt32, reference: [Int32], paraphrase: [Int32])] = []
        var words: [Int32] = []
        for slot in found {
            let list = try self.list(of: slot)
            var position = 0
            while position < list.count {
                let head = list[position]
                let referenceCount = Int(head >> 3 & 7)
                let length = referenceCount + Int(head & 7)
                guard referenceCount > 0, length > referenceCount, position + 1 + length <= list.count else {
                    throw .invalid("a record runs past its list")
                }
                words.removeAll(keepingCapacity: true)
                for word in list[(position + 1)...(position + length)] {
                    guard word < header.slotCount else { throw .invalid("word number \(word) out of range") }
                    let index = indexOfSlot[Int(word)]
                    if index < 0 { break }
                    words.append(index)
                }
                if words.count == length {
                    entries.append((head >> 6, Array(words[..<referenceCount]), Array(words[referenceCount...])))
                }
                position += 1 + length
            }
        }
        entries.sort { $0.number < $1.number }
        return entries.map { ($0.reference, $0.paraphrase) }
    }

    /// The slot of `word` (its number), or nil when the table does not have it.
    private func slot(of word: [UInt8]) throws(ParaphraseCacheProblem) -> Int? {
        let mask = Int(header.slotCount) - 1
        var slot = Int(truncatingIfNeeded: word.withUnsafeBufferPointer(ByteVocabulary.hash)) & mask
        for _ in 0...mask {
            let fields = try self.fields(of: slot)
            if fields.wordLength == 0 { return nil }
            if fields.word.elementsEqual(word) { return slot }
            slot = (slot + 1) & mask
        }
        return nil
    }

    /// The fields of `slot` and its word's bytes, checked against the slot's CRC-32.
    private func fields(of slot: Int) throws(ParaphraseCacheProblem) -> (wordLength: Int, word: UnsafeRawBufferPointer, values: [UInt32]) {
        let size = ParaphraseCacheLayout.slotFields * 4
        let raw = region.bytes(from: header.slotsOffset + slot * size, count: size)
        let values = (0..<ParaphraseCacheLayout.slotFields).map { raw.loadUnaligned(fromByteOffset: 4 * $0, as: UInt32.self).littleEndian }
        let (start, length) = (Int(values[0]), Int(values[1]))
        guard start <= Int(header.wordBytes), length <= Int(header.wordBytes) - start else {
            throw .invalid("a slot's word lies outside the file")
        }
        let word = region.bytes(from: header.wordsOffset + start, count: length)
        let check = ParaphraseCacheLayout.checksum(word, continuing: ParaphraseCacheLayout.checksum(UnsafeRawBufferPointer(rebasing: raw[0..<(size - 4)])))
        guard check == values[5] else { throw .invalid("slot \(slot) fails its checksum") }
        return (length, word, values)
    }

    /// The entry list of the word in `slot`, checked against its CRC-32.
    private func list(of slot: Int) throws(ParaphraseCacheProblem) -> [UInt32] {
        let values = try fields(of: slot).values
        let (start, count) = (Int(values[2]), Int(values[3]))
        guard start <= Int(header.recordWords), count <= Int(header.recordWords) - start else {
            throw .invalid("a list lies outside the file")
        }
        let bytes = region.bytes(from: header.recordsOffset + start * 4, count: count * 4)
        guard ParaphraseCacheLayout.checksum(bytes) == values[4] else { throw .invalid("a list fails its checksum") }
        return (0..<count).map { bytes.loadUnaligned(fromByteOffset: 4 * $0, as: UInt32.self).littleEndian }
    }
}
