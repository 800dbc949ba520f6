import Foundation
import Testing
@testable import CaptionKit

@Suite("Image preprocessing (ToTensor + Normalize)")
struct ImagePreprocessorTests {
    static let cases = ImageFixtures.manifest?.normalize ?? []

    @Test("normalising equals torchvision's ToTensor + Normalize", arguments: cases)
    func matchesTorchvision(_ fixture: ImageManifest.Normalizing) throws {
        let image = try ImageFixtures.rgb(fixture.pixels, width: fixture.width, height: fixture.height)
        let preprocessor = try ImagePreprocessor(inputSize: fixture.width, mean: fixture.mean, std: fixture.std)
        let tensor = preprocessor.normalized(image)
        #expect(tensor.shape == [3, fixture.height, fixture.width])
        expectClose(tensor.scalars, try ImageFixtures.floats(fixture.reference), relativeTolerance: 0,
                    absoluteTolerance: 1e-6, fixture.reference)
    }

    @Test("the full preprocessing resizes, then normalises; a square input is not resampled")
    func fullPipeline() throws {
        let fixture = try #require(Self.cases.first)
        let source = try ImageDecoder().decode(fileAt: ImageFixtures.path("resize_small.png"))
        let preprocessor = try ImagePreprocessor(inputSize: fixture.width, mean: fixture.mean, std: fixture.std)
        let tensor = preprocessor.tensor(for: source)
        #expect(tensor.shape == [3, fixture.width, fixture.width])
        // Resizing is within 1 grey level of Pillow: 1/255/std in normalised units.
        expectClose(tensor.scalars, try ImageFixtures.floats(fixture.reference), relativeTolerance: 0,
                    absoluteTolerance: 1 / 255 / 0.224 + 1e-5)
        let square = source.resized(width: fixture.width, height: fixture.width)
        #expect(preprocessor.tensor(for: square).scalars == preprocessor.normalized(square).scalars)
    }

    @Test("the tensor is planar: channel, then row, then column")
    func layout() throws {
        let image = try RGBImage(width: 2, height: 1, pixels: [0, 51, 102, 153, 204, 255])
        let preprocessor = try ImagePreprocessor(inputSize: 2, mean: [0, 0, 0], std: [1, 1, 1])
        #expect(preprocessor.normalized(image).scalars == [0, 153, 51, 204, 102, 255].map { Float($0) / 255 })
    }

    @Test("bad sizes, means and standard deviations are refused")
    func invalidParameters() {
        let valid: [Float] = [0.5, 0.5, 0.5]
        for (size, mean, std) in [(0, valid, valid), (224, [0.5, 0.5], valid), (224, valid, [0.5, 0, 0.5]),
                                  (224, valid, [0.5, .nan, 0.5])] {
            #expect(throws: CaptionError.self) { try ImagePreprocessor(inputSize: size, mean: mean, std: std) }
        }
    }
}
