import CaptionKit
import Foundation

/// The JSON object `POST /v1/captions` answers: the object `caption --json` prints for the
/// image (rendered by the command's own formatter, passed in as a `CaptionRenderer`), with
/// `attention` (when asked) and `timings_ms` added at its end.
struct CaptionAnswer {
    /// Milliseconds spent in each stage of one request.
    struct Timings {
        /// Reading the upload.
        var upload: Duration
        /// Waiting for a worker.
        var queue: Duration
        /// Decoding the image file.
        var decode: Duration
        /// Encoder and beam search.
        var caption: Duration
        /// From the request to the answer.
        var total: Duration
    }

    /// The caption found.
    var caption: Caption
    /// Whether `attention` is included.
    var includesAttention: Bool
    /// Where the time went.
    var timings: Timings

    /// The object as JSON text, one line.
    func json(imageName: String, showsAlternatives: Bool, renderer: CaptionRenderer) -> String {
        var object = renderer(caption, imageName, showsAlternatives).trimmingCharacters(in: .whitespacesAndNewlines)
        guard object.hasSuffix("}") else { return object }
        object.removeLast()
        var extra: [String] = []
        if includesAttention {
            extra.append("\"attention\": \(attentionJSON)")
        }
        let stages = [("upload", timings.upload), ("queue", timings.queue), ("decode", timings.decode),
                      ("caption", timings.caption), ("total", timings.total)]
        extra.append("\"timings_ms\": {\(stages.map { "\"\($0.0)\": \(JSONText.milliseconds($0.1))" }.joined(separator: ", "))}")
        return object + ", " + extra.joined(separator: ", ") + "}"
    }

    /// `{"grid_height": H, "grid_width": W, "maps": [[...H*W weights...] per word]}`.
    private var attentionJSON: String {
        let maps = caption.attention.map { map in "[" + map.map(JSONText.number).joined(separator: ", ") + "]" }
        return "{\"grid_height\": \(caption.gridHeight), \"grid_width\": \(caption.gridWidth), \"maps\": [\(maps.joined(separator: ", "))]}"
    }
}

/// Writes the `caption --json` object of a caption: (caption, image name, whether to list
/// the alternatives) to one JSON object. `caption serve` passes the command's own formatter
/// so that the service and the command answer the same fields.
public typealias CaptionRenderer = @Sendable (Caption, String, Bool) -> String
