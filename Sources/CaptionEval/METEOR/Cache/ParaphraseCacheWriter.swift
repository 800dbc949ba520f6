import Foundation
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Builds a METEOR paraphrase cache file (`ParaphraseCacheLayout`) from the whole table in one
/// pass, and writes it atomically: into a new file beside the target, renamed over it at the
/// end, so a reader never sees a partial file.
enum ParaphraseCacheWriter {
    /// Builds the cache of `source` and writes it to `url`. False when the folder or the file cannot be
    /// written, or the table does not fit the format (nothing is left behind); throws only
    /// when the table itself cannot be read.
    static func build(_ source: ParaphraseSource, at url: URL) throws(EvaluationError) -> Bool {
        let folder = url.deletingLastPathComponent()
        guard (try? FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)) != nil else {
            return false
        }
        let temporary = folder.appendingPathComponent(".\(url.lastPathComponent).\(getpid()).\(UUID().uuidString).part").path
        let descriptor = open(temporary, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o644)
        guard descriptor >= 0 else { return false }
        var renamed = false
        defer {
            close(descriptor)
            if !renamed { unlink(temporary) }
        }
        guard let contents = try Contents(source) else { return false }
        guard writeAll(descriptor, contents.header.encoded),
              contents.slots.withUnsafeBytes({ writeAll(descriptor, $0) }),
              writeAll(descriptor, contents.words),
              contents.records.withUnsafeBytes({ writeAll(descriptor, $0) }),
              rename(temporary, url.path) == 0
        else { return false }
        renamed = true
        return true
    }

    /// Writes all of `bytes` to `descriptor`.
    private static func writeAll(_ descriptor: Int32, _ bytes: some ContiguousBytes) -> Bool {
        bytes.withUnsafeBytes { buffer in
            var done = 0
            while done < buffer.count {
                let count = write(descriptor, buffer.baseAddress! + done, buffer.count - done)
                if count < 0 && errno == EINTR { continue }
                guard count > 0 else { return false }
                done += count
            }
            return true
        }
    }

    /// The sections of a cache file, built in memory (little-endian).
    private struct Contents {
        var header: ParaphraseCacheLayout.Header
        var slots: [UInt32]
        var words: [UInt8]
        var records: [UInt32]

        /// Reads the whole table; nil when it does not fit the format.
        init?(_ source: ParaphraseSource) throws(EvaluationError) {
            var vocabulary = ByteVocabulary()
            var heads: [UInt32] = []  // entry number << 6 | reference length << 3 | paraphrase length
            var phraseWords: [Int32] = []  // each entry's reference then paraphrase
            var fits = true
            var lineNumber = 0
            var reference: [Int32] = []
            var hasReference = false
            var paraphrase: [Int32] = []
            try source.readLines { line in
                defer { lineNumber += 1 }
                switch lineNumber % 3 {
                case 1:
                    hasReference = ByteVocabulary.split(line, into: &reference) { vocabulary.intern($0) }
                case 2:
                    guard hasReference, ByteVocabulary.split(line, into: &paraphrase, { vocabulary.intern($0) }) else { return }
                    let limit = ParaphraseCacheLayout.longestPhrase
                    guard reference.count <= limit, paraphrase.count <= limit, lineNumber / 3 < ParaphraseCacheLayout.entryLimit else {
                        fits = false
                        return
                    }
                    heads.append(UInt32(lineNumber / 3) << 6 | UInt32(reference.count) << 3 | UInt32(paraphrase.count))
                    phraseWords += reference
                    phraseWords += paraphrase
                default:
                    break  // the probability line
                }
            }
            guard fits else { return nil }
            let slotOfWord = Self.slots(of: vocabulary)
            let slotCount = Self.slotCount(for: vocabulary.count)
            let (listStart, records) = Self.records(heads: heads, phraseWords: phraseWords, wordCount: vocabulary.count, slotOfWord: slotOfWord)
            guard vocabulary.bytes.count < 1 << 31, records.count < 1 << 29 else { return nil }
            var slots = [UInt32](repeating: 0, count: slotCount * ParaphraseCacheLayout.slotFields)
            let emptyCheck = ParaphraseCacheLayout.checksum([UInt8](repeating: 0, count: 4 * (ParaphraseCacheLayout.slotFields - 1)))
            for slot in 0..<slotCount {
                slots[slot * ParaphraseCacheLayout.slotFields + ParaphraseCacheLayout.slotFields - 1] = emptyCheck.littleEndian
            }
            for word in 0..<vocabulary.count {
                let span = vocabulary.span(of: Int32(word))
                let list = records[listStart[word]..<listStart[word + 1]]
                let fields = [UInt32(span.lowerBound), UInt32(span.count), UInt32(listStart[word]), UInt32(list.count),
                              list.withUnsafeBytes { ParaphraseCacheLayout.checksum($0) }].map(\.littleEndian)
                let check = ParaphraseCacheLayout.checksum(Array(vocabulary.bytes[span]),
                                                           continuing: fields.withUnsafeBytes { ParaphraseCacheLayout.checksum($0) })
                let first = Int(slotOfWord[word]) * ParaphraseCacheLayout.slotFields
                slots.replaceSubrange(first..<(first + ParaphraseCacheLayout.slotFields), with: fields + [check.littleEndian])
            }
            header = ParaphraseCacheLayout.Header(
                sourceChecksum: source.checksum, sourceSize: UInt32(truncatingIfNeeded: source.size), slotCount: UInt32(slotCount),
                wordBytes: UInt32(vocabulary.bytes.count), recordWords: UInt32(records.count), entryCount: UInt32(heads.count))
            self.slots = slots
            words = vocabulary.bytes + [UInt8](repeating: 0, count: (4 - vocabulary.bytes.count % 4) % 4)
            self.records = records
        }

        /// A power of two at least twice `wordCount` (and at least 16).
        private static func slotCount(for wordCount: Int) -> Int {
            var count = 16
            while count < wordCount * 2 { count *= 2 }
            return count
        }

        /// Each word's slot: placed by its hash with linear probing, in word order.
        private static func slots(of vocabulary: ByteVocabulary) -> [UInt32] {
            let mask = slotCount(for: vocabulary.count) - 1
            var occupied = [Bool](repeating: false, count: mask + 1)
            return (0..<vocabulary.count).map { word in
                let hash = vocabulary.bytes[vocabulary.span(of: Int32(word))].withUnsafeBufferPointer(ByteVocabulary.hash)
                var slot = Int(truncatingIfNeeded: hash) & mask
                while occupied[slot] { slot = (slot + 1) & mask }
                occupied[slot] = true
                return UInt32(slot)
            }
        }

        /// The records section and where each word's list starts in it (one more start for
        /// the end): every entry in the list of its word with the fewest occurrences in the
        /// table, so that common words bring few entries that cannot match.
        private static func records(heads: [UInt32], phraseWords: [Int32], wordCount: Int,
                                    slotOfWord: [UInt32]) -> (listStart: [Int], records: [UInt32]) {
            var occurrences = [Int](repeating: 0, count: wordCount)
            for word in phraseWords { occurrences[Int(word)] += 1 }
            var keys: [Int32] = []
            keys.reserveCapacity(heads.count)
            var listStart = [Int](repeating: 0, count: wordCount + 1)
            var position = 0
            for head in heads {
                let length = Int(head >> 3 & 7) + Int(head & 7)
                let phrase = phraseWords[position..<(position + length)]
                let key = phrase.min { occurrences[Int($0)] < occurrences[Int($1)] }!
                keys.append(key)
                listStart[Int(key) + 1] += 1 + length
                position += length
            }
            for word in 0..<wordCount { listStart[word + 1] += listStart[word] }
            var records = [UInt32](repeating: 0, count: listStart[wordCount])
            var next = listStart
            position = 0
            for (entry, head) in heads.enumerated() {
                let length = Int(head >> 3 & 7) + Int(head & 7)
                let key = Int(keys[entry])
                records[next[key]] = head.littleEndian
                for offset in 0..<length {
                    records[next[key] + 1 + offset] = slotOfWord[Int(phraseWords[position + offset])].littleEndian
                }
                next[key] += 1 + length
                position += length
            }
            return (listStart, records)
        }
    }
}
