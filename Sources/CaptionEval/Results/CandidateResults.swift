/// A COCO results file, `[{"image_id": 42, "caption": "a dog"}, ...]` (ids may be integers or
/// strings; other members are ignored), and its pairing with reference captions.
public struct CandidateResults: Sendable {
    /// One entry of the file.
    public struct Entry: Sendable {
        /// The image id as text (`42` becomes `"42"`).
        public var imageID: String
        /// The candidate caption.
        public var caption: String
    }

    /// The file it was read from.
    public let path: String
    /// The entries in file order.
    public let entries: [Entry]

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

    /// Pairs every entry with its image's references, in file order. Each entry must name an
    /// image of `references` (by id, file name or stem) that no other entry names.
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
            items.append(CaptionEvaluator.Item(imageID: entry.imageID, candidate: entry.caption, references: image.captions))
        }
        return items
    }
}
