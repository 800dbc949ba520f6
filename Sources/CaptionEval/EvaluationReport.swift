/// The outcome of scoring a set of candidate captions: corpus scores and each image's, plus
/// scene truth when images have scene graphs.
public struct EvaluationReport: Sendable {
    /// The corpus-level scores, as the toolkit's `COCOEvalCap.eval`.
    public let corpus: CaptionScores
    /// Each image's scores in evaluation order, as the toolkit's `imgToEval`.
    public let images: [(imageID: String, scores: CaptionScores)]
    /// Each image's scene truth verdict, in `images` order (nil for an image without a scene
    /// graph); empty when no verdicts were made.
    public let sceneVerdicts: [SceneCaptionVerdict?]
    /// Scene truth over the images with a scene graph; nil when there are none.
    public let scenes: SceneTruthScores?
    /// The metrics asked for (the table and the report show these).
    public let metrics: Set<CaptionMetric>
    /// Why METEOR was asked for but not computed (its data missing or unreadable); nil otherwise.
    public let meteorProblem: String?

    /// A report from its parts.
    /// - Precondition: `sceneVerdicts` is empty or has one entry per image.
    public init(corpus: CaptionScores, images: [(imageID: String, scores: CaptionScores)], sceneVerdicts: [SceneCaptionVerdict?] = [],
                metrics: Set<CaptionMetric> = Set(CaptionMetric.allCases), meteorProblem: String? = nil) {
        precondition(sceneVerdicts.isEmpty || sceneVerdicts.count == images.count, "one scene verdict slot per image")
        self.metrics = metrics
        self.meteorProblem = meteorProblem
        self.corpus = corpus
        self.images = images
        self.sceneVerdicts = sceneVerdicts
        let verdicts = sceneVerdicts.compactMap { $0 }
        scenes = verdicts.isEmpty ? nil : SceneTruthScores(verdicts)
    }

    /// The toolkit's metrics this report has no value for: those not asked for, METEOR when
    /// it could not be computed, and SPICE.
    public var metricsNotComputed: [String] {
        let missing = CaptionMetric.allCases.filter { !metrics.contains($0) || ($0 == .meteor && corpus.meteor == nil) }
        return missing.flatMap(\.names) + CaptionScores.metricsNotComputed
    }

    /// The report file's content: `{"corpus": {"Bleu_1": ..., "METEOR": ..., "CIDEr": ...},
    /// "images": {"<image id>": {...}}, "not_computed": ["SPICE"]}` (the metrics asked for
    /// and computed; `not_computed` lists the toolkit's others); with scene graphs also
    /// `"scenes": {...}` (`SceneTruthScores.json`) after `corpus`, and each image's verdict as
    /// its `"scene"` member (`SceneCaptionVerdict.json`).
    public var json: JSONValue {
        let imageEntries = images.indices.map { index -> (String, JSONValue) in
            let scores = images[index].scores.json(metrics)
            guard index < sceneVerdicts.count, let verdict = sceneVerdicts[index], let members = scores.objectMembers else {
                return (images[index].imageID, scores)
            }
            return (images[index].imageID, .object(members + [("scene", verdict.json)]))
        }
        return .object([("corpus", corpus.json(metrics))] + (scenes.map { [("scenes", $0.json)] } ?? []) + [
            ("images", .object(imageEntries)),
            ("not_computed", .array(metricsNotComputed.map(JSONValue.string))),
        ])
    }

    /// Writes `json` to `path` atomically (a temporary file renamed over the target).
    public func writeReport(to path: String) throws(EvaluationError) {
        try FileContents.writeAtomically(JSONWriter.serialize(json) + "\n", to: path)
    }

    /// A plain-text table of the corpus scores of the metrics asked for, one a line, in the
    /// toolkit's order, with METEOR (when asked for but missing) and SPICE marked "not
    /// computed"; then the scene truth scores when there are any.
    public func table() -> String {
        var rows = metrics.sorted().flatMap { metric -> [(String, String)] in
            if metric == .meteor && corpus.meteor == nil { return [("METEOR", "not computed")] }
            return corpus.entries([metric]).map { ($0.name, Self.format($0.value)) }
        }
        rows += CaptionScores.metricsNotComputed.map { ($0, "not computed") }
        let width = max("metric".count, rows.map(\.0.count).max() ?? 0)
        let pad = { (name: String) in name + String(repeating: " ", count: width - name.count) }
        var lines = ["\(pad("metric"))  score", "\(String(repeating: "-", count: width))  ------"]
        for (name, value) in rows {
            lines.append("\(pad(name))  \(value)")
        }
        lines.append("(\(images.count) image\(images.count == 1 ? "" : "s"))")
        if let scenes {
            lines += [""] + scenes.tableLines(format: Self.format)
        }
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
