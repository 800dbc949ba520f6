import CaptionKit
import Foundation
import Testing

/// A file that is neither JPEG nor PNG is refused with its format's name when it is a common
/// one, else with its first bytes written as two hexadecimal digits each.
@Suite struct UnsupportedImageFormatTests {
    static func reason(_ bytes: [UInt8]) -> String {
        do {
            _ = try ImageDecoder().decode(Data(bytes), name: "x")
            return "decoded"
        } catch let CaptionError.invalidImage(_, reason) {
            return reason
        } catch {
            return "\(error)"
        }
    }

    @Test(arguments: [
        (Array("GIF89a".utf8) + [1, 0, 1, 0], "GIF"),
        (Array("GIF87a".utf8) + [1, 0, 1, 0], "GIF"),
        (Array("BM".utf8) + [UInt8](repeating: 0, count: 20), "BMP"),
        (Array("RIFF".utf8) + [0, 0, 0, 0] + Array("WEBPVP8 ".utf8), "WebP"),
        ([0, 0, 0, 24] + Array("ftypheic".utf8) + [0, 0, 0, 0], "HEIC"),
        ([0, 0, 0, 24] + Array("ftypmif1".utf8) + [0, 0, 0, 0], "HEIC"),
        ([0x49, 0x49, 0x2A, 0x00, 8, 0, 0, 0], "TIFF"),
    ] as [([UInt8], String)])
    func commonFormatsAreNamed(bytes: [UInt8], format: String) {
        #expect(Self.reason(bytes) == "\(format) images are not supported (only JPEG and PNG)")
    }

    @Test func unknownBytesArePrintedWithTwoDigitsEach() {
        #expect(Self.reason([0x47, 0x49, 0x46, 0x38, 0x01, 0x00, 0x0A, 0xFF, 0x33])
                    == "not a JPEG or PNG file (it starts with bytes 47 49 46 38 01 00 0A FF)")
    }
}
