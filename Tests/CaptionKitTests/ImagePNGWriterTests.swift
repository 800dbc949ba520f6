import Foundation
import Testing
@testable import CaptionKit

@Suite("PNG writing")
struct ImagePNGWriterTests {
    /// The entries of a directory, sorted.
    func contents(_ directory: URL) throws -> [String] {
        try FileManager.default.contentsOfDirectory(atPath: directory.path).sorted()
    }

    @Test("RGB and RGBA round-trip through the decoder; the colour type is recorded")
    func roundTrip() throws {
        let directory = try makeTemporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let source = try ImageDecoder().decode(fileAt: ImageFixtures.path("resize_small.png"))
        let rgbPath = directory.appendingPathComponent("rgb.png").path
        try PNGWriter.write(pixels: source.pixels, width: source.width, height: source.height, hasAlpha: false, to: rgbPath)
        #expect(try ImageDecoder().decode(fileAt: rgbPath) == source)

        var rgba: [UInt8] = []
        for index in 0..<(source.width * source.height) {
            rgba += source.pixels[(index * 3)..<(index * 3 + 3)]
            rgba.append(UInt8(index % 256))
        }
        let rgbaPath = directory.appendingPathComponent("rgba.png").path
        try PNGWriter.write(pixels: rgba, width: source.width, height: source.height, hasAlpha: true, to: rgbaPath)
        #expect(try ImageDecoder().decode(fileAt: rgbaPath) == source)
        let header = try Data(contentsOf: URL(fileURLWithPath: rgbaPath))
        #expect(header[24] == 8 && header[25] == 6) // IHDR: bit depth 8, colour type RGBA
        #expect(try contents(directory) == ["rgb.png", "rgba.png"])
    }

    @Test("overwriting replaces the file and leaves no temporary file")
    func overwrite() throws {
        let directory = try makeTemporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let path = directory.appendingPathComponent("out.png").path
        try PNGWriter.write(pixels: [1, 2, 3], width: 1, height: 1, hasAlpha: false, to: path)
        try PNGWriter.write(pixels: [9, 8, 7, 6, 5, 4], width: 2, height: 1, hasAlpha: false, to: path)
        #expect(try ImageDecoder().decode(fileAt: path) == RGBImage(width: 2, height: 1, pixels: [9, 8, 7, 6, 5, 4]))
        #expect(try contents(directory) == ["out.png"])
    }

    @Test("failures name the file and leave nothing behind")
    func failures() throws {
        let directory = try makeTemporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let existing = directory.appendingPathComponent("existing.png").path
        try PNGWriter.write(pixels: [1, 2, 3], width: 1, height: 1, hasAlpha: false, to: existing)
        let before = try Data(contentsOf: URL(fileURLWithPath: existing))

        // The destination is a directory: the rename fails after the temporary file was written.
        let subdirectory = directory.appendingPathComponent("folder.png")
        try FileManager.default.createDirectory(at: subdirectory, withIntermediateDirectories: false)
        let missingDirectory = directory.appendingPathComponent("no/such/dir/out.png").path
        let attempts: [(String, [UInt8], Int, Int, Bool)] = [
            (subdirectory.path, [1, 2, 3], 1, 1, false),
            (missingDirectory, [1, 2, 3], 1, 1, false),
            (existing, [1, 2, 3, 4, 5], 1, 1, true), // 5 bytes for one RGBA pixel
            (existing, [], 0, 0, false),
        ]
        for (path, pixels, width, height, hasAlpha) in attempts {
            do {
                try PNGWriter.write(pixels: pixels, width: width, height: height, hasAlpha: hasAlpha, to: path)
                Issue.record("writing \(path) succeeded")
            } catch let CaptionError.unwritableFile(errorPath, reason) {
                #expect(errorPath == path && !reason.isEmpty)
            }
        }
        #expect(try contents(directory) == ["existing.png", "folder.png"])
        #expect(try contents(subdirectory).isEmpty)
        #expect(try Data(contentsOf: URL(fileURLWithPath: existing)) == before)
    }
}
