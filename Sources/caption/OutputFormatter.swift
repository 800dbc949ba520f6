import CaptionEval
import CaptionKit
import Foundation

/// The text the command prints for a caption (DESIGN.md, "The `caption` command").
///
/// Plain: the caption alone when the command names a single image, `image<TAB>caption`
/// otherwise. With `--n-best N` (N > 1) that line is followed by one line per caption found,
/// best first: `  #K SCORE<TAB>caption` (two spaces, rank, score with 4 decimals, tab).
///
/// JSON Lines (`--json`): one object per image, keys in this order:
/// `{"image": PATH, "caption": "...", "tokens": [...], "score": -1.23}`, plus
/// `"alternatives": [{"caption": ..., "tokens": [...], "score": ...}, ...]` (the other
/// captions, best first) with `--n-best` N > 1. Scores are the raw beam scores, written as
/// the shortest decimal that reads back as the same float32.
struct OutputFormatter: Sendable {
    /// Whether to print JSON Lines.
    let json: Bool
    /// Whether plain lines start with the image path.
    let showsImagePath: Bool
    /// Whether to print the n-best list.
    let showsAlternatives: Bool

    /// The lines (each ending in a newline) for one captioned image.
    func text(for caption: Caption, imagePath: String) -> String {
        json ? jsonLine(for: caption, imagePath: imagePath) : plainLines(for: caption, imagePath: imagePath)
    }

    private func plainLines(for caption: Caption, imagePath: String) -> String {
        var text = showsImagePath ? "\(imagePath)\t\(caption.text)\n" : "\(caption.text)\n"
        if showsAlternatives {
            for (rank, entry) in ([caption] + caption.alternatives).enumerated() {
                text += "  #\(rank + 1) \(String(format: "%.4f", entry.score))\t\(entry.text)\n"
            }
        }
        return text
    }

    private func jsonLine(for caption: Caption, imagePath: String) -> String {
        var fields = ["\"image\": \(OutputFormatter.jsonString(imagePath))", OutputFormatter.jsonFields(of: caption)]
        if showsAlternatives {
            let alternatives = caption.alternatives.map { "{\(OutputFormatter.jsonFields(of: $0))}" }
            fields.append("\"alternatives\": [\(alternatives.joined(separator: ", "))]")
        }
        return "{\(fields.joined(separator: ", "))}\n"
    }

    /// `"caption": ..., "tokens": [...], "score": ...` of one caption.
    private static func jsonFields(of caption: Caption) -> String {
        let tokens = caption.tokens.map(jsonString).joined(separator: ", ")
        return "\"caption\": \(jsonString(caption.text)), \"tokens\": [\(tokens)], \"score\": \(jsonNumber(caption.score))"
    }

    /// A JSON number: the shortest round-trip decimal of `value`; `null` if not finite.
    static func jsonNumber(_ value: Float) -> String {
        value.isFinite ? "\(value)" : "null"
    }

    /// A JSON string literal (CaptionEval's JSON writer does the escaping).
    static func jsonString(_ text: String) -> String {
        JSONWriter.quoted(text)
    }

    /// The `--timings` line of one image.
    static func timingsLine(imagePath: String, timings: ImageTimings) -> String {
        let stages = [("load", timings.load), ("decode", timings.decode), ("encode", timings.encode),
                      ("search", timings.search), ("total", timings.total)]
        let fields = stages.map { "\($0.0)_ms=\(String(format: "%.2f", $0.1))" }
        return "timings image=\(imagePath) \(fields.joined(separator: " "))"
    }

    /// The `--timings` line of the one-off model load.
    static func modelLoadLine(milliseconds: Double) -> String {
        "timings model_load_ms=\(String(format: "%.2f", milliseconds))"
    }
}
