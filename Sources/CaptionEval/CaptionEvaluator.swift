/// Scores candidate captions against reference captions the way the COCO caption toolkit
/// (pycocoevalcap's `COCOEvalCap.evaluate`, without SPICE) does: all references are tokenized
/// in one batch and all candidates in another (`PTBTokenizer`), then BLEU-1..4, METEOR (when
/// a `METEORScorer` is given), ROUGE-L and CIDEr-D are computed over exactly the images given.
/// CIDEr's document frequencies come from these images' references, so scores depend on the
/// evaluated set.
public struct CaptionEvaluator: Sendable {
    /// One image to score.
    public struct Item: Sendable {
        /// The image's id as the report names it.
        public var imageID: String
        /// The candidate caption.
        public var candidate: String
        /// The reference captions (at least one).
        public var references: [String]
        /// The image's scene graph (scene domain datasets only): when given, the candidate is
        /// also checked against it (`SceneTruthChecker`).
        public var sceneObjects: [SceneObject]?

        /// An item from its parts.
        public init(imageID: String, candidate: String, references: [String], sceneObjects: [SceneObject]? = nil) {
            self.imageID = imageID
            self.candidate = candidate
            self.references = references
            self.sceneObjects = sceneObjects
        }
    }

    private let tokenizer = PTBTokenizer()
    private let metrics: Set<CaptionMetric>
    private let meteor: METEORScorer?
    private let meteorProblem: String?

    /// An evaluator of `metrics`. METEOR is computed when it is among them and `meteor` is
    /// given; otherwise reports mark it not computed, with `meteorProblem` as the reason.
    public init(metrics: Set<CaptionMetric> = Set(CaptionMetric.allCases), meteor: METEORScorer? = nil, meteorProblem: String? = nil) {
        self.metrics = metrics
        self.meteor = meteor
        self.meteorProblem = meteorProblem ?? (meteor == nil && metrics.contains(.meteor) ? "no METEOR data given" : nil)
    }

    /// Tokenizes and scores `items`; each must hold at least one reference. Items with a scene
    /// graph also get a scene truth verdict on their tokenized candidate.
    public func evaluate(_ items: [Item]) -> EvaluationReport {
        let references = tokenizer.tokenize(items.flatMap(\.references))
        let candidates = tokenizer.tokenize(items.map(\.candidate))
        var start = 0
        let tokenized = items.enumerated().map { index, item in
            let end = start + item.references.count
            defer { start = end }
            return (candidate: candidates[index], references: Array(references[start..<end]))
        }
        let report = score(tokenized, imageIDs: items.map(\.imageID))
        let verdicts = items.indices.map { index in
            items[index].sceneObjects.map { SceneTruthChecker.check(caption: candidates[index], objects: $0) }
        }
        return EvaluationReport(corpus: report.corpus, images: report.images, sceneVerdicts: verdicts,
                                metrics: report.metrics, meteorProblem: report.meteorProblem)
    }

    /// Scores already tokenized captions (space-joined tokens, as `PTBTokenizer` returns them).
    public func score(_ tokenized: [(candidate: String, references: [String])], imageIDs: [String]) -> EvaluationReport {
        precondition(tokenized.count == imageIDs.count, "one image id per item")
        precondition(tokenized.allSatisfy { !$0.references.isEmpty }, "every image needs a reference")
        var words = WordIndex()
        var spaceWords = WordIndex()
        var bleuStatistics: [BLEUScorer.Statistics] = []
        var rougeScores: [Double] = []
        var candidateCounts: [[NGram: Int]] = []
        var referenceCounts: [[[NGram: Int]]] = []
        for item in tokenized {
            let candidate = words.indices(of: WordSplitting.onWhiteSpace(item.candidate))
            let references = item.references.map { words.indices(of: WordSplitting.onWhiteSpace($0)) }
            let counts = NGram.counts(candidate)
            let referenceNGrams = references.map(NGram.counts)
            bleuStatistics.append(BLEUScorer.statistics(candidate: candidate, candidateCounts: counts, references: references, referenceCounts: referenceNGrams))
            candidateCounts.append(counts)
            referenceCounts.append(referenceNGrams)
            rougeScores.append(ROUGEScorer.score(
                candidate: spaceWords.indices(of: WordSplitting.onSpaces(item.candidate)),
                references: item.references.map { spaceWords.indices(of: WordSplitting.onSpaces($0)) }))
        }
        let bleu = BLEUScorer.scores(bleuStatistics)
        let cider = CIDErScorer.scores(candidates: candidateCounts, references: referenceCounts)
        var meteorResult: METEORScorer.Result?
        var problem = meteorProblem
        if let meteor, metrics.contains(.meteor) {
            do {
                meteorResult = try meteor.score(tokenized)
            } catch {
                problem = error.description
            }
        }
        let corpus = CaptionScores(bleu: bleu.corpus, meteor: meteorResult?.corpus, rougeL: PairwiseSum.mean(rougeScores), cider: cider.corpus)
        let images = imageIDs.indices.map { index in
            (imageIDs[index], CaptionScores(bleu: bleu.images[index], meteor: meteorResult?.images[index],
                                            rougeL: rougeScores[index], cider: cider.images[index]))
        }
        return EvaluationReport(corpus: corpus, images: images, metrics: metrics, meteorProblem: problem)
    }
}
