import Foundation
import Testing
@testable import CaptionKit

@Suite("Image resizing (Pillow bilinear)")
struct ImageResizeTests {
    static let cases = ImageFixtures.manifest?.resize ?? []

    @Test("resizing is within 1 grey level of Pillow's Image.resize(BILINEAR)", arguments: cases)
    func matchesPillow(_ fixture: ImageManifest.Resizing) throws {
        let source = try ImageDecoder().decode(fileAt: ImageFixtures.path(fixture.source))
        #expect(source.width == fixture.sourceWidth && source.height == fixture.sourceHeight)
        let resized = source.resized(width: fixture.width, height: fixture.height)
        let reference = try ImageFixtures.rgb(fixture.reference, width: fixture.width, height: fixture.height)
        #expect(resized.width == fixture.width && resized.height == fixture.height)
        // A JPEG source adds the decoder's tolerance (2 levels) to the resizer's (1 level).
        let tolerance: Float = fixture.source.hasSuffix(".jpg") ? 2 : 1
        expectClose(pixelValues(resized), pixelValues(reference), relativeTolerance: 0, absoluteTolerance: tolerance,
                    fixture.description)
    }

    @Test("an image already at the requested size is returned untouched")
    func sameSizeIsUntouched() throws {
        let source = try ImageDecoder().decode(fileAt: ImageFixtures.path("resize_small.png"))
        #expect(source.resized(width: source.width, height: source.height) == source)
    }

    @Test("a constant image stays constant at every size")
    func constantImage() throws {
        let image = try RGBImage(width: 13, height: 7, pixels: [UInt8]((0..<(13 * 7)).flatMap { _ in [255, 0, 77] as [UInt8] }))
        for (width, height) in [(1, 1), (5, 3), (13, 20), (40, 7), (29, 31)] {
            let resized = image.resized(width: width, height: height)
            #expect(resized.pixels == [UInt8]((0..<(width * height)).flatMap { _ in [255, 0, 77] as [UInt8] }))
        }
    }

    @Test("resizing matches a plain floating-point triangle filter within 1 level")
    func matchesNaiveReference() throws {
        let width = 23, height = 19
        // Fixed pseudo-random pixels (Knuth's multiplicative hash of the index).
        let image = try RGBImage(width: width, height: height,
                             pixels: (0..<(width * height * 3)).map { UInt8(truncatingIfNeeded: ($0 &* 2_654_435_761) >> 13) })
        for (outputWidth, outputHeight) in [(7, 5), (50, 41), (23, 40), (11, 19), (1, 3)] {
            let resized = image.resized(width: outputWidth, height: outputHeight)
            let reference = NaiveTriangleResize.resize(image, width: outputWidth, height: outputHeight)
            expectClose(pixelValues(resized), reference, relativeTolerance: 0, absoluteTolerance: 1,
                        "\(width)x\(height) -> \(outputWidth)x\(outputHeight)")
        }
    }
}

/// The textbook separable triangle filter in Double: each output sample is the normalised
/// weighted mean of the input samples under a triangle of half-width max(1, scale) centred
/// on the output pixel's centre; horizontal pass, rounded to 8 bits, then vertical pass.
enum NaiveTriangleResize {
    static func weights(input: Int, output: Int) -> [[Double]] {
        let scale = Double(input) / Double(output)
        let radius = max(scale, 1)
        return (0..<output).map { index in
            let center = (Double(index) + 0.5) * scale
            let raw = (0..<input).map { source in max(0, 1 - abs(Double(source) + 0.5 - center) / radius) }
            let total = raw.reduce(0, +)
            return raw.map { $0 / total }
        }
    }

    static func resize(_ image: RGBImage, width: Int, height: Int) -> [Float] {
        let horizontal = width == image.width ? nil : weights(input: image.width, output: width)
        let vertical = height == image.height ? nil : weights(input: image.height, output: height)
        func sample(_ y: Int, _ x: Int, _ channel: Int) -> Double {
            Double(image.pixels[(y * image.width + x) * 3 + channel])
        }
        var intermediate = [[[Double]]](repeating: [[Double]](repeating: [0, 0, 0], count: width), count: image.height)
        for y in 0..<image.height {
            for x in 0..<width {
                for channel in 0..<3 {
                    guard let row = horizontal?[x] else {
                        intermediate[y][x][channel] = sample(y, x, channel)
                        continue
                    }
                    let value = row.enumerated().reduce(0) { $0 + $1.element * sample(y, $1.offset, channel) }
                    intermediate[y][x][channel] = min(255, max(0, value.rounded()))
                }
            }
        }
        var output: [Float] = []
        for y in 0..<height {
            for x in 0..<width {
                for channel in 0..<3 {
                    guard let column = vertical?[y] else {
                        output.append(Float(intermediate[y][x][channel]))
                        continue
                    }
                    let value = column.enumerated().reduce(0) { $0 + $1.element * intermediate[$1.offset][x][channel] }
                    output.append(Float(min(255, max(0, value.rounded()))))
                }
            }
        }
        return output
    }
}
