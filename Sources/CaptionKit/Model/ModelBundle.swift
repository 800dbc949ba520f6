import Foundation

/// A loaded model bundle (format "show-attend-tell/1"): its configuration, vocabulary,
/// encoder and decoder, checked against each other. The weights stay memory-mapped.
public struct ModelBundle: Sendable {
    /// The directory or `.npz` file the bundle was read from.
    public let location: String
    /// The parsed `config.json`.
    public let configuration: ModelConfiguration
    /// The word map.
    public let vocabulary: Vocabulary
    /// The convolutional encoder.
    public let encoder: VGGEncoder
    /// The attention LSTM decoder.
    public let decoder: AttentionDecoder

    /// Reads a bundle directory or `.npz` archive. Every tensor the configuration implies
    /// must be present with its shape and no other tensor may be; the vocabulary must match
    /// the decoder's output size. The encoder runs in `precision` (`fp32` where this CPU
    /// lacks its instructions); `int8` reads the bundle's `int8-calibration.json`. Each
    /// failure is a `CaptionError` naming the file or key.
    public init(contentsOf url: URL, precision: EncoderPrecision = .fp32) throws {
        let store = try WeightStore(contentsOf: url)
        location = store.location
        configuration = try ModelConfiguration(
            json: Data(try store.contents(ofFile: "config.json")),
            path: Self.memberPath("config.json", of: store))
        let vocabularyPath = Self.memberPath(configuration.vocabularyFile, of: store)
        vocabulary = try Vocabulary(json: Data(try store.contents(ofFile: configuration.vocabularyFile)), path: vocabularyPath)
        if let output = try store.array("decoder.fc.weight"), output.shape.first != vocabulary.count {
            throw CaptionError.invalidVocabulary(
                path: vocabularyPath,
                reason: "has \(vocabulary.count) words but decoder.fc.weight \(output.shape) scores \(output.shape.first ?? 0)")
        }

        let manifest = TensorManifest(configuration: configuration, vocabularySize: vocabulary.count)
        var used: Set<String> = []
        let tensor = { (key: String, shape: [Int]) throws -> Tensor in
            used.insert(key)
            return try store.tensor(key, shape: shape)
        }
        encoder = try VGGEncoder(configuration: configuration.encoder, manifest: manifest, precision: precision,
                                 store: store, tensor: tensor)
        decoder = try AttentionDecoder(configuration: configuration.decoder, vocabularySize: vocabulary.count, tensor: tensor)
        try store.verifyAllUsed(used, ignoring: manifest.ignoredKeys.contains)
    }

    /// How errors name a file of the bundle: a path in a directory, `archive.npz [name]` in an archive.
    static func memberPath(_ name: String, of store: WeightStore) -> String {
        var isDirectory: ObjCBool = false
        if FileManager.default.fileExists(atPath: store.location, isDirectory: &isDirectory), isDirectory.boolValue {
            return URL(fileURLWithPath: store.location).appendingPathComponent(name).path
        }
        return "\(store.location) [\(name)]"
    }
}
