/// Reads Karpathy split files (`dataset_coco.json`, `dataset_flickr8k.json`,
/// `dataset_flickr30k.json`): `{"images": [{"filepath", "filename", "split", "sentences":
/// [{"raw", "tokens", ...}], "imgid", "cocoid", "sentids", "objects"?}, ...]}`. Captions are the
/// `raw` sentences; the optional `objects` scene graph is kept as it is.
enum KarpathySplitReader {
    static func dataset(from json: JSONValue, path: String) throws(EvaluationError) -> ReferenceDataset {
        guard let entries = json["images"]?.arrayValue else {
            throw .invalidContent(path: path, location: "top level", reason: "expected an object with an \"images\" array")
        }
        var images: [ReferenceImage] = []
        images.reserveCapacity(entries.count)
        for (index, entry) in entries.enumerated() {
            let location = "images[\(index)]"
            guard let sentences = entry["sentences"]?.arrayValue else {
                throw .invalidContent(path: path, location: location, reason: "missing \"sentences\" array")
            }
            var captions: [String] = []
            for (sentenceIndex, sentence) in sentences.enumerated() {
                guard let raw = sentence["raw"]?.stringValue else {
                    throw .invalidContent(path: path, location: "\(location).sentences[\(sentenceIndex)]", reason: "missing \"raw\" string")
                }
                captions.append(raw)
            }
            let fileName = entry["filename"]?.stringValue
            let id = try identifier(of: entry, fileName: fileName, path: path, location: location)
            images.append(ReferenceImage(
                id: id, fileName: fileName, folder: entry["filepath"]?.stringValue, split: entry["split"]?.stringValue,
                captions: captions, objects: entry["objects"]))
        }
        return ReferenceDataset(path: path, format: .karpathy, images: images)
    }

    /// `cocoid`, else `imgid`, else the file name without extension.
    private static func identifier(of entry: JSONValue, fileName: String?, path: String, location: String) throws(EvaluationError) -> String {
        for key in ["cocoid", "imgid"] {
            guard let value = entry[key] else { continue }
            if let integer = value.integerValue { return String(integer) }
            if let string = value.stringValue { return string }
            throw .invalidContent(path: path, location: location, reason: "\"\(key)\" must be a number or a string, not \(value.kindDescription)")
        }
        guard let fileName else {
            throw .invalidContent(path: path, location: location, reason: "no \"cocoid\", \"imgid\" or \"filename\" to identify the image")
        }
        return ReferenceImage.stem(of: fileName)
    }
}
