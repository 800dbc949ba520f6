import Foundation
import Testing
import CaptionKit

/// The photo model's encoder (weights/default: ImageNet VGG-16, installed by
/// tools/install_vgg16.py) against onnxruntime running the ONNX graph its weights were
/// converted from: tools/make_vgg16_fixtures.py wrote the conv5_3 features of
/// Fixtures/photos/astronaut.png.
@Suite("Photo encoder parity with onnxruntime")
struct PhotoEncoderTests {
    @Test("VGG-16 conv5_3 of a photo equals onnxruntime's")
    func conv5_3MatchesONNXRuntime() throws {
        let model = Fixtures.directory.deletingLastPathComponent().appendingPathComponent("weights/default")
        let installed = model.appendingPathComponent("encoder.features.28.bias.npy")
        try #require(FileManager.default.fileExists(atPath: installed.path),
                     "the VGG-16 weights are not installed: run scripts/setup")
        let encoder = try ImageEncoder(encoderOf: model)
        let image = try ImageDecoder().decode(fileAt: Fixtures.url("photos/astronaut.png").path)
        let encoded = encoder.encode([image])[0]
        #expect(encoded.gridHeight == 14 && encoded.gridWidth == 14)
        let expected = try WeightStore(directory: Fixtures.url("photos"))
            .tensor("astronaut.conv5_3", shape: [196, 512]).scalars
        // Thirteen float32 convolutions of up to 4,608 products each, summed in different orders
        // (Winograd F(4x4, 3x3) and blocked GEMM here, onnxruntime's kernels there), with
        // values up to 252: measured, the largest difference is 4.0e-4 at a value of 11.1,
        // 0.66 of the bound there; the bounds, 5e-4 plus 1e-5 of the value, are those the
        // F(2x2) transforms were held to. A wrong channel order or a misplaced layer moves
        // values by 1 to 100.
        expectClose(encoded.annotations.scalars, expected, relativeTolerance: 1e-5, absoluteTolerance: 5e-4, "conv5_3")
    }
}
