import CaptionKit
import Foundation

/// Milliseconds spent on one image, by stage (`--timings`).
struct ImageTimings: Sendable, Equatable {
    /// Reading the file's bytes.
    var load: Double = 0
    /// Decoding JPEG/PNG to RGB.
    var decode: Double = 0
    /// Resize, normalisation and the encoder.
    var encode: Double = 0
    /// Beam search.
    var search: Double = 0
    /// Everything for this image, the attention picture included.
    var total: Double = 0
}

/// What became of one input.
enum ImageOutcome: Sendable {
    /// Captioned; `attentionFailure` is set when the attention picture could not be written.
    case captioned(path: String, caption: Caption, timings: ImageTimings, attentionFailure: String?)
    /// Failed; `message` is one line naming the path and the reason.
    case failed(message: String)
}

/// One input and where its attention picture goes (decided in input order, so that names
/// that collide are numbered the same way on every run).
struct ImageRequest: Sendable {
    /// The input.
    let item: InputItem
    /// The attention picture's path, when one is wanted.
    let attentionPath: String?
}

/// Captions one image file with a loaded model, timing each stage, and writes its attention
/// picture when asked.
struct ImageJob: Sendable {
    /// The loaded model.
    let captioner: Captioner
    /// Search options (already validated).
    let options: DecodingOptions

    /// The outcome for one request.
    func run(_ request: ImageRequest) -> ImageOutcome {
        switch request.item {
        case let .failure(message):
            return .failed(message: message)
        case let .image(path):
            do {
                return try caption(path, attentionPath: request.attentionPath)
            } catch {
                return .failed(message: String(describing: error))
            }
        }
    }

    private func caption(_ path: String, attentionPath: String?) throws -> ImageOutcome {
        var timings = ImageTimings()
        let clock = ContinuousClock()
        let start = clock.now
        var lap = start
        func elapsed() -> Double {
            let now = clock.now
            defer { lap = now }
            return ImageJob.milliseconds(now - lap)
        }
        let bytes = try ImageDecoder.readFile(at: path)
        timings.load = elapsed()
        let image = try captioner.imageDecoder.decode(fileContents: bytes, name: path)
        timings.decode = elapsed()
        let encoded = captioner.encode([image])[0]
        timings.encode = elapsed()
        let caption = captioner.describe(encoded, options: options)
        timings.search = elapsed()
        var attentionFailure: String?
        if let destination = attentionPath {
            do {
                try AttentionOverlay().write(image, caption: caption, to: destination)
            } catch {
                attentionFailure = String(describing: error)
            }
        }
        timings.total = ImageJob.milliseconds(clock.now - start)
        return .captioned(path: path, caption: caption, timings: timings, attentionFailure: attentionFailure)
    }

    /// A duration in milliseconds.
    static func milliseconds(_ duration: Duration) -> Double {
        let (seconds, attoseconds) = duration.components
        return Double(seconds) * 1000 + Double(attoseconds) / 1e15
    }
}
