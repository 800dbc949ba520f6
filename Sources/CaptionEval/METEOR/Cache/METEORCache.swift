import Foundation

/// Where METEOR keeps its paraphrase table indexed for fast lookups: a file per version of
/// the data (`paraphrase-v1-<CRC-32 of paraphrase-en.gz>.cache`), built on first use from the
/// wheel in one pass and mapped into memory on later runs, which then read only the entries
/// of the words being evaluated. A missing, damaged, truncated or outdated file is built
/// again; when the folder cannot be written, the table is read from the wheel as without a
/// cache, with the same scores.
public struct METEORCache: Sendable {
    /// The folder holding the cache files.
    public let folder: URL

    /// A cache in `folder` (created when first needed).
    public init(folder: URL) {
        self.folder = folder
    }

    /// `$CAPTIONKIT_CACHE/meteor`, else `~/.cache/captionkit/meteor`: beside the wheels folder.
    public static func defaultFolder(environment: [String: String] = ProcessInfo.processInfo.environment) -> URL {
        URL(fileURLWithPath: METEORData.cacheRoot(environment: environment)).appendingPathComponent("meteor")
    }

    /// How a lookup got its table.
    enum Outcome: Equatable {
        /// From a valid cache file.
        case reused
        /// From a cache file built now, there being none.
        case built
        /// From a cache file built now in place of an unusable one.
        case rebuilt
        /// From the source itself: the cache could not be written.
        case unavailable
    }

    /// The file that holds the cache of `source`.
    func fileURL(for source: ParaphraseSource) -> URL {
        let checksum = String(source.checksum, radix: 16)
        let name = "paraphrase-v\(ParaphraseCacheLayout.version)-\(String(repeating: "0", count: 8 - checksum.count))\(checksum).cache"
        return folder.appendingPathComponent(name)
    }

    /// The entries of `source` whose words are all in `vocabulary`, through the cache file,
    /// which is built first when it is missing or unusable.
    func paraphrases(_ source: ParaphraseSource, vocabulary: [String: Int32]) throws(EvaluationError) -> (table: ParaphraseTable, outcome: Outcome) {
        let path = fileURL(for: source).path
        let outcome: Outcome
        do {
            return (ParaphraseTable(entries: try ParaphraseCacheFile(path: path, source: source).entries(for: vocabulary)), .reused)
        } catch .missing {
            outcome = .built
        } catch {
            outcome = .rebuilt
        }
        if try ParaphraseCacheWriter.build(source, at: fileURL(for: source)),
           let entries = try? ParaphraseCacheFile(path: path, source: source).entries(for: vocabulary) {
            return (ParaphraseTable(entries: entries), outcome)
        }
        return (try ParaphraseTable(source: source, vocabulary: vocabulary), .unavailable)
    }
}
