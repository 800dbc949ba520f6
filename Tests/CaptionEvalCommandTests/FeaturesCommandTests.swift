import CaptionKit
import Foundation
import Testing

/// Runs the built `caption-eval features` on three scene images with the `plain` fixture model
/// and checks the written float16 features against the library's encoder: as stored, and with
/// `--mirror` against the encoder's output for the image with every row reversed by hand.
@Suite struct FeaturesCommandTests {
    static let model = Repository.path("Fixtures/models/plain")
    static let scenes = Repository.path("Fixtures/scenes")

    /// A Karpathy dataset of the first three scene images, all in the test split.
    static func dataset(in folder: ScratchFolder) throws -> (path: String, files: [String]) {
        let entries = (0..<3).map { RunCommandTests.entry($0) }
        let files = entries.compactMap { $0["filename"]?.stringValue }
        return (try RunCommandTests.writeDataset(entries, in: folder), files)
    }

    /// The feature folder's values as Float, image after image.
    static func storedFeatures(_ folder: String) throws -> [Float] {
        let bytes = try Data(contentsOf: URL(fileURLWithPath: folder + "/features.f16"))
        return stride(from: 0, to: bytes.count, by: 2).map { offset in
            Float(Float16(bitPattern: UInt16(bytes[offset]) | UInt16(bytes[offset + 1]) << 8))
        }
    }

    /// The image with each row's pixels in reverse order: the plain definition of a mirror.
    static func reversedRows(_ image: RGBImage) throws -> RGBImage {
        var pixels: [UInt8] = []
        for y in 0..<image.height {
            for x in (0..<image.width).reversed() {
                let start = (y * image.width + x) * 3
                pixels += image.pixels[start..<start + 3]
            }
        }
        return try RGBImage(width: image.width, height: image.height, pixels: pixels)
    }

    /// The library's features of the images, rounded to float16 like the command's.
    static func libraryFeatures(_ files: [String], transform: (RGBImage) throws -> RGBImage) throws -> [Float] {
        let encoder = try ImageEncoder(encoderOf: URL(fileURLWithPath: model))
        return try files.flatMap { file -> [Float] in
            let image = try transform(try ImageDecoder().decode(fileAt: scenes + "/" + file))
            return encoder.encode([image])[0].annotations.scalars.map { Float(Float16($0)) }
        }
    }

    @Test(arguments: [false, true])
    func featuresEqualTheLibraryEncoder(mirror: Bool) throws {
        let folder = try ScratchFolder()
        let (dataset, files) = try Self.dataset(in: folder)
        let out = folder.path("features")
        let run = try CaptionEvalExecutable.run(["features", "--dataset", dataset, "--images", Self.scenes,
                                                 "--model", Self.model, "--out", out, "--threads", "2"]
                                                + (mirror ? ["--mirror"] : []))
        #expect(run.status == 0, "\(run.standardError)")
        #expect(try String(contentsOfFile: out + "/images.txt", encoding: .utf8) == files.joined(separator: "\n") + "\n")
        let expected = try Self.libraryFeatures(files) { mirror ? try Self.reversedRows($0) : $0 }
        let stored = try Self.storedFeatures(out)
        #expect(stored.count == expected.count)
        // One float16 step (2^-10 relative) covers a last-bit difference in float32 that
        // flips a rounding; a wrong image or order is off by far more.
        let worst = zip(stored, expected).map { abs($0 - $1) / max(1, abs($1)) }.max() ?? 0
        #expect(worst <= 1.0 / 1024, "largest relative difference \(worst)")
        if mirror {
            #expect(try Self.libraryFeatures(files) { $0 } != expected, "a mirrored scene should encode differently")
        }
    }

    @Test func mirroredMatchesRowsReversedByHand() throws {
        let image = try ImageDecoder().decode(fileAt: Self.scenes + "/example.png")
        #expect(image.mirrored() == (try Self.reversedRows(image)))
        #expect(image.mirrored().mirrored() == image)
    }
}
