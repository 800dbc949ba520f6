import Foundation

/// One entry of the command's input, in order: an image file to caption, or an argument
/// that could not be expanded (an unreadable folder, a folder without images).
enum InputItem: Sendable, Equatable {
    /// A file to caption; explicit arguments are tried whatever their name.
    case image(path: String)
    /// An argument that yields no image, and why (one line: `PATH: reason`).
    case failure(message: String)
}

/// Expands the command's arguments lazily, in order: a file is itself, a folder is every
/// JPEG/PNG file inside it (by extension `.jpg`, `.jpeg`, `.png`, any case; hidden names
/// skipped; sorted by name bytewise; subfolders too with `recursive`, depth first in the
/// same order, symbolic links to folders not followed), and `-` is every line of standard
/// input, each expanded as an argument (empty lines skipped). Standard input is read only
/// when the items before it have been taken, so a long list streams.
struct InputCollector: IteratorProtocol {
    /// File name extensions (lowercased) taken from folders.
    static let imageExtensions: Set<String> = ["jpg", "jpeg", "png"]

    private var arguments: ArraySlice<String>
    private let recursive: Bool
    private let readLine: () -> String?
    private var readingStandardInput = false
    private var pending: ArraySlice<InputItem> = []

    /// A collector over `arguments`; `readLine` returns the next line of standard input
    /// without its newline, nil at the end.
    init(arguments: [String], recursive: Bool, readLine: @escaping () -> String? = { Swift.readLine(strippingNewline: true) }) {
        self.arguments = arguments[...]
        self.recursive = recursive
        self.readLine = readLine
    }

    /// The next item, nil when every argument (and standard input, if named) is used up.
    mutating func next() -> InputItem? {
        while pending.isEmpty {
            guard let argument = nextArgument() else { return nil }
            pending = expand(argument)[...]
        }
        return pending.popFirst()
    }

    /// The next argument to expand: from the list, or a line of standard input after `-`.
    private mutating func nextArgument() -> String? {
        while true {
            if readingStandardInput {
                guard var line = readLine() else {
                    readingStandardInput = false
                    continue
                }
                if line.hasSuffix("\r") { line.removeLast() }
                if line.isEmpty { continue }
                return line
            }
            guard let argument = arguments.popFirst() else { return nil }
            if argument == "-" {
                readingStandardInput = true
                continue
            }
            return argument
        }
    }

    /// The items one argument stands for.
    private func expand(_ argument: String) -> [InputItem] {
        guard InputCollector.isFolder(argument, followingLinks: true) else {
            return [.image(path: argument)]
        }
        do {
            let images = try images(inFolder: argument)
            if images.isEmpty {
                let place = recursive ? "this folder or below" : "this folder (use --recursive to look in subfolders)"
                return [.failure(message: "\(argument): no JPEG or PNG images in \(place)")]
            }
            return images.map { .image(path: $0) }
        } catch {
            return [.failure(message: "\(argument): cannot read folder: \(error.description)")]
        }
    }

    /// The image files in `folder` (and below, when recursive), in order.
    private func images(inFolder folder: String) throws(CommandFailure) -> [String] {
        var found: [String] = []
        for name in try InputCollector.entries(of: folder) where !name.hasPrefix(".") {
            let path = folder.hasSuffix("/") ? folder + name : folder + "/" + name
            if InputCollector.isFolder(path, followingLinks: false) {
                if recursive {
                    found += try images(inFolder: path)
                }
            } else if InputCollector.hasImageExtension(name) && !InputCollector.isFolder(path, followingLinks: true) {
                found.append(path)
            }
        }
        return found
    }

    /// Whether `name` ends in `.jpg`, `.jpeg` or `.png`, in any case.
    static func hasImageExtension(_ name: String) -> Bool {
        guard let dot = name.lastIndex(of: "."), dot != name.startIndex else { return false }
        return imageExtensions.contains(name[name.index(after: dot)...].lowercased())
    }

    /// The names in a folder (without `.` and `..`), sorted bytewise.
    private static func entries(of folder: String) throws(CommandFailure) -> [String] {
        guard let directory = opendir(folder) else {
            throw CommandFailure(String(cString: strerror(errno)))
        }
        defer { closedir(directory) }
        var names: [String] = []
        while let entry = readdir(directory) {
            let name = withUnsafeBytes(of: entry.pointee.d_name) { raw in
                String(decoding: raw.prefix { $0 != 0 }, as: UTF8.self)
            }
            if name != "." && name != ".." { names.append(name) }
        }
        return names.sorted { $0.utf8.lexicographicallyPrecedes($1.utf8) }
    }

    /// Whether `path` is a folder (through a symbolic link only when `followingLinks`).
    private static func isFolder(_ path: String, followingLinks: Bool) -> Bool {
        var information = stat()
        let result = followingLinks ? stat(path, &information) : lstat(path, &information)
        return result == 0 && (information.st_mode & S_IFMT) == S_IFDIR
    }
}
