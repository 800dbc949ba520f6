import CaptionKit
import Foundation
import Testing

/// The default model a dependent package finds: `$CAPTIONKIT_MODEL`, `./weights/default`,
/// the user's model cache, then the executable's checkout.
@Suite struct DefaultModelTests {
    /// A locator that sees only `environment`, an empty working directory and no executable.
    func locator(_ environment: [String: String], workingDirectory: URL) -> ModelLocator {
        var locator = ModelLocator(explicitPath: nil)
        locator.environment = environment
        locator.workingDirectory = workingDirectory.path
        locator.executablePath = nil
        return locator
    }

    @Test func theCacheIsFoundFromAnyFolder() throws {
        try withTemporaryFolder { folder in
            let cache = folder.appendingPathComponent("cache")
            try FileManager.default.createDirectory(at: cache.appendingPathComponent("models"), withIntermediateDirectories: true)
            try FileManager.default.createSymbolicLink(at: cache.appendingPathComponent("models/default"),
                                                       withDestinationURL: Fixtures.url("models/plain"))
            let path = try locator(["CAPTIONKIT_CACHE": cache.path], workingDirectory: folder).locate()
            #expect(path == cache.appendingPathComponent("models/default").path)
            #expect(throws: Never.self) { try Captioner(modelAt: URL(fileURLWithPath: path)) }
        }
    }

    @Test func theCacheDefaultsToHomeDotCache() {
        let cache = locator(["HOME": "/home/someone"], workingDirectory: URL(fileURLWithPath: "/")).cachedModel
        #expect(cache?.path == "/home/someone/.cache/captionkit/models/default")
    }

    @Test func theEnvironmentVariableWinsOverTheCache() throws {
        try withTemporaryFolder { folder in
            let environment = ["CAPTIONKIT_CACHE": folder.path, "CAPTIONKIT_MODEL": "/some/model"]
            let path = try locator(environment, workingDirectory: folder).locate()
            #expect(path == "/some/model")
        }
    }

    @Test func anEmptyCacheIsNotAModel() throws {
        try withTemporaryFolder { folder in
            #expect(throws: CaptionError.self) {
                try locator(["CAPTIONKIT_CACHE": folder.path], workingDirectory: folder).locate()
            }
        }
    }

    @Test func installModelLinksTheCacheToThisCheckout() throws {
        try withTemporaryFolder { folder in
            let root = Fixtures.directory.deletingLastPathComponent()
            let process = Process()
            process.executableURL = root.appendingPathComponent("scripts/install-model")
            process.environment = ["CAPTIONKIT_CACHE": folder.path, "PATH": "/usr/bin:/bin"]
            process.standardError = FileHandle.nullDevice
            try process.run()
            process.waitUntilExit()
            #expect(process.terminationStatus == 0)
            let link = try FileManager.default.destinationOfSymbolicLink(atPath: folder.appendingPathComponent("models/default").path)
            #expect(link == root.appendingPathComponent("weights/default").path)
        }
    }
}
