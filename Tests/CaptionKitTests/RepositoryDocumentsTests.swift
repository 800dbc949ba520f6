import Foundation
import Testing

/// The repository stands alone: its documents and comments point at its own specification
/// (docs/specification.md), never at files or issue numbers a reader does not have; and the
/// README's evaluation example runs on files the repository holds.
@Suite struct RepositoryDocumentsTests {
    static let root = Fixtures.directory.deletingLastPathComponent()

    /// Text files under `folders` (and the README), as paths relative to the root.
    static func textFiles(in folders: [String], skipping skipped: [String]) -> [String] {
        var paths = ["README.md"]
        for folder in folders {
            let url = root.appendingPathComponent(folder)
            guard let walker = FileManager.default.enumerator(atPath: url.path) else { continue }
            for case let relative as String in walker {
                let path = "\(folder)/\(relative)"
                guard ["md", "swift", "py", "sh"].contains((relative as NSString).pathExtension),
                      !skipped.contains(where: { path.hasPrefix($0) }) else { continue }
                paths.append(path)
            }
        }
        return paths
    }

    @Test func nothingCitesAFileOrIssueOutsideTheRepository() throws {
        let files = Self.textFiles(in: ["Sources", "Tests", "tools", "Fixtures", "docs", "scripts", "Benchmarks", "weights"],
                                   skipping: ["Benchmarks/.build"])
        let issue = try Regex("[Ii]ssue [0-9]")
        for path in files {
            let text = try String(contentsOf: Self.root.appendingPathComponent(path), encoding: .utf8)
            #expect(!text.contains("DESIGN" + ".md"), "\(path) cites a design file that is not in the repository")
            #expect(!text.contains(issue), "\(path) cites an issue number")
        }
        #expect(FileManager.default.fileExists(atPath: Self.root.appendingPathComponent("docs/specification.md").path))
    }

    @Test func theReadmeEvaluationExampleNamesFilesThatExist() throws {
        let readme = try String(contentsOf: Self.root.appendingPathComponent("README.md"), encoding: .utf8)
        let section = try #require(readme.split(separator: "## Evaluating on a dataset").dropFirst().first)
        let commands = try #require(section.split(separator: "```").dropFirst().first)
        let words = commands.split(whereSeparator: { $0.isWhitespace || $0 == "\\" }).map(String.init)
        var inputs: [String] = []
        for (flag, value) in zip(words, words.dropFirst())
        where ["--dataset", "--images", "--model", "--references"].contains(flag) {
            inputs.append(value)
        }
        #expect(inputs.count >= 4, "\(words)")
        for input in inputs {
            #expect(FileManager.default.fileExists(atPath: Self.root.appendingPathComponent(input).path),
                    "the README's evaluation example reads \(input), which is not in the repository")
        }
        let run = try #require(commands.range(of: "caption-eval run"))
        let score = try #require(commands.range(of: "caption-eval score"))
        #expect(run.lowerBound < score.lowerBound, "the runnable example comes first")
    }
}
