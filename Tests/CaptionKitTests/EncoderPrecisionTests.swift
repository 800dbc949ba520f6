import Foundation
import Testing
@testable import CaptionKit

/// The reduced-precision encoders end to end: calibration files, loading a bundle in int8 or
/// bf16 (or falling back to fp32), and the photo model's features against onnxruntime's
/// float32 ones.
@Suite("Encoder precision: calibration, loading, photo features")
struct EncoderPrecisionTests {
    static let plain = Fixtures.url("models/plain")

    @Test("a calibration file reads back what was written")
    func calibrationRoundTrip() throws {
        let calibration = Int8Calibration(inputClips: ["encoder.features.10": 3.25, "encoder.features.2": 0.5],
                                          images: 300, percentile: 99.99)
        let json = calibration.json
        #expect(json.range(of: "encoder.features.2")!.lowerBound < json.range(of: "encoder.features.10")!.lowerBound)
        #expect(try Int8Calibration(json: Data(json.utf8), path: "c.json") == calibration)
    }

    @Test("a malformed calibration file names the file and the field", arguments: [
        ("[]", "(json)"),
        (#"{"format": "other", "images": 1, "percentile": 99, "input_clip": {}}"#, "format"),
        (#"{"format": "captionkit-int8-calibration/1", "images": 0, "percentile": 99, "input_clip": {}}"#, "images"),
        (#"{"format": "captionkit-int8-calibration/1", "images": 2, "percentile": 101, "input_clip": {}}"#, "percentile"),
        (#"{"format": "captionkit-int8-calibration/1", "images": 2, "percentile": 99, "input_clip": {"k": -1}}"#, "input_clip.k"),
        (#"{"format": "captionkit-int8-calibration/1", "images": 2, "percentile": 99}"#, "input_clip"),
    ])
    func malformedCalibration(text: String, field: String) {
        #expect {
            try Int8Calibration(json: Data(text.utf8), path: "bundle/int8-calibration.json")
        } throws: { error in
            guard case let CaptionError.invalidConfiguration(path, found, _) = error else { return false }
            return path == "bundle/int8-calibration.json" && found == field
        }
    }

    @Test("the histogram percentile lies within one bin above the exact one")
    func histogramPercentile() {
        let values = testValues(50_000, seed: 17).map { $0 < 0 ? 0 : $0 * $0 * 7 }
        let sorted = values.sorted()
        for percentile in [50.0, 99.0, 99.99, 100.0] {
            let exact = sorted[Int((percentile / 100 * Double(values.count)).rounded(.up)) - 1]
            let found = values.withUnsafeBufferPointer { Int8CalibrationBuilder.value(atPercentile: percentile, of: $0) }
            let bin = sorted.last! / Float(Int8CalibrationBuilder.bins)
            #expect(found >= exact && found <= exact + bin * 1.0001, "percentile \(percentile): \(found) vs \(exact)")
        }
    }

    @Test("a calibration of no images is an error, not a trap")
    func calibrationOfNoImages() throws {
        let builder = try Int8CalibrationBuilder(imageEncoder: ImageEncoder(encoderOf: Self.plain))
        #expect(throws: CaptionError.self) { try builder.calibration() }
        #expect(throws: CaptionError.self) { try Int8CalibrationBuilder(imageEncoder: ImageEncoder(encoderOf: Self.plain), percentile: 0) }
    }

    @Test("int8 needs the bundle's calibration and names the missing file")
    func int8NeedsCalibration() throws {
        guard EncoderPrecision.int8.isSupported else {
            // Falls back without reading any calibration.
            #expect(try Captioner(modelAt: Self.plain, precision: .int8).encoderPrecision == .fp32)
            return
        }
        #expect {
            try Captioner(modelAt: Self.plain, precision: .int8)
        } throws: { error in
            guard case let CaptionError.unreadableFile(path, reason) = error else { return false }
            return path.hasSuffix("plain/int8-calibration.json") && reason.contains("caption-eval calibrate")
        }
    }

    @Test("a calibrated int8 bundle captions like the float32 one on the fixture model")
    func calibratedInt8Bundle() throws {
        try withTemporaryFolder { folder in
            let model = folder.appendingPathComponent("model")
            try FileManager.default.copyItem(at: Self.plain, to: model)
            try? FileManager.default.removeItem(at: model.appendingPathComponent("reference"))
            let images = try ["png_rgb_8.png", "jpeg_baseline_420.jpg"].map { try ImageDecoder().decode(fileAt: ImageFixtures.path($0)) }
            var builder = try Int8CalibrationBuilder(imageEncoder: ImageEncoder(encoderOf: model), percentile: 100)
            for image in images { builder.add(image) }
            let calibration = try builder.calibration()
            // plain: [8, "M", 16, 16]; features.0 reads the image and stays float32.
            #expect(calibration.images == 2 && Set(calibration.inputClips.keys) == ["encoder.features.3", "encoder.features.5"])
            try Data(calibration.json.utf8).write(to: model.appendingPathComponent(Int8Calibration.fileName))

            let reference = try Captioner(modelAt: model)
            let reduced = try Captioner(modelAt: model, precision: .int8)
            #expect(reduced.encoderPrecision == EncoderPrecision.int8.effective)
            for image in images {
                let (expected, actual) = (reference.encode([image])[0].annotations.scalars, reduced.encode([image])[0].annotations.scalars)
                // Two 8-bit layers of random weights; a wrong scale or channel gives about 1.
                let error = Self.relativeError(actual, expected)
                #expect(error < 0.05, "int8 features: relative error \(error)")
                #expect(try reduced.caption(image).tokens.count > 0)
            }
        }
    }

    @Test("the photo model's conv5_3 in reduced precision stays near onnxruntime's float32", arguments: [EncoderPrecision.int8, .bf16])
    func photoFeatures(precision: EncoderPrecision) throws {
        let model = Fixtures.directory.deletingLastPathComponent().appendingPathComponent("weights/default")
        try #require(FileManager.default.fileExists(atPath: model.appendingPathComponent("encoder.features.28.bias.npy").path),
                     "the VGG-16 weights are not installed: run scripts/setup")
        let encoder = try ImageEncoder(encoderOf: model, precision: precision)
        guard encoder.encoder.precision == precision else {
            #expect(!precision.isSupported)
            return
        }
        let image = try ImageDecoder().decode(fileAt: Fixtures.url("photos/astronaut.png").path)
        let actual = encoder.encode([image])[0].annotations.scalars
        let expected = try WeightStore(directory: Fixtures.url("photos")).tensor("astronaut.conv5_3", shape: [196, 512]).scalars
        let error = Self.relativeError(actual, expected)
        // PyTorch with the same rounding (tools venv, fake quantisation; the engine's integer
        // sums are exact) gives 0.039 for int8 with weights/default/int8-calibration.json and
        // 0.0041 for bf16; a misplaced channel or a wrong scale gives about 1.
        #expect(error < (precision == .int8 ? 0.1 : 0.02), "\(precision): relative error \(error)")
    }

    /// |actual - expected| / |expected| over the whole arrays (Euclidean norms).
    static func relativeError(_ actual: [Float], _ expected: [Float]) -> Double {
        let (difference, norm) = zip(actual, expected).reduce((0.0, 0.0)) { sums, pair in
            let (a, e) = (Double(pair.0), Double(pair.1))
            return (sums.0 + (a - e) * (a - e), sums.1 + e * e)
        }
        return (difference / norm).squareRoot()
    }
}
