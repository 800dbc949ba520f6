/// One object of a synthetic scene graph (the scene domain of `tools/scenes`): a shape, a
/// colour and a size class, and its bounding box in pixels.
///
/// Karpathy split files of the scene domain keep each image's graph in `objects`:
/// `[{"shape": "circle", "color": "red", "size": "small", "box": [x0, y0, x1, y1]}, ...]`
/// (`colour` is accepted for `color`). Image coordinates: y grows downwards; relations are
/// judged on box centres (`SceneRelation`).
public struct SceneObject: Equatable, Sendable {
    /// The shape word: `circle`, `square`, `triangle`, `diamond`.
    public var shape: String
    /// The colour word: `red`, `green`, `blue`, `yellow`, `purple`, `white`.
    public var colour: String
    /// The size class: `small` or `large`.
    public var size: String
    /// The box `[x0, y0, x1, y1]` (ends exclusive, as the generator writes them).
    public var box: [Double]

    /// An object from its parts.
    /// - Precondition: `box` holds four numbers.
    public init(shape: String, colour: String, size: String, box: [Double]) {
        precondition(box.count == 4, "a box is [x0, y0, x1, y1]")
        self.shape = shape
        self.colour = colour
        self.size = size
        self.box = box
    }

    /// The centre of the box, `((x0 + x1) / 2, (y0 + y1) / 2)`.
    public var centre: (x: Double, y: Double) {
        ((box[0] + box[2]) / 2, (box[1] + box[3]) / 2)
    }

    /// The scene graph held in a Karpathy image's `objects` value, or nil when the value is
    /// not one: missing, not an array, empty, or with no entry holding a `shape` (other
    /// datasets keep other kinds of object lists there, such as Visual Genome's names and
    /// relations). An array with a `shape` entry is a scene graph, and every entry must then
    /// be a well-formed object.
    /// - Throws: `EvaluationError.invalidContent` naming `path`, the image and the entry.
    public static func sceneGraph(from value: JSONValue?, path: String, imageID: String) throws(EvaluationError) -> [SceneObject]? {
        guard let entries = value?.arrayValue, entries.contains(where: { $0["shape"] != nil }) else { return nil }
        var objects: [SceneObject] = []
        for (index, entry) in entries.enumerated() {
            let location = "image \(imageID) objects[\(index)]"
            func text(_ keys: String...) throws(EvaluationError) -> String {
                for key in keys {
                    guard let member = entry[key] else { continue }
                    guard let string = member.stringValue else {
                        throw .invalidContent(path: path, location: location, reason: "\"\(key)\" must be a string, not \(member.kindDescription)")
                    }
                    return string
                }
                throw .invalidContent(path: path, location: location, reason: "missing \"\(keys[0])\"")
            }
            guard entry.objectMembers != nil else {
                throw .invalidContent(path: path, location: location, reason: "expected an object, found \(entry.kindDescription)")
            }
            let shape = try text("shape")
            let colour = try text("color", "colour")
            let size = try text("size")
            guard let box = entry["box"]?.arrayValue?.compactMap(\.doubleValue), box.count == 4,
                  entry["box"]?.arrayValue?.count == 4 else {
                throw .invalidContent(path: path, location: location, reason: "\"box\" must be [x0, y0, x1, y1] (four numbers)")
            }
            objects.append(SceneObject(shape: shape, colour: colour, size: size, box: box))
        }
        return objects
    }
}
