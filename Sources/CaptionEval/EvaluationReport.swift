/// The outcome of scoring a set of candidate captions: corpus scores and each image's.
public struct EvaluationReport: Sendable {
    /// The corpus-level scores, as the toolkit's `COCOEvalCap.eval`.
    public let corpus: CaptionScores
    /// Each image's scores in evaluation order, as the toolkit's `imgToEval`.
    public let images: [(imageID: String, scores: CaptionScores)]

    /// A report from its parts.
    public init(corpus: CaptionScores, images: [(imageID: String, scores: CaptionScores)]) {
        self.corpus = corpus
        self.images = images
    }

    /// The report file's content: `{"corpus": {"Bleu_1": ..., "CIDEr": ...}, "images":
    /// {"<image id>": {...}}, "not_computed": ["METEOR", "SPICE"]}`.
    public var json: JSONValue {
        .object([
            ("corpus", corpus.json),
            ("images", .object(images.map { ($0.imageID, $0.scores.json) })),
            ("not_computed", .array(CaptionScores.metricsNotComputed.map(JSONValue.string))),
        ])
    }

    /// Writes `json` to `path` atomically (a temporary file renamed over the target).
    public func writeReport(to path: String) throws(EvaluationError) {
        try FileContents.writeAtomically(JSONWriter.serialize(json) + "\n", to: path)
    }

    /// A plain-text table of the corpus scores, one metric a line, with the metrics that are
    /// not computed marked so.
    public func table() -> String {
        let width = (CaptionScores.metricNames + CaptionScores.metricsNotComputed).map(\.count).max() ?? 0
        let pad = { (name: String) in name + String(repeating: " ", count: width - name.count) }
        var lines = ["\(pad("metric"))  score", "\(String(repeating: "-", count: width))  ------"]
        for (name, value) in zip(CaptionScores.metricNames, corpus.values) {
            lines.append("\(pad(name))  \(Self.format(value))")
        }
        for name in CaptionScores.metricsNotComputed {
            lines.append("\(pad(name))  not computed")
        }
        lines.append("(\(images.count) image\(images.count == 1 ? "" : "s"))")
        return lines.joined(separator: "\n")
    }

    /// A score with four decimals.
    static func format(_ value: Double) -> String {
        guard value.isFinite else { return "\(value)" }
        let scaled = Int((value * 10_000).rounded())
        let sign = scaled < 0 ? "-" : ""
        let magnitude = abs(scaled)
        let fraction = String(magnitude % 10_000)
        return "\(sign)\(magnitude / 10_000).\(String(repeating: "0", count: 4 - fraction.count))\(fraction)"
    }
}
