import Foundation

/// What docs/openapi.yaml documents, read line by line (the file keeps to one layout: two
/// spaces per level, a path's operations under it, an operation's statuses under
/// `responses:`): enough to check the server against it without a YAML parser.
struct OpenAPIOutline {
    /// The file's lines.
    let lines: [String]

    /// Reads the repository's docs/openapi.yaml.
    init() throws {
        let text = try String(contentsOf: ServerFixtures.root.appendingPathComponent("docs/openapi.yaml"), encoding: .utf8)
        lines = text.components(separatedBy: "\n")
    }

    /// Each documented operation as "METHOD PATH STATUS", e.g. "POST /v1/captions 413".
    var operations: Set<String> {
        var found = Set<String>()
        var path = ""
        var method = ""
        var inPaths = false
        for line in lines {
            if !line.hasPrefix(" ") {
                inPaths = line == "paths:"
                continue
            }
            guard inPaths else { continue }
            let trimmed = line.trimmingCharacters(in: .whitespaces)
            let indent = line.prefix { $0 == " " }.count
            if indent == 2, trimmed.hasPrefix("/") {
                path = String(trimmed.dropLast())
            } else if indent == 4 {
                method = String(trimmed.prefix { $0 != ":" }).uppercased()
            } else if indent == 8, trimmed.hasPrefix("\""), let status = Int(trimmed.dropFirst().prefix(3)) {
                found.insert("\(method) \(path) \(status)")
            }
        }
        return found
    }

    /// The first `required: [...]` list after the line `marker` (a schema's or property's
    /// name with its indentation, e.g. `"    Model:"`).
    func required(after marker: String) -> [String] {
        guard let start = lines.firstIndex(of: marker) else { return [] }
        for line in lines[(start + 1)...] {
            let trimmed = line.trimmingCharacters(in: .whitespaces)
            guard trimmed.hasPrefix("required: [") else { continue }
            return trimmed.dropFirst("required: [".count).dropLast().split(separator: ",").map {
                $0.trimmingCharacters(in: .whitespaces)
            }
        }
        return []
    }
}
