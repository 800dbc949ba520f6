import Foundation
import Testing
@testable import CaptionKit

@Suite("Image decoding: malformed input")
struct ImageMalformedInputTests {
    static let malformedCases = ImageFixtures.manifest?.malformed ?? []

    /// Decodes and returns the error, recording an issue when decoding succeeds.
    func decodingError(_ body: () throws -> RGBImage, sourceLocation: SourceLocation = #_sourceLocation) -> CaptionError? {
        do {
            let image = try body()
            Issue.record("decoded a \(image.width) x \(image.height) image instead of failing", sourceLocation: sourceLocation)
        } catch let error as CaptionError {
            return error
        } catch {
            Issue.record("unexpected error type: \(error)", sourceLocation: sourceLocation)
        }
        return nil
    }

    @Test("each malformed fixture gives its CaptionError, naming the file", arguments: malformedCases)
    func malformedFixture(_ fixture: ImageManifest.Malformed) throws {
        let path = ImageFixtures.path(fixture.file)
        let error = decodingError { try ImageDecoder().decode(fileAt: path) }
        switch (error, fixture.error) {
        case let (.imageTooLarge(errorPath, width, height, limit)?, "imageTooLarge"):
            #expect(errorPath == path)
            #expect(width == fixture.width && height == fixture.height && limit == ImageDecoder.defaultPixelLimit)
        case let (.invalidImage(errorPath, reason)?, "invalidImage"):
            #expect(errorPath == path)
            if let expected = fixture.reason {
                #expect(reason.localizedCaseInsensitiveContains(expected), "reason: \(reason)")
            }
        default:
            Issue.record("\(fixture.file): expected \(fixture.error), got \(String(describing: error))")
        }
        #expect(error?.description.hasPrefix(path) == true)
    }

    @Test("truncated files fail at every cut", arguments: [
        "jpeg_baseline_420.jpg", "jpeg_progressive.jpg", "jpeg_cmyk.jpg", "png_rgb_8.png", "png_rgba_16_interlaced.png",
    ])
    func truncated(_ name: String) throws {
        let bytes = try ImageFixtures.bytes(name)
        let cuts = [1, 3, 8, 20, 40, bytes.count / 4, bytes.count / 2, bytes.count * 9 / 10, bytes.count - 2, bytes.count - 1]
        for cut in cuts {
            let error = decodingError { try ImageDecoder().decode(bytes.prefix(cut), name: "\(name)[..<\(cut)]") }
            guard case let .invalidImage(path, reason)? = error else {
                Issue.record("\(name) cut at \(cut): expected invalidImage, got \(String(describing: error))")
                continue
            }
            #expect(path == "\(name)[..<\(cut)]" && !reason.isEmpty)
        }
    }

    @Test("corrupting scan data or a CRC anywhere never crashes")
    func corruptedBytes() throws {
        // Not every flipped byte is detectable (JPEG has no checksum), but none may crash.
        for name in ["jpeg_baseline_420.jpg", "png_palette_8_trns.png"] {
            let original = try ImageFixtures.bytes(name)
            for offset in stride(from: 2, to: original.count, by: max(1, original.count / 97)) {
                var bytes = original
                bytes[offset] ^= 0xA5
                do {
                    let image = try ImageDecoder().decode(bytes, name: name)
                    #expect(image.pixels.count == image.width * image.height * 3)
                } catch let error as CaptionError {
                    #expect(error.description.hasPrefix(name))
                }
            }
        }
    }

    @Test("an empty file, a directory and a missing file name the path and the reason")
    func unreadableFiles() throws {
        let directory = try makeTemporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let empty = directory.appendingPathComponent("empty.jpg").path
        #expect(FileManager.default.createFile(atPath: empty, contents: Data()))
        #expect(throws: CaptionError.invalidImage(path: empty, reason: "the file is empty (0 bytes)")) {
            try ImageDecoder().decode(fileAt: empty)
        }
        #expect(throws: CaptionError.unreadableFile(path: directory.path, reason: "is a directory, not an image file")) {
            try ImageDecoder().decode(fileAt: directory.path)
        }
        let missing = directory.appendingPathComponent("missing.png").path
        #expect(throws: CaptionError.unreadableFile(path: missing, reason: "No such file or directory")) {
            try ImageDecoder().decode(fileAt: missing)
        }
        #expect(throws: CaptionError.invalidImage(path: "memory", reason: "the file is empty (0 bytes)")) {
            try ImageDecoder().decode(Data(), name: "memory")
        }
    }
}
