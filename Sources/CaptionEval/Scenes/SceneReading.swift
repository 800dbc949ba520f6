/// One noun phrase of a scene caption: `count` objects (1, or 2 for `two ...`) with a colour,
/// a shape and, when the caption says it, a size class.
public struct SceneMention: Equatable, Sendable {
    /// The colour word.
    public var colour: String
    /// The shape word, singular.
    public var shape: String
    /// `small` or `large`, or nil when the caption does not say.
    public var size: String?
    /// How many objects the phrase names: 1, or 2 after `two`.
    public var count: Int

    /// A mention from its parts.
    public init(colour: String, shape: String, size: String?, count: Int) {
        self.colour = colour
        self.shape = shape
        self.size = size
        self.count = count
    }

    /// Whether `object` can be one of the objects named: same colour and shape, and the same
    /// size class when the phrase gives one.
    public func fits(_ object: SceneObject) -> Bool {
        colour == object.colour && shape == object.shape && (size == nil || size == object.size)
    }
}

/// What a caption of the scene grammar states: the objects it mentions and the relations it
/// states between them (`tools/scenes/checker.py`, `Reading`).
public struct SceneReading: Equatable, Sendable {
    /// `subject <relation> object`, with subject and object indices into `mentions`. When a
    /// side names a pair (`two ...`), the relation is stated for each of its objects.
    public struct Relation: Equatable, Sendable {
        /// The mention the relation is stated of.
        public var subject: Int
        /// The relation.
        public var relation: SceneRelation
        /// The mention it is stated relative to.
        public var object: Int
    }

    /// `two ... side by side` or `two ... one above the other`: how the pair `mention` is
    /// arranged.
    public struct Arrangement: Equatable, Sendable {
        /// The pair's mention (its count is 2).
        public var mention: Int
        /// The stated axis.
        public var axis: SceneAxis
    }

    /// The mentions in caption order (a `the ...` phrase refers back and adds none).
    public var mentions: [SceneMention] = []
    /// The relations in caption order.
    public var relations: [Relation] = []
    /// The pair arrangements in caption order.
    public var arrangements: [Arrangement] = []

    /// An empty reading.
    public init() {}

    /// The number of objects mentioned (a pair counts two).
    public var objectCount: Int {
        mentions.reduce(0) { $0 + $1.count }
    }

    /// The number of relations stated, pair arrangements included (an arrangement is a
    /// relation between the two objects of a pair).
    public var relationCount: Int {
        relations.count + arrangements.count
    }
}
