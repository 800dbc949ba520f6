import Foundation

/// A file of the PyTorch reference's captions (tools/make_bundled_fixtures.py,
/// tools/make_photo_fixtures.py): the search settings and one entry per image.
struct ReferenceCaptionFile: Decodable {
    /// One image's reference caption.
    struct Entry: Decodable {
        let image: String
        /// Where the image lives ("fixtures" or "flickr8k"); absent in the scene file.
        let source: String?
        let tokens: [String]
        let score: Float
        let finished: Bool
    }

    let beamSize: Int
    let maxLength: Int
    let captions: [Entry]

    /// Reads the file at `url` (snake_case keys).
    static func read(_ url: URL) throws -> ReferenceCaptionFile {
        let decoder = JSONDecoder()
        decoder.keyDecodingStrategy = .convertFromSnakeCase
        return try decoder.decode(ReferenceCaptionFile.self, from: Data(contentsOf: url))
    }
}
