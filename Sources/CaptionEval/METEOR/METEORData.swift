import CaptionKit
import Foundation

/// The data METEOR 1.5 needs, read from the COCO caption toolkit's wheel (pycocoevalcap 1.2,
/// which `scripts/fetch-meteor-data` downloads once): from `meteor-1.5.jar` inside it the
/// function words, the non-breaking prefixes, WordNet's synsets and irregular forms; and the
/// gzip paraphrase table `paraphrase-en.gz`, left in the wheel until a scorer (or a METEOR
/// cache being built) reads it. The WordNet-derived files carry the WordNet 3.0
/// licence and METEOR is LGPL: they are read from the wheel at run time, never copied.
public struct METEORData: Sendable {
    /// The wheel's file name.
    public static let wheelName = "pycocoevalcap-1.2-py3-none-any.whl"
    static let jarEntry = "pycocoevalcap/meteor/meteor-1.5.jar"
    static let paraphraseEntry = "pycocoevalcap/meteor/data/paraphrase-en.gz"

    /// The function words (`function/english.words`), which count less in METEOR's score.
    let functionWords: Set<String>
    /// The normaliser with the jar's non-breaking prefixes.
    let normalizer: METEORNormalizer
    /// Irregular form -> its base forms, in file order (`synonym/english.exceptions`).
    let baseForms: [String: [String]]
    /// The bytes of `synonym/english.synsets` (a word line, then a line of synset numbers).
    let synsetText: [UInt8]
    /// The paraphrase table, read from the wheel each time its lines are asked for.
    let paraphrases: ParaphraseSource

    /// The user's cache folder: `$CAPTIONKIT_CACHE`, else `~/.cache/captionkit`.
    static func cacheRoot(environment: [String: String]) -> String {
        environment["CAPTIONKIT_CACHE"].flatMap { $0.isEmpty ? nil : $0 }
            ?? (NSHomeDirectory() as NSString).appendingPathComponent(".cache/captionkit")
    }

    /// Where the wheel is looked for: `$CAPTIONKIT_CACHE/wheels/`, else
    /// `~/.cache/captionkit/wheels/` (the folder `scripts/fetch-meteor-data` fills).
    public static func defaultWheelPath(environment: [String: String] = ProcessInfo.processInfo.environment) -> String {
        ((cacheRoot(environment: environment) as NSString).appendingPathComponent("wheels") as NSString)
            .appendingPathComponent(wheelName)
    }

    /// Reads the data from the wheel at `wheelPath`; every problem (no such file, not a zip,
    /// an entry missing or damaged) is an error naming the file and the reason.
    public init(wheelPath: String) throws(EvaluationError) {
        guard FileManager.default.fileExists(atPath: wheelPath) else {
            throw .fileNotFound(path: wheelPath)
        }
        do {
            let wheel = try NPZArchive(contentsOf: URL(fileURLWithPath: wheelPath))
            let jarPath = "\(wheelPath) [\(Self.jarEntry)]"
            let jar = try NPZArchive(bytes: wheel.contents(ofEntry: Self.jarEntry), path: jarPath)
            func text(_ entry: String) throws(CaptionError) -> String {
                String(decoding: try jar.contents(ofEntry: entry), as: UTF8.self)
            }
            functionWords = Set(try text("function/english.words").split(separator: "\n", omittingEmptySubsequences: false).map(String.init))
            normalizer = METEORNormalizer(prefixes: METEORNormalizer.parsePrefixes(try text("nonbreaking/english.prefixes")))
            baseForms = Self.parseExceptions(try text("synonym/english.exceptions"))
            synsetText = try jar.contents(ofEntry: "synonym/english.synsets")
            guard let stored = wheel.recordedChecksum(ofEntry: Self.paraphraseEntry) else {
                throw CaptionError.invalidArrayFile(path: wheelPath, reason: "no entry named '\(Self.paraphraseEntry)'")
            }
            paraphrases = Self.paraphraseSource(wheel: wheel, checksum: stored.crc32, size: stored.size)
        } catch {
            throw .unreadableFile(path: wheelPath, reason: "not METEOR's data (\(error))")
        }
    }

    /// `paraphrase-en.gz` in `wheel`, inflated through zlib line by line when read.
    private static func paraphraseSource(wheel: NPZArchive, checksum: UInt32, size: Int) -> ParaphraseSource {
        let path = "\(wheel.path) [\(paraphraseEntry)]"
        return ParaphraseSource(checksum: checksum, size: size) { body throws(EvaluationError) in
            let gzip: [UInt8]
            do {
                gzip = try wheel.contents(ofEntry: paraphraseEntry)
            } catch {
                throw .unreadableFile(path: path, reason: "\(error)")
            }
            if let failure = GzipLines.forEachLine(in: gzip, body) {
                throw .unreadableFile(path: path, reason: failure)
            }
        }
    }

    /// `synonym/english.exceptions`: a base form line, then a line of its irregular forms.
    private static func parseExceptions(_ text: String) -> [String: [String]] {
        var bases: [String: [String]] = [:]
        let lines = text.split(separator: "\n", omittingEmptySubsequences: false)
        var index = 0
        while index + 1 < lines.count {
            let base = String(lines[index])
            for form in JavaText.tokens(String(lines[index + 1])) {
                bases[form, default: []].append(base)
            }
            index += 2
        }
        return bases
    }
}
