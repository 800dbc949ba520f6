import CaptionKit
import Foundation
import Testing

/// Pixels a caller hands over: every size or byte count that does not describe an image
/// throws `CaptionError.invalidPixels` (it used to trap), and RGBA, BGRA, ARGB and padded
/// rows convert to the same RGB image.
@Suite struct RGBImageInputTests {
    @Test func emptyImageThrows() {
        #expect(throws: CaptionError.invalidPixels(reason: "an image needs at least 1 x 1 pixels, got 0 x 0")) {
            try RGBImage(width: 0, height: 0, pixels: [])
        }
        #expect(throws: CaptionError.self) { try RGBImage(width: -1, height: 2, pixels: []) }
    }

    @Test func wrongPixelCountThrows() {
        #expect(throws: CaptionError.invalidPixels(reason: "5 bytes for a 2 x 1 RGB image (expected 6)")) {
            try RGBImage(width: 2, height: 1, pixels: [1, 2, 3, 4, 5])
        }
        #expect(throws: CaptionError.self) { try RGBImage(width: 1, height: 1, pixels: [1, 2, 3, 4]) }
        #expect(throws: CaptionError.self) { try RGBImage(width: Int.max, height: Int.max, pixels: []) }
    }

    @Test func errorsAreOneLineNamingThePixelBuffer() {
        let error = CaptionError.invalidPixels(reason: "5 bytes for a 2 x 1 RGB image (expected 6)")
        #expect(error.localizedDescription == "pixel buffer: 5 bytes for a 2 x 1 RGB image (expected 6)")
    }

    /// Red then blue, in every layout.
    static let expected: [UInt8] = [255, 0, 0, 0, 0, 255]

    @Test(arguments: [
        (PixelLayout.rgb, [255, 0, 0, 0, 0, 255] as [UInt8]),
        (.rgba, [255, 0, 0, 9, 0, 0, 255, 9]),
        (.bgra, [0, 0, 255, 9, 255, 0, 0, 9]),
        (.argb, [9, 255, 0, 0, 9, 0, 0, 255]),
    ])
    func layoutsConvertToRGB(layout: PixelLayout, bytes: [UInt8]) throws {
        let image = try RGBImage(width: 2, height: 1, layout: layout, pixels: bytes)
        #expect(image.pixels == Self.expected)
        #expect(try RGBImage(width: 2, height: 1, layout: layout, pixels: Data(bytes)) == image)
    }

    @Test func rowStrideSkipsPadding() throws {
        // 1 x 2 BGRA with rows 8 bytes apart; the last row is not padded.
        let bytes: [UInt8] = [0, 0, 255, 255, 7, 7, 7, 7, 255, 0, 0, 255]
        let image = try RGBImage(width: 1, height: 2, layout: .bgra, bytesPerRow: 8, pixels: bytes)
        #expect(image.pixels == Self.expected)
    }

    @Test func shortStrideOrBufferThrows() {
        #expect(throws: CaptionError.self) {
            try RGBImage(width: 2, height: 1, layout: .rgba, bytesPerRow: 7, pixels: [UInt8](repeating: 0, count: 8))
        }
        #expect(throws: CaptionError.invalidPixels(reason: "11 bytes for a 1 x 2 bgra image with 8 bytes per row (needs 12)")) {
            try RGBImage(width: 1, height: 2, layout: .bgra, bytesPerRow: 8, pixels: [UInt8](repeating: 0, count: 11))
        }
        #expect(throws: CaptionError.self) { try RGBImage(width: 0, height: 1, layout: .rgba, pixels: [UInt8]()) }
    }
}
