import Foundation

/// The public entry point: load a model bundle once, then caption any number of images,
/// from any number of threads.
///
/// ```swift
/// import CaptionKit
/// import Foundation
///
/// func describe(photo: String) throws -> String {
///     let captioner = try Captioner(modelAt: Captioner.defaultModelURL())
///     return try captioner.caption(imageAt: photo).text
/// }
/// ```
///
/// Every call that takes caller input throws `CaptionError` (never traps); the `async`
/// variants run on a thread of their own and stop with `CancellationError` when their task
/// is cancelled.
public final class Captioner: Sendable {
    /// The loaded model.
    public let bundle: ModelBundle
    /// Decodes image files (with its pixel limit).
    public let imageDecoder: ImageDecoder
    /// Preprocessing and the convolutional encoder.
    public let imageEncoder: ImageEncoder
    /// Resizes and normalises images for the encoder.
    public var preprocessor: ImagePreprocessor { imageEncoder.preprocessor }
    /// The precision the encoder runs in.
    public var encoderPrecision: EncoderPrecision { bundle.encoder.precision }

    /// Loads the bundle at `url` (a directory or `.npz`). Images whose header declares more
    /// than `pixelLimit` pixels are refused before decoding. The encoder runs in `precision`,
    /// or in `fp32` where this CPU lacks its instructions (`encoderPrecision` says which;
    /// `EncoderPrecision.fallback` gives the warning to show).
    public init(modelAt url: URL, pixelLimit: Int = ImageDecoder.defaultPixelLimit,
                precision: EncoderPrecision = .fp32) throws {
        bundle = try ModelBundle(contentsOf: url, precision: precision)
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

    /// The caption of a decoded image, stopping with `CancellationError` when `cancellation`
    /// is set (checked before encoding and before every decoder step).
    /// - Precondition: `options` are valid.
    func caption(_ image: RGBImage, options: DecodingOptions, cancellation: CancellationFlag) throws -> Caption {
        try cancellation.check()
        let encoded = encode([image])[0]
        try cancellation.check()
        guard let caption = describe(encoded, options: options, stoppingWhen: { cancellation.isCancelled }) else {
            throw CancellationError()
        }
        return caption
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
        // Never nil: the search is only stopped when asked to.
        describe(image, options: options, stoppingWhen: { false })
            ?? Caption(tokens: [], tokenIndices: [], score: 0, finished: false, attention: [],
                       gridHeight: image.gridHeight, gridWidth: image.gridWidth)
    }

    /// `describe(_:options:)` that asks `isCancelled` before every decoder step; nil when it
    /// answered true.
    func describe(_ image: EncodedImage, options: DecodingOptions, stoppingWhen isCancelled: () -> Bool) -> Caption? {
        let vocabulary = bundle.vocabulary
        let search = BeamSearch(options: options, startIndex: vocabulary.startIndex,
                                endIndex: vocabulary.endIndex, unknownIndex: vocabulary.unknownIndex)
        var session = bundle.decoder.session(annotations: image.annotations, beamCapacity: options.beamSize)
        guard let hypotheses = search.search(&session, stoppingWhen: isCancelled), !hypotheses.isEmpty else {
            return nil
        }
        let ranked = hypotheses.map { caption(from: $0, grid: image) }
        var best = ranked[0]
        best.alternatives = Array(ranked.dropFirst())
        return best
    }

    /// The caption of one hypothesis. `<start>`, `<end>` and `<pad>` are left out of the
    /// words (with their attention rows), as PyTorch captioning code leaves them out of what
    /// it prints; the score still counts every emitted word.
    private func caption(from hypothesis: BeamSearch.Hypothesis, grid: EncodedImage) -> Caption {
        let vocabulary = bundle.vocabulary
        let hidden: Set<Int> = [vocabulary.startIndex, vocabulary.endIndex, vocabulary.padIndex]
        let kept = zip(hypothesis.tokens, hypothesis.attention).filter { !hidden.contains($0.0) }
        return Caption(
            tokens: kept.map { vocabulary.words[$0.0] },
            tokenIndices: kept.map(\.0),
            score: hypothesis.score,
            finished: hypothesis.finished,
            attention: kept.map(\.1),
            gridHeight: grid.gridHeight,
            gridWidth: grid.gridWidth)
    }
}
