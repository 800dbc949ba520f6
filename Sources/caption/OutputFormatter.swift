import CaptionEval
import CaptionKit
import Foundation

/// The text the command prints for a caption.
///
/// Plain: the caption alone when the command names a single image, `image<TAB>caption`
/// otherwise; a caption cut off at `--max-length` (not finished with `<end>`) ends in `…`.
/// With `--n-best N` (N > 1) that line is followed by one line per caption found, best
/// first: `  #K SCORE<TAB>caption` (two spaces, rank, score with 4 decimals, tab).
///
/// JSON Lines (`--json`): one object per image, keys in this order:
/// `{"image": PATH, "caption": "...", "tokens": [...], "score": -1.23}`, then
/// `"finished": false` for a caption cut off at `--max-length`, then with `--n-best` N > 1
/// `"n_best": [{"caption": ..., "tokens": [...], "score": ...}, ...]`: all N captions, best
/// first (the first is the top-level caption again), the same N as the plain output lists.
/// Scores are the raw beam scores, written as the shortest decimal that reads back as the
/// same float32.
struct OutputFormatter: Sendable {
    /// What ends the text of a caption cut off at `--max-length`.
    static let unfinishedMark = "…"

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
        let words = OutputFormatter.plainText(of: caption)
        var text = showsImagePath ? "\(imagePath)\t\(words)\n" : "\(words)\n"
        if showsAlternatives {
            for (rank, entry) in ([caption] + caption.alternatives).enumerated() {
                text += "  #\(rank + 1) \(String(format: "%.4f", entry.score))\t\(OutputFormatter.plainText(of: entry))\n"
            }
        }
        return text
    }

    /// The caption's words, with `…` after a caption that did not finish.
    static func plainText(of caption: Caption) -> String {
        caption.finished ? caption.text : caption.text + unfinishedMark
    }

    private func jsonLine(for caption: Caption, imagePath: String) -> String {
        var fields = ["\"image\": \(OutputFormatter.jsonString(imagePath))", OutputFormatter.jsonFields(of: caption)]
        if showsAlternatives {
            let ranked = ([caption] + caption.alternatives).map { "{\(OutputFormatter.jsonFields(of: $0))}" }
            fields.append("\"n_best\": [\(ranked.joined(separator: ", "))]")
        }
        return "{\(fields.joined(separator: ", "))}\n"
    }

    /// `"caption": ..., "tokens": [...], "score": ...` of one caption, and `"finished": false`
    /// when it was cut off.
    private static func jsonFields(of caption: Caption) -> String {
        let tokens = caption.tokens.map(jsonString).joined(separator: ", ")
        let fields = "\"caption\": \(jsonString(caption.text)), \"tokens\": [\(tokens)], \"score\": \(jsonNumber(caption.score))"
        return caption.finished ? fields : fields + ", \"finished\": false"
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
