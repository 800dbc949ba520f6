/// One image of a reference dataset with its captions.
///
/// Image ids: COCO annotations use the image's `id`; Karpathy split files use `cocoid` when
/// present, else `imgid`, else the file name without extension; Flickr8k uses the file name
/// without extension. Every image also answers to its file name with and without extension
/// (its aliases), so a results file may name images either way.
public struct ReferenceImage: Sendable {
    /// The image's id (see above), as text: `"391895"`, `"1000268201_693b08cb0e"`.
    public var id: String
    /// The image file's name, when the dataset gives it.
    public var fileName: String?
    /// The folder of the image file relative to the dataset's image root (Karpathy `filepath`).
    public var folder: String?
    /// The split the image belongs to (`train`, `val`, `test`, `restval`), when known.
    public var split: String?
    /// The reference captions, raw (untokenized), in file order.
    public var captions: [String]
    /// The Karpathy file's optional `objects` scene graph, kept as it was for later use.
    public var objects: JSONValue?

    /// An image from its parts.
    public init(id: String, fileName: String? = nil, folder: String? = nil, split: String? = nil, captions: [String], objects: JSONValue? = nil) {
        self.id = id
        self.fileName = fileName
        self.folder = folder
        self.split = split
        self.captions = captions
        self.objects = objects
    }

    /// Other names the image answers to: its file name and the name without extension.
    public var aliases: [String] {
        guard let fileName else { return [] }
        let stem = ReferenceImage.stem(of: fileName)
        return stem == fileName ? [fileName] : [fileName, stem]
    }

    /// A file name without its last extension (`a.b.jpg` -> `a.b`).
    static func stem(of fileName: String) -> String {
        guard let dot = fileName.lastIndex(of: "."), dot != fileName.startIndex else { return fileName }
        return String(fileName[..<dot])
    }
}
