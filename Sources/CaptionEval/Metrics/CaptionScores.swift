/// The six scores CaptionEval computes, for one image or for the corpus, named as the COCO
/// toolkit names them. METEOR and SPICE are not computed (they need Java tools).
public struct CaptionScores: Equatable, Sendable {
    /// BLEU-1 to BLEU-4.
    public var bleu: [Double]
    /// ROUGE-L.
    public var rougeL: Double
    /// CIDEr-D (the toolkit's `CIDEr`).
    public var cider: Double

    /// The toolkit's metric names, in report order.
    public static let metricNames = ["Bleu_1", "Bleu_2", "Bleu_3", "Bleu_4", "ROUGE_L", "CIDEr"]
    /// Metrics of the toolkit that CaptionEval does not compute.
    public static let metricsNotComputed = ["METEOR", "SPICE"]

    /// Scores from BLEU-1..4, ROUGE-L and CIDEr.
    public init(bleu: [Double], rougeL: Double, cider: Double) {
        precondition(bleu.count == 4, "BLEU needs four orders")
        self.bleu = bleu
        self.rougeL = rougeL
        self.cider = cider
    }

    /// The values in `metricNames` order.
    public var values: [Double] { bleu + [rougeL, cider] }

    /// The scores as a JSON object keyed by metric name.
    public var json: JSONValue {
        .object(zip(Self.metricNames, values).map { ($0, .number($1)) })
    }
}
