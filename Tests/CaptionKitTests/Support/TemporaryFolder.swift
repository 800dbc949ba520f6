import Foundation

/// Runs `body` with a new empty folder under the system's temporary folder and removes the
/// folder afterwards, whatever `body` does (tests leave nothing behind).
func withTemporaryFolder<Result>(_ body: (URL) throws -> Result) throws -> Result {
    let folder = try makeTemporaryDirectory()
    defer { try? FileManager.default.removeItem(at: folder) }
    return try body(folder)
}

/// `withTemporaryFolder` for async bodies.
func withTemporaryFolder<Result>(_ body: (URL) async throws -> Result) async throws -> Result {
    let folder = try makeTemporaryDirectory()
    defer { try? FileManager.default.removeItem(at: folder) }
    return try await body(folder)
}

/// A copy of the `plain` fixture model in `folder`, its vocabulary's words `first` and
/// `second` swapped: the same network then emits `second` where it emitted `first`.
func plainModel(in folder: URL, swapping first: String, with second: String) throws -> URL {
    let model = folder.appendingPathComponent("model")
    try FileManager.default.copyItem(at: Fixtures.url("models/plain"), to: model)
    let vocabularyURL = model.appendingPathComponent("vocab.json")
    var vocabulary = try JSONDecoder().decode([String: Int].self, from: Data(contentsOf: vocabularyURL))
    (vocabulary[first], vocabulary[second]) = (vocabulary[second], vocabulary[first])
    try JSONEncoder().encode(vocabulary).write(to: vocabularyURL)
    return model
}
