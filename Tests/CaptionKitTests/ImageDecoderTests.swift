import Foundation
import Testing
@testable import CaptionKit

@Suite("Image decoding")
struct ImageDecoderTests {
    static let pngCases = ImageFixtures.manifest?.decode.filter { $0.kind == "png" } ?? []
    static let jpegCases = ImageFixtures.manifest?.decode.filter { $0.kind == "jpeg" } ?? []

    @Test("the fixture manifest loads and covers every case")
    func manifestLoads() throws {
        let manifest = try #require(ImageFixtures.manifest)
        #expect(Self.pngCases.count >= 28)
        #expect(Self.jpegCases.count >= 23)
        #expect(Set(Self.jpegCases.compactMap(\.orientation)) == Set(1...8))
        #expect(!manifest.resize.isEmpty && !manifest.normalize.isEmpty && !manifest.malformed.isEmpty)
    }

    @Test("decoding matches Pillow: PNG exactly, JPEG within 2 grey levels (after exif_transpose)",
          arguments: pngCases + jpegCases)
    func matchesPillow(_ fixture: ImageManifest.Decoding) throws {
        let image = try ImageDecoder().decode(fileAt: ImageFixtures.path(fixture.file))
        let reference = try ImageFixtures.rgb(fixture.reference, width: fixture.width, height: fixture.height)
        #expect(image.width == reference.width && image.height == reference.height)
        let tolerance: Float = fixture.kind == "png" ? 0 : 2
        expectClose(pixelValues(image), pixelValues(reference), relativeTolerance: 0, absoluteTolerance: tolerance,
                    fixture.file)
    }

    @Test("orientations 5-8 swap width and height")
    func orientationSwapsAxes() throws {
        for orientation in 1...8 {
            let image = try ImageDecoder().decode(fileAt: ImageFixtures.path("jpeg_orientation_\(orientation)_be.jpg"))
            #expect((image.width, image.height) == (orientation >= 5 ? (30, 40) : (40, 30)), "orientation \(orientation)")
        }
    }

    @Test("the EXIF orientation tag is read in both byte orders and found among other tags")
    func exifParsing() {
        func tiff(littleEndian: Bool, entries: [(tag: UInt16, type: UInt16, value: UInt16)]) -> [UInt8] {
            func u16(_ value: UInt16) -> [UInt8] {
                littleEndian ? [UInt8(value & 0xFF), UInt8(value >> 8)] : [UInt8(value >> 8), UInt8(value & 0xFF)]
            }
            func u32(_ value: UInt32) -> [UInt8] {
                let bytes = (0..<4).map { UInt8((value >> (8 * UInt32($0))) & 0xFF) }
                return littleEndian ? bytes : bytes.reversed()
            }
            var bytes: [UInt8] = littleEndian ? [0x49, 0x49] : [0x4D, 0x4D]
            bytes += u16(42) + u32(8) + u16(UInt16(entries.count))
            for entry in entries {
                bytes += u16(entry.tag) + u16(entry.type) + u32(1) + u16(entry.value) + [0, 0]
            }
            return bytes + u32(0)
        }
        for littleEndian in [true, false] {
            let block = tiff(littleEndian: littleEndian, entries: [(0x0100, 3, 640), (0x0112, 3, 6), (0x0131, 2, 0)])
            #expect(block.withUnsafeBytes { ExifOrientation.orientationValue(tiff: $0) } == 6)
            let none = tiff(littleEndian: littleEndian, entries: [(0x0100, 3, 640)])
            #expect(none.withUnsafeBytes { ExifOrientation.orientationValue(tiff: $0) } == nil)
            let cut = Array(block.prefix(20)) // IFD entries cut off: no crash, no value
            #expect(cut.withUnsafeBytes { ExifOrientation.orientationValue(tiff: $0) } == nil)
        }
    }

    @Test("decoding from Data equals decoding from the file")
    func decodesFromMemory() throws {
        for name in ["jpeg_orientation_6_le.jpg", "png_palette_4_trns_interlaced.png"] {
            let fromFile = try ImageDecoder().decode(fileAt: ImageFixtures.path(name))
            let fromData = try ImageDecoder().decode(ImageFixtures.bytes(name), name: name)
            #expect(fromFile == fromData)
        }
    }

    @Test("the format comes from the bytes, not the file name")
    func formatFromSignature() throws {
        let directory = try makeTemporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let misnamed = directory.appendingPathComponent("really-a-png.jpg")
        try ImageFixtures.bytes("png_rgb_8.png").write(to: misnamed)
        let image = try ImageDecoder().decode(fileAt: misnamed.path)
        #expect(image == (try ImageDecoder().decode(fileAt: ImageFixtures.path("png_rgb_8.png"))))
    }

    @Test("the pixel limit is configurable and checked against the header")
    func pixelLimit() throws {
        for name in ["jpeg_baseline_420.jpg", "png_rgb_8.png"] {
            let image = try ImageDecoder().decode(fileAt: ImageFixtures.path(name))
            let pixels = image.width * image.height
            #expect(try ImageDecoder(pixelLimit: pixels).decode(fileAt: ImageFixtures.path(name)) == image)
            #expect(throws: CaptionError.imageTooLarge(
                path: ImageFixtures.path(name), width: image.width, height: image.height, limit: pixels - 1)) {
                try ImageDecoder(pixelLimit: pixels - 1).decode(fileAt: ImageFixtures.path(name))
            }
        }
    }
}
