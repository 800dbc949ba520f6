import Foundation

/// The supported reference file formats.
public enum DatasetFormat: String, CaseIterable, Sendable {
    /// Karpathy split JSON (`dataset_coco.json`, `dataset_flickr8k.json`, ...).
    case karpathy
    /// COCO caption annotations (`captions_val2014.json`).
    case coco
    /// Flickr8k's `Flickr8k.token.txt` (`name.jpg#k<TAB>caption`).
    case flickr8k
}

/// Reference captions for a set of images, read from any `DatasetFormat`.
public struct ReferenceDataset: Sendable {
    /// The file it was read from (for messages).
    public let path: String
    /// The format it was read as.
    public let format: DatasetFormat
    /// The images, in file order.
    public private(set) var images: [ReferenceImage]
    private var byID: [String: Int] = [:]
    private var byAlias: [String: Int] = [:]

    /// A dataset of `images`, read from `path`.
    public init(path: String, format: DatasetFormat, images: [ReferenceImage]) {
        self.path = path
        self.format = format
        self.images = images
        var ambiguous = Set<String>()
        for (index, image) in images.enumerated() {
            byID[image.id] = byID[image.id] ?? index
            for alias in image.aliases {
                if byAlias.updateValue(index, forKey: alias) != nil { ambiguous.insert(alias) }
            }
        }
        // A name several images share identifies none of them.
        for alias in ambiguous { byAlias[alias] = nil }
    }

    /// Reads a reference file; `format` nil means detect it: a JSON object whose `images` hold
    /// `sentences` is a Karpathy split file, one with `annotations` is COCO, a text file whose
    /// first line looks like `name#k<TAB>caption` is Flickr8k.
    public static func read(path: String, format: DatasetFormat? = nil) throws(EvaluationError) -> ReferenceDataset {
        let bytes = try FileContents.bytes(path)
        guard let first = bytes.first(where: { ![0x20, 0x0A, 0x0D, 0x09, 0xEF, 0xBB, 0xBF].contains($0) }) else {
            throw .emptyFile(path: path)
        }
        let looksLikeJSON = first == UInt8(ascii: "{") || first == UInt8(ascii: "[")
        if format == .flickr8k || (format == nil && !looksLikeJSON) {
            guard let text = String(validating: bytes, as: UTF8.self) else {
                throw .unreadableFile(path: path, reason: "not valid UTF-8 text")
            }
            let firstLine = text.prefix { $0 != "\n" }
            if format == nil, !(firstLine.contains("\t") && firstLine.contains("#")) {
                throw .unrecognizedFormat(path: path, reason: "neither JSON nor Flickr8k token lines (name.jpg#0<TAB>caption)")
            }
            return try Flickr8kReader.dataset(fromText: text, path: path)
        }
        let json = try JSONReader.parse(bytes, path: path)
        switch format {
        case .karpathy: return try KarpathySplitReader.dataset(from: json, path: path)
        case .coco: return try COCOCaptionsReader.dataset(from: json, path: path)
        case .flickr8k, nil: break
        }
        if json["images"]?.arrayValue?.first?["sentences"] != nil {
            return try KarpathySplitReader.dataset(from: json, path: path)
        }
        if json["annotations"] != nil {
            return try COCOCaptionsReader.dataset(from: json, path: path)
        }
        throw .unrecognizedFormat(path: path, reason: "a JSON file with neither images[].sentences (Karpathy) nor annotations (COCO)")
    }

    /// The image with id `name`, or else the one image with that file name or stem.
    public func image(named name: String) -> ReferenceImage? {
        guard let index = byID[name] ?? byAlias[name] else { return nil }
        return images[index]
    }

    /// The split names that occur, sorted.
    public var splits: [String] {
        Array(Set(images.compactMap(\.split))).sorted()
    }

    /// The dataset restricted to the images of `split`; an error when it has none.
    public func restricted(toSplit split: String) throws(EvaluationError) -> ReferenceDataset {
        let kept = images.filter { $0.split == split }
        guard !kept.isEmpty else { throw .unknownSplit(path: path, split: split, available: splits) }
        return ReferenceDataset(path: path, format: format, images: kept)
    }

    /// The dataset restricted to the images named (by id, file name or stem) in a split list
    /// file, one name a line (Flickr8k's `Flickr_8k.testImages.txt`).
    public func restricted(toListIn listPath: String) throws(EvaluationError) -> ReferenceDataset {
        let names = try FileContents.text(listPath).split(whereSeparator: \.isNewline)
            .map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
        var kept: [ReferenceImage] = []
        var seen = Set<String>()
        for (line, name) in names.enumerated() {
            guard let image = image(named: name) else {
                throw .invalidContent(path: listPath, location: "line \(line + 1)", reason: "image '\(name)' is not in \(path)")
            }
            if seen.insert(image.id).inserted { kept.append(image) }
        }
        return ReferenceDataset(path: path, format: format, images: kept)
    }

    /// Flickr8k's split list beside a token file: `Flickr_8k.<split>Images.txt` (`val` means
    /// `dev`), as the Flickr8k_text download lays them out.
    public static func flickr8kSplitList(forTokenFile path: String, split: String) -> String {
        let folder = URL(fileURLWithPath: path).deletingLastPathComponent().path
        return "\(folder)/Flickr_8k.\(split == "val" ? "dev" : split)Images.txt"
    }
}
