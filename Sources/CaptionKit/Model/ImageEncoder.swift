import Foundation

/// The image half of a model: preprocessing (resize, normalise) and the convolutional
/// encoder, from decoded images to annotation grids. `Captioner` holds one; on its own it
/// loads from a bundle that need not have a decoder yet (`caption-eval features` computes
/// training features with it before the decoder exists).
public struct ImageEncoder: Sendable {
    /// The convolutional encoder.
    public let encoder: VGGEncoder
    /// Resizes and normalises images for the encoder.
    public let preprocessor: ImagePreprocessor

    /// The encoder of an already loaded bundle.
    public init(bundle: ModelBundle) throws {
        encoder = bundle.encoder
        preprocessor = try Self.preprocessor(for: bundle.configuration.encoder, location: bundle.location)
    }

    /// Reads only `config.json` and the `encoder.*` tensors of the bundle at `url` (a
    /// directory or `.npz`), and `int8-calibration.json` for `int8`; the vocabulary and
    /// decoder tensors are not read. The encoder runs in `precision` (`fp32` where this CPU
    /// lacks its instructions).
    public init(encoderOf url: URL, precision: EncoderPrecision = .fp32) throws {
        let store = try WeightStore(contentsOf: url)
        let configuration = try ModelConfiguration(
            json: Data(try store.contents(ofFile: "config.json")), path: "\(store.location)/config.json")
        let manifest = TensorManifest(configuration: configuration, vocabularySize: 1)
        encoder = try VGGEncoder(configuration: configuration.encoder, manifest: manifest, precision: precision,
                                 store: store) { key, shape in
            try store.tensor(key, shape: shape)
        }
        preprocessor = try Self.preprocessor(for: configuration.encoder, location: store.location)
    }

    private static func preprocessor(for configuration: ModelConfiguration.Encoder, location: String) throws -> ImagePreprocessor {
        do {
            return try ImagePreprocessor(inputSize: configuration.inputSize, mean: configuration.mean, std: configuration.std)
        } catch let CaptionError.invalidOptions(reason) {
            throw CaptionError.invalidConfiguration(path: location, field: "encoder", reason: reason)
        }
    }

    /// Runs the encoder over a batch of images (resized and normalised first).
    public func encode(_ images: [RGBImage]) -> [EncodedImage] {
        guard !images.isEmpty else { return [] }
        let size = preprocessor.inputSize
        let planeCount = 3 * size * size
        let batch = Tensor(shape: [images.count, 3, size, size]) { batch in
            for (index, image) in images.enumerated() {
                preprocessor.tensor(for: image).withUnsafeBufferPointer { input in
                    for offset in 0..<planeCount { batch[index * planeCount + offset] = input[offset] }
                }
            }
        }
        return encode(normalizedBatch: batch)
    }

    /// Runs the encoder over images that are already resized and normalised:
    /// `[N, 3, S, S]` with S = the configuration's `input_size`.
    public func encode(normalizedBatch batch: Tensor) -> [EncodedImage] {
        let annotations = encoder(batch)  // N x P x C
        let (count, positions, channels) = (annotations.shape[0], annotations.shape[1], annotations.shape[2])
        let grid = encoder.gridSize
        return (0..<count).map { index in
            let image = Tensor(shape: [positions, channels]) { output in
                annotations.withUnsafeBufferPointer { input in
                    let start = index * positions * channels
                    for offset in 0..<(positions * channels) { output[offset] = input[start + offset] }
                }
            }
            return EncodedImage(annotations: image, gridHeight: grid.height, gridWidth: grid.width)
        }
    }
}

/// An image after the encoder: its annotation vectors and the grid they cover.
public struct EncodedImage: Sendable {
    /// `[P, C]` annotation vectors, P = `gridHeight * gridWidth` in row-major grid order.
    public let annotations: Tensor
    /// Rows of the feature grid.
    public let gridHeight: Int
    /// Columns of the feature grid.
    public let gridWidth: Int
}
