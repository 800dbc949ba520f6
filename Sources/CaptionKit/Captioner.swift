import Foundation

/// The public entry point: load a model bundle once, then caption any number of images,
/// from any number of threads.
///
/// ```swift
/// let captioner = try Captioner(modelAt: URL(fileURLWithPath: "weights/default"))
/// let caption = try captioner.caption(imageAt: "photo.jpg")
/// print(caption.text)
/// ```
public final class Captioner: Sendable {
    /// The loaded model.
    public let bundle: ModelBundle
    /// Decodes image files (with its pixel limit).
    public let imageDecoder: ImageDecoder
    /// Resizes and normalises images for the encoder.
    public let preprocessor: ImagePreprocessor

    /// Loads the bundle at `url` (a directory or `.npz`). Images whose header declares more
    /// than `pixelLimit` pixels are refused before decoding.
    public init(modelAt url: URL, pixelLimit: Int = ImageDecoder.defaultPixelLimit) throws {
        bundle = try ModelBundle(contentsOf: url)
        imageDecoder = ImageDecoder(pixelLimit: pixelLimit)
        let encoder = bundle.configuration.encoder
        do {
            preprocessor = try ImagePreprocessor(inputSize: encoder.inputSize, mean: encoder.mean, std: encoder.std)
        } catch let CaptionError.invalidOptions(reason) {
            throw CaptionError.invalidConfiguration(path: bundle.location, field: "encoder", reason: reason)
        }
    }

    /// The caption of the image file at `path`.
    public func caption(imageAt path: String, options: DecodingOptions = DecodingOptions()) throws -> Caption {
        try caption(imageDecoder.decode(fileAt: path), options: options)
    }

    /// The caption of a decoded image.
    public func caption(_ image: RGBImage, options: DecodingOptions = DecodingOptions()) throws -> Caption {
        try options.validate()
        return describe(encode([image])[0], options: options)
    }

    /// Captions of several decoded images, in input order. Each image is one job of
    /// `ComputeThreads.forEachJob`: with N threads, N images are captioned side by side, each
    /// on its own core (preprocess, encoder, search), which keeps every core busy where
    /// splitting the decoder's small per-step kernels would not.
    public func captions(_ images: [RGBImage], options: DecodingOptions = DecodingOptions()) throws -> [Caption] {
        try options.validate()
        var results = [Caption?](repeating: nil, count: images.count)
        results.withUnsafeMutableBufferPointer { results in
            ComputeThreads.forEachJob(images.count) { index in
                results[index] = describe(encode([images[index]])[0], options: options)
            }
        }
        return results.compactMap { $0 }
    }

    /// Runs the encoder over a batch of images (resized and normalised first).
    public func encode(_ images: [RGBImage]) -> [EncodedImage] {
        guard !images.isEmpty else { return [] }
        let size = bundle.configuration.encoder.inputSize
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
        let annotations = bundle.encoder(batch)  // N x P x C
        let (count, positions, channels) = (annotations.shape[0], annotations.shape[1], annotations.shape[2])
        let grid = bundle.encoder.gridSize
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

    /// Searches the caption of an encoded image.
    /// - Precondition: `options` are valid (`DecodingOptions.validate()`).
    public func describe(_ image: EncodedImage, options: DecodingOptions) -> Caption {
        let vocabulary = bundle.vocabulary
        let search = BeamSearch(options: options, startIndex: vocabulary.startIndex,
                                endIndex: vocabulary.endIndex, unknownIndex: vocabulary.unknownIndex)
        var session = bundle.decoder.session(annotations: image.annotations, beamCapacity: options.beamSize)
        let ranked = search.search(&session).map { hypothesis in
            caption(from: hypothesis, grid: image)
        }
        var best = ranked[0]
        best.alternatives = Array(ranked.dropFirst())
        return best
    }

    private func caption(from hypothesis: BeamSearch.Hypothesis, grid: EncodedImage) -> Caption {
        let words = hypothesis.finished ? Array(hypothesis.tokens.dropLast()) : hypothesis.tokens
        return Caption(
            tokens: words.map { bundle.vocabulary.words[$0] },
            tokenIndices: words,
            score: hypothesis.score,
            finished: hypothesis.finished,
            attention: Array(hypothesis.attention.prefix(words.count)),
            gridHeight: grid.gridHeight,
            gridWidth: grid.gridWidth)
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
