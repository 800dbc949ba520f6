import CaptionEval
import Foundation
import Testing

/// Locates and loads the committed fixtures under `Fixtures/metrics/`.
enum Fixtures {
    /// The package root: the nearest folder above this file that holds Package.swift.
    static let packageRoot: URL = {
        var folder = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        while folder.path != "/" {
            if FileManager.default.fileExists(atPath: folder.appendingPathComponent("Package.swift").path) {
                return folder
            }
            folder = folder.deletingLastPathComponent()
        }
        return folder
    }()

    /// The path of a file under `Fixtures/metrics/`.
    static func path(_ relative: String) -> String {
        packageRoot.appendingPathComponent("Fixtures/metrics").appendingPathComponent(relative).path
    }

    /// A fixture parsed as JSON.
    static func json(_ relative: String) throws -> JSONValue {
        let path = path(relative)
        return try JSONReader.parse(Array(try Data(contentsOf: URL(fileURLWithPath: path))), path: path)
    }
}

/// Compares two equally long arrays of doubles: each pair must satisfy
/// |actual - expected| <= tolerance. On failure, records one issue naming how many differ, the
/// largest difference, its label, and the first differing pairs.
func expectClose(
    _ actual: [Double], _ expected: [Double], tolerance: Double = 1e-6, labels: [String]? = nil,
    _ label: String = "", sourceLocation: SourceLocation = #_sourceLocation
) {
    guard actual.count == expected.count else {
        Issue.record("\(label) count \(actual.count) != expected \(expected.count)", sourceLocation: sourceLocation)
        return
    }
    let differing = actual.indices.filter { !(abs(actual[$0] - expected[$0]) <= tolerance) }
    guard let worst = differing.max(by: { abs(actual[$0] - expected[$0]) < abs(actual[$1] - expected[$1]) }) else { return }
    let name = { (index: Int) in labels?[index] ?? String(index) }
    let pairs = differing.prefix(5).map { "\(name($0)): (\(actual[$0]), \(expected[$0]))" }.joined(separator: " ")
    Issue.record(
        "\(label) \(differing.count) of \(actual.count) values differ by more than \(tolerance); largest difference \(abs(actual[worst] - expected[worst])) at \(name(worst)); first (actual, expected): \(pairs)",
        sourceLocation: sourceLocation)
}
