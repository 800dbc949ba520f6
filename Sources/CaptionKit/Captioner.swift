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
    /// Preprocessing and the convolutional encoder.
    public let imageEncoder: ImageEncoder
    /// Resizes and normalises images for the encoder.
    public var preprocessor: ImagePreprocessor { imageEncoder.preprocessor }

    /// Loads the bundle at `url` (a directory or `.npz`). Images whose header declares more
    /// than `pixelLimit` pixels are refused before decoding.
    public init(modelAt url: URL, pixelLimit: Int = ImageDecoder.defaultPixelLimit) throws {
        bundle = try ModelBundle(contentsOf: url)
        imageDecoder = ImageDecoder(pixelLimit: pixelLimit)
        imageEncoder = try ImageEncoder(bundle: bundle)
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
        imageEncoder.encode(images)
    }

    /// Runs the encoder over images that are already resized and normalised:
    /// `[N, 3, S, S]` with S = the configuration's `input_size`.
    public func encode(normalizedBatch batch: Tensor) -> [EncodedImage] {
        imageEncoder.encode(normalizedBatch: batch)
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
