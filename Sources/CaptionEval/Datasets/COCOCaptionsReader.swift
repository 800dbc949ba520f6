/// Reads COCO caption annotations (`captions_val2014.json`): `{"images": [{"id",
/// "file_name", ...}], "annotations": [{"image_id", "id", "caption"}, ...]}`. Images keep the
/// order of `images`; an annotation may also name an image missing from `images` (it is added
/// after them). Images without annotations are left out: they have nothing to score against.
enum COCOCaptionsReader {
    static func dataset(from json: JSONValue, path: String) throws(EvaluationError) -> ReferenceDataset {
        guard let annotations = json["annotations"]?.arrayValue else {
            throw .invalidContent(path: path, location: "top level", reason: "expected an object with an \"annotations\" array")
        }
        var order: [String] = []
        var fileNames: [String: String] = [:]
        for (index, image) in (json["images"]?.arrayValue ?? []).enumerated() {
            let id = try imageID(image["id"], path: path, location: "images[\(index)].id")
            if fileNames[id] == nil { order.append(id) }
            fileNames[id] = image["file_name"]?.stringValue ?? fileNames[id] ?? ""
        }
        var captions: [String: [String]] = [:]
        for (index, annotation) in annotations.enumerated() {
            let id = try imageID(annotation["image_id"], path: path, location: "annotations[\(index)].image_id")
            guard let caption = annotation["caption"]?.stringValue else {
                throw .invalidContent(path: path, location: "annotations[\(index)]", reason: "missing \"caption\" string")
            }
            if captions[id] == nil && fileNames[id] == nil { order.append(id) }
            captions[id, default: []].append(caption)
        }
        let images = order.compactMap { id -> ReferenceImage? in
            guard let imageCaptions = captions[id] else { return nil }
            let fileName = fileNames[id].flatMap { $0.isEmpty ? nil : $0 }
            return ReferenceImage(id: id, fileName: fileName, captions: imageCaptions)
        }
        return ReferenceDataset(path: path, format: .coco, images: images)
    }

    /// An image id: an integer, or a string.
    static func imageID(_ value: JSONValue?, path: String, location: String) throws(EvaluationError) -> String {
        guard let value else { throw .invalidContent(path: path, location: location, reason: "missing") }
        if let integer = value.integerValue { return String(integer) }
        if let string = value.stringValue { return string }
        throw .invalidContent(path: path, location: location, reason: "an image id must be an integer or a string, not \(value.kindDescription)")
    }
}
