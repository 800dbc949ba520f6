/// Names the attention pictures of `--attention-dir`: `DIR/<image name without extension>.attention.png`,
/// numbered `-2`, `-3`, ... when two images of one run share a name (`a.jpg` and `a.png`, or
/// files of the same name in different folders), in input order.
struct AttentionFileNamer {
    /// The folder the pictures go to.
    let directory: String
    private var used: Set<String> = []

    /// A namer for pictures in `directory`.
    init(directory: String) {
        self.directory = directory
    }

    /// The picture path for the image at `imagePath`, distinct from every path given before.
    mutating func path(forImageAt imagePath: String) -> String {
        let name = imagePath.split(separator: "/").last.map(String.init) ?? imagePath
        let stem = name.lastIndex(of: ".").map { $0 == name.startIndex ? name : String(name[..<$0]) } ?? name
        var candidate = "\(stem).attention.png"
        var number = 2
        while used.contains(candidate) {
            candidate = "\(stem)-\(number).attention.png"
            number += 1
        }
        used.insert(candidate)
        return directory.hasSuffix("/") ? directory + candidate : directory + "/" + candidate
    }
}
