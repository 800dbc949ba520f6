import Foundation
@testable import CaptionKit

/// Fixtures/images/manifest.json, written by tools/make_image_fixtures.py.
struct ImageManifest: Decodable, Sendable {
    /// An image and its reference decode (Pillow, raw uint8 height x width x 3).
    struct Decoding: Decodable, Sendable, CustomStringConvertible {
        let file: String
        let kind: String
        let reference: String
        let width: Int
        let height: Int
        let orientation: Int?
        var description: String { file }
    }

    /// A source image and Pillow's `resize((width, height), BILINEAR)` of it.
    struct Resizing: Decodable, Sendable, CustomStringConvertible {
        let source: String
        let sourceWidth: Int
        let sourceHeight: Int
        let width: Int
        let height: Int
        let reference: String
        var description: String { "\(source) -> \(width)x\(height)" }
    }

    /// Pixels and torchvision's ToTensor + Normalize of them (raw float32, 3 x H x W).
    struct Normalizing: Decodable, Sendable, CustomStringConvertible {
        let pixels: String
        let width: Int
        let height: Int
        let reference: String
        let mean: [Float]
        let std: [Float]
        var description: String { reference }
    }

    /// A broken file and the error it must give.
    struct Malformed: Decodable, Sendable, CustomStringConvertible {
        let file: String
        let error: String
        let reason: String?
        let width: Int?
        let height: Int?
        var description: String { file }
    }

    let decode: [Decoding]
    let resize: [Resizing]
    let normalize: [Normalizing]
    let malformed: [Malformed]
}

/// Access to Fixtures/images.
enum ImageFixtures {
    static let directory = Fixtures.url("images")

    /// The manifest, or nil when it cannot be read (a test checks that it can).
    static let manifest: ImageManifest? = {
        guard let data = try? Data(contentsOf: directory.appendingPathComponent("manifest.json")) else { return nil }
        return try? JSONDecoder().decode(ImageManifest.self, from: data)
    }()

    static func path(_ name: String) -> String {
        directory.appendingPathComponent(name).path
    }

    static func bytes(_ name: String) throws -> Data {
        try Data(contentsOf: directory.appendingPathComponent(name))
    }

    /// A raw uint8 RGB reference as an image.
    static func rgb(_ name: String, width: Int, height: Int) throws -> RGBImage {
        try RGBImage(width: width, height: height, pixels: [UInt8](try bytes(name)))
    }

    /// A raw little-endian float32 reference.
    static func floats(_ name: String) throws -> [Float] {
        let data = try bytes(name)
        return stride(from: 0, to: data.count, by: 4).map { offset in
            Float(bitPattern: data[offset..<offset + 4].reversed().reduce(UInt32(0)) { $0 << 8 | UInt32($1) })
        }
    }
}

/// The pixels of two images as floats, for `expectClose` (which reports the worst pixel).
func pixelValues(_ image: RGBImage) -> [Float] {
    image.pixels.map(Float.init)
}

/// A fresh empty directory under the system's temporary directory.
func makeTemporaryDirectory() throws -> URL {
    let url = FileManager.default.temporaryDirectory.appendingPathComponent("captionkit-tests-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    return url
}
