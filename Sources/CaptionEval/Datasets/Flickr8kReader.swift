/// Reads Flickr8k's `Flickr8k.token.txt`: one caption a line, `name.jpg#k<TAB>caption`. The
/// image id is the file name without extension; blank lines are skipped. A split is chosen
/// with a list file (`ReferenceDataset.restricted(toListIn:)`), such as
/// `Flickr_8k.testImages.txt` beside the token file.
enum Flickr8kReader {
    static func dataset(fromText text: String, path: String) throws(EvaluationError) -> ReferenceDataset {
        var order: [String] = []
        var captions: [String: [String]] = [:]
        for (index, line) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            let content = line.hasSuffix("\r") ? line.dropLast() : line
            if content.allSatisfy(\.isWhitespace) { continue }
            guard let tab = content.firstIndex(of: "\t"), let hash = content[..<tab].lastIndex(of: "#") else {
                throw .invalidContent(path: path, location: "line \(index + 1)", reason: "expected name.jpg#k<TAB>caption")
            }
            let fileName = String(content[..<hash])
            guard !fileName.isEmpty, content[content.index(after: hash)..<tab].allSatisfy(\.isNumber) else {
                throw .invalidContent(path: path, location: "line \(index + 1)", reason: "expected name.jpg#k<TAB>caption")
            }
            if captions[fileName] == nil { order.append(fileName) }
            captions[fileName, default: []].append(String(content[content.index(after: tab)...]))
        }
        let images = order.map { fileName in
            ReferenceImage(id: ReferenceImage.stem(of: fileName), fileName: fileName, captions: captions[fileName] ?? [])
        }
        return ReferenceDataset(path: path, format: .flickr8k, images: images)
    }

}
