/// A COCO results file, `[{"image_id": 42, "caption": "a dog"}, ...]` (ids may be integers or
/// strings; other members are ignored), and its pairing with reference captions.
public struct CandidateResults: Sendable {
    /// One entry of the file.
    public struct Entry: Sendable {
        /// The image id as text (`42` becomes `"42"`).
        public var imageID: String
        /// The candidate caption.
        public var caption: String

        /// An entry from its parts.
        public init(imageID: String, caption: String) {
            self.imageID = imageID
            self.caption = caption
        }

        /// The entry as written: `{"image_id": ..., "caption": ...}`, the id as a JSON integer
        /// when it is one written plainly (`42`, not `042` or `+42`), else as a string.
        public var json: JSONValue {
            let id: JSONValue = if let value = Int(imageID), String(value) == imageID { .integer(value) } else { .string(imageID) }
            return .object([("image_id", id), ("caption", .string(caption))])
        }
    }

    /// The file it was read from.
    public let path: String
    /// The entries in file order.
    public let entries: [Entry]

    /// Results from their parts (`path` names them in messages).
    public init(path: String, entries: [Entry]) {
        self.path = path
        self.entries = entries
    }

    /// Reads and checks a results file: an array of objects, each with an `image_id`
    /// (integer or string) and a `caption` string; at least one entry.
    public static func read(path: String) throws(EvaluationError) -> CandidateResults {
        let json = try FileContents.json(path)
        guard let elements = json.arrayValue else {
            throw .invalidContent(path: path, location: "top level", reason: "expected an array of {\"image_id\", \"caption\"} objects, found \(json.kindDescription)")
        }
        guard !elements.isEmpty else { throw .noCaptions(path: path) }
        var entries: [Entry] = []
        for (index, element) in elements.enumerated() {
            let location = "entry \(index + 1)"
            guard element.objectMembers != nil else {
                throw .invalidContent(path: path, location: location, reason: "expected an object, found \(element.kindDescription)")
            }
            let imageID = try COCOCaptionsReader.imageID(element["image_id"], path: path, location: "\(location) \"image_id\"")
            guard let captionValue = element["caption"] else {
                throw .invalidContent(path: path, location: location, reason: "missing \"caption\"")
            }
            guard let caption = captionValue.stringValue else {
                throw .invalidContent(path: path, location: location, reason: "\"caption\" must be a string, not \(captionValue.kindDescription)")
            }
            entries.append(Entry(imageID: imageID, caption: caption))
        }
        return CandidateResults(path: path, entries: entries)
    }

    /// Writes `entries` as a COCO results file, one entry a line, atomically (a temporary file
    /// renamed over `path`, so a reader never sees half a file).
    public static func write(_ entries: [Entry], to path: String) throws(EvaluationError) {
        let lines = entries.map { "  " + JSONWriter.serialize($0.json, indent: nil) }
        try FileContents.writeAtomically("[\n" + lines.joined(separator: ",\n") + "\n]\n", to: path)
    }

    /// Pairs every entry with its image's references and scene graph (`SceneObject.sceneGraph`),
    /// in file order. Each entry must name an image of `references` (by id, file name or stem)
    /// that no other entry names.
    public func items(against references: ReferenceDataset) throws(EvaluationError) -> [CaptionEvaluator.Item] {
        var firstEntry: [String: Int] = [:]
        var items: [CaptionEvaluator.Item] = []
        for (index, entry) in entries.enumerated() {
            guard let image = references.image(named: entry.imageID), !image.captions.isEmpty else {
                throw .imageWithoutReferences(path: path, imageID: entry.imageID)
            }
            if let first = firstEntry[image.id] {
                throw .duplicateImage(path: path, imageID: entry.imageID, firstEntry: first + 1, secondEntry: index + 1)
            }
            firstEntry[image.id] = index
            let scene = try SceneObject.sceneGraph(from: image.objects, path: references.path, imageID: image.id)
            items.append(CaptionEvaluator.Item(imageID: entry.imageID, candidate: entry.caption, references: image.captions, sceneObjects: scene))
        }
        return items
    }
}
