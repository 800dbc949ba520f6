/// Scene truth over a set of captions, one verdict per (caption, scene) pair, summed over the
/// set before dividing (as `tools/scenes/scoring.py`); a ratio whose denominator is 0 is 0.
///
///     entirelyTrue       captions entirely true / captions
///     objectPrecision    matched objects / mentioned objects
///     objectRecall       matched objects / objects in the scenes
///     relationAccuracy   stated relations that hold / relations stated (pair
///                        arrangements included; grammatical captions only)
///     grammatical        captions the grammar parses / captions
///     complete           captions saying what the references say of such a scene / captions
public struct SceneTruthScores: Equatable, Sendable {
    /// One group of `entirelyTrueByObjectCount`.
    public struct Group: Equatable, Sendable {
        /// Objects in each scene of the group.
        public var objects: Int
        /// Captions of such scenes.
        public var captions: Int
        /// The share of them entirely true.
        public var entirelyTrue: Double
    }

    /// The number of captions scored.
    public var captions: Int
    /// The share of captions entirely true.
    public var entirelyTrue: Double
    /// Matched objects over mentioned objects.
    public var objectPrecision: Double
    /// Matched objects over scene objects.
    public var objectRecall: Double
    /// Stated relations that hold over relations stated.
    public var relationAccuracy: Double
    /// The share of captions the grammar parses.
    public var grammatical: Double
    /// The share of complete captions.
    public var complete: Double
    /// `entirelyTrue` among the scenes with 1, 2, ... objects, by increasing object count.
    public var entirelyTrueByObjectCount: [Group]

    /// The scores of `verdicts`.
    public init(_ verdicts: [SceneCaptionVerdict]) {
        func total(_ value: (SceneCaptionVerdict) -> Int) -> Int { verdicts.reduce(0) { $0 + value($1) } }
        func share(_ flag: (SceneCaptionVerdict) -> Bool) -> Double { Self.ratio(total { flag($0) ? 1 : 0 }, verdicts.count) }
        captions = verdicts.count
        entirelyTrue = share(\.entirelyTrue)
        objectPrecision = Self.ratio(total(\.matched), total(\.mentioned))
        objectRecall = Self.ratio(total(\.matched), total(\.sceneObjects))
        relationAccuracy = Self.ratio(total(\.relationsHeld), total(\.relationsStated))
        grammatical = share(\.grammatical)
        complete = share(\.complete)
        entirelyTrueByObjectCount = Set(verdicts.map(\.sceneObjects)).sorted().map { objects in
            let group = verdicts.filter { $0.sceneObjects == objects }
            return Group(objects: objects, captions: group.count,
                         entirelyTrue: Self.ratio(group.filter(\.entirelyTrue).count, group.count))
        }
    }

    private static func ratio(_ numerator: Int, _ denominator: Int) -> Double {
        Double(numerator) / Double(max(denominator, 1))
    }

    /// The report's `scenes` object: `{"object_precision", "object_recall",
    /// "relation_accuracy", "entirely_true", "grammatical", "complete", "images",
    /// "entirely_true_by_object_count": {"1": ..., "2": ...}}`.
    public var json: JSONValue {
        .object([
            ("object_precision", .number(objectPrecision)),
            ("object_recall", .number(objectRecall)),
            ("relation_accuracy", .number(relationAccuracy)),
            ("entirely_true", .number(entirelyTrue)),
            ("grammatical", .number(grammatical)),
            ("complete", .number(complete)),
            ("images", .integer(captions)),
            ("entirely_true_by_object_count", .object(entirelyTrueByObjectCount.map { (String($0.objects), .number($0.entirelyTrue)) })),
        ])
    }

    /// Text lines for the score table: a heading, then one `name  value` line per score.
    func tableLines(format: (Double) -> String) -> [String] {
        let rows: [(String, Double)] = [
            ("entirely true", entirelyTrue), ("object precision", objectPrecision), ("object recall", objectRecall),
            ("relation accuracy", relationAccuracy), ("grammatical", grammatical), ("complete", complete),
        ] + entirelyTrueByObjectCount.map { ("true, \($0.objects) object\($0.objects == 1 ? "" : "s")", $0.entirelyTrue) }
        let width = rows.map(\.0.count).max() ?? 0
        return ["scene truth (\(captions) image\(captions == 1 ? "" : "s") with a scene graph)"]
            + rows.map { $0.0 + String(repeating: " ", count: width - $0.0.count) + "  " + format($0.1) }
    }
}
