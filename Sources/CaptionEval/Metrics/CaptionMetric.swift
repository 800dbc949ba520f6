import Foundation

/// The metrics CaptionEval computes, as `--metrics` names them; each reports the toolkit's
/// key names.
public enum CaptionMetric: String, CaseIterable, Comparable, Sendable {
    /// BLEU-1 to BLEU-4.
    case bleu
    /// METEOR 1.5 (needs the data `scripts/fetch-meteor-data` installs).
    case meteor
    /// ROUGE-L.
    case rouge
    /// CIDEr-D.
    case cider

    /// The toolkit's key names of this metric's scores.
    public var names: [String] {
        switch self {
        case .bleu: return ["Bleu_1", "Bleu_2", "Bleu_3", "Bleu_4"]
        case .meteor: return ["METEOR"]
        case .rouge: return ["ROUGE_L"]
        case .cider: return ["CIDEr"]
        }
    }

    /// Report order: the toolkit's (BLEU, METEOR, ROUGE-L, CIDEr).
    public static func < (lhs: CaptionMetric, rhs: CaptionMetric) -> Bool {
        lhs.rank < rhs.rank
    }

    private var rank: Int {
        switch self {
        case .bleu: return 0
        case .meteor: return 1
        case .rouge: return 2
        case .cider: return 3
        }
    }

    /// Parses a comma-separated list such as "bleu,cider" (case-insensitive); nil names the
    /// first unknown entry.
    public static func parseList(_ text: String) -> Result<Set<CaptionMetric>, UnknownMetric> {
        var metrics = Set<CaptionMetric>()
        for part in text.split(separator: ",") {
            let name = part.trimmingCharacters(in: .whitespaces).lowercased()
            guard let metric = CaptionMetric(rawValue: name) else { return .failure(UnknownMetric(name: name)) }
            metrics.insert(metric)
        }
        return metrics.isEmpty ? .failure(UnknownMetric(name: text)) : .success(metrics)
    }

    /// A `--metrics` entry that names no metric.
    public struct UnknownMetric: Error, CustomStringConvertible {
        /// The entry as given.
        public var name: String
        /// One line naming the entry and the choices.
        public var description: String {
            "unknown metric '\(name)' (choose from \(CaptionMetric.allCases.map(\.rawValue).joined(separator: ", ")))"
        }
    }
}
