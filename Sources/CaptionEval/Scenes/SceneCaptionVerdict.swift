/// The verdict on one caption about one scene.
///
/// For a caption the grammar parses, the counts come from the best consistent assignment
/// (`SceneAssignment`): `matched` mentioned objects get distinct scene objects with their
/// colour, shape and size, and `relationsHeld` of the `relationsStated` relations and pair
/// arrangements hold on the box centres. A caption that does not parse is not true and makes
/// no relations (0 stated); its objects are those `SceneCaptionParser.looseMentions` still finds, and
/// `matched` is how many of them distinct scene objects fit (as `tools/scenes/checker.py`).
public struct SceneCaptionVerdict: Equatable, Sendable {
    /// Whether the grammar parses the caption.
    public var grammatical: Bool
    /// Whether the caption is entirely true: it parses, every mentioned object is matched to
    /// its own scene object, and every stated relation holds under that assignment.
    public var entirelyTrue: Bool
    /// Objects the caption mentions (a pair counts two).
    public var mentioned: Int
    /// Mentioned objects matched to distinct scene objects with their attributes.
    public var matched: Int
    /// Objects in the scene.
    public var sceneObjects: Int
    /// Relations and pair arrangements stated (0 when ungrammatical).
    public var relationsStated: Int
    /// Stated relations that hold under the best assignment.
    public var relationsHeld: Int
    /// Whether the caption says what the grammar's references say of a scene this size: one
    /// object alone for a one-object scene, otherwise at least two objects and a relation
    /// (false when ungrammatical).
    public var complete: Bool

    /// The verdict as a report entry: `{"grammatical", "entirely_true", "mentioned",
    /// "matched", "scene_objects", "relations_stated", "relations_held", "complete"}`.
    public var json: JSONValue {
        .object([
            ("grammatical", .bool(grammatical)), ("entirely_true", .bool(entirelyTrue)),
            ("mentioned", .integer(mentioned)), ("matched", .integer(matched)),
            ("scene_objects", .integer(sceneObjects)), ("relations_stated", .integer(relationsStated)),
            ("relations_held", .integer(relationsHeld)), ("complete", .bool(complete)),
        ])
    }
}
