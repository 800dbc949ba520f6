/// The scores CaptionEval computes, for one image or for the corpus, named as the COCO
/// toolkit names them: BLEU-1..4, ROUGE-L and CIDEr always, METEOR when its data was there.
/// SPICE is not computed.
public struct CaptionScores: Equatable, Sendable {
    /// BLEU-1 to BLEU-4.
    public var bleu: [Double]
    /// METEOR; nil when it was not computed.
    public var meteor: Double?
    /// ROUGE-L.
    public var rougeL: Double
    /// CIDEr-D (the toolkit's `CIDEr`).
    public var cider: Double

    /// The toolkit's names of the metrics computed without data (BLEU, ROUGE-L, CIDEr), in
    /// report order.
    public static let metricNames = ["Bleu_1", "Bleu_2", "Bleu_3", "Bleu_4", "ROUGE_L", "CIDEr"]
    /// Metrics of the toolkit that CaptionEval never computes.
    public static let metricsNotComputed = ["SPICE"]

    /// Scores from BLEU-1..4, ROUGE-L, CIDEr and (when computed) METEOR.
    public init(bleu: [Double], meteor: Double? = nil, rougeL: Double, cider: Double) {
        precondition(bleu.count == 4, "BLEU needs four orders")
        self.bleu = bleu
        self.meteor = meteor
        self.rougeL = rougeL
        self.cider = cider
    }

    /// The values in `metricNames` order (METEOR is not among them).
    public var values: [Double] { bleu + [rougeL, cider] }

    /// The scores of `metrics` that were computed, as (toolkit name, value) in report order.
    public func entries(_ metrics: Set<CaptionMetric>) -> [(name: String, value: Double)] {
        metrics.sorted().flatMap { metric -> [(name: String, value: Double)] in
            switch metric {
            case .bleu: return zip(metric.names, bleu).map { ($0, $1) }
            case .meteor: return meteor.map { [("METEOR", $0)] } ?? []
            case .rouge: return [("ROUGE_L", rougeL)]
            case .cider: return [("CIDEr", cider)]
            }
        }
    }

    /// The scores as a JSON object keyed by metric name (all computed metrics).
    public var json: JSONValue { json(Set(CaptionMetric.allCases)) }

    /// The scores of `metrics` as a JSON object keyed by metric name.
    public func json(_ metrics: Set<CaptionMetric>) -> JSONValue {
        .object(entries(metrics).map { ($0.name, .number($0.value)) })
    }
}
