// Captions one image through the public Captioner API and prints the result as one JSON
// object; what `caption --model DIR --json IMAGE` does, for measuring the whole process
// (start, load the bundle, decode, encode, search, print, exit) and for tools/check_parity.py.
//
// Usage: CaptionProbe --model DIR IMAGE [--beam K] [--max-length L] [--threads T] [--encoder-output OUT.npy]
// Prints {"image": ..., "caption": ..., "tokens": [...], "token_ids": [...], "score": ...,
// "finished": ...}; with --encoder-output, also writes the annotation vectors [P, C] as .npy.
// Writes the milliseconds each phase took (load, decode, encode, search) to standard error.
import BenchmarkSupport
import CaptionKit
import Foundation

let usage = "usage: CaptionProbe --model DIR IMAGE [--beam K] [--max-length L] [--threads T] [--encoder-output OUT.npy]"
var phases: [String] = []

/// Runs `body`, noting how long it took under `name`.
@MainActor func phase<Result>(_ name: String, _ body: () throws -> Result) rethrows -> Result {
    var result: Result?
    let milliseconds = try wallMilliseconds { result = try body() }
    phases.append("\(name) \(String(format: "%.1f", milliseconds)) ms")
    guard let result else { preconditionFailure("phase \(name) returned nothing") }
    return result
}

do {
    let arguments = try Arguments(Array(CommandLine.arguments.dropFirst()),
                                  known: ["model", "beam", "max-length", "threads", "encoder-output"], usage: usage)
    if arguments.text("threads") != nil {
        ComputeThreads.count = try arguments.number("threads", default: 1)
    }
    let path = try arguments.positional(0, "IMAGE")
    let options = DecodingOptions(beamSize: try arguments.number("beam", default: 3),
                                  maxLength: try arguments.number("max-length", default: 50))
    try options.validate()
    let model = URL(fileURLWithPath: try arguments.required("model"))
    let captioner = try phase("load") { try Captioner(modelAt: model) }
    let image = try phase("decode") { try captioner.imageDecoder.decode(fileAt: path) }
    let encoded = phase("encode") { captioner.encode([image])[0] }
    if let output = arguments.text("encoder-output") {
        try NPYWriter.write(encoded.annotations, to: URL(fileURLWithPath: output))
    }
    let caption = phase("search") { captioner.describe(encoded, options: options) }
    let object: [String: Any] = [
        "image": path, "caption": caption.text, "tokens": caption.tokens, "token_ids": caption.tokenIndices,
        "score": Double(caption.score), "finished": caption.finished,
    ]
    let data = try JSONSerialization.data(withJSONObject: object, options: [.sortedKeys, .withoutEscapingSlashes])
    print(String(decoding: data, as: UTF8.self))
    note("CaptionProbe: " + phases.joined(separator: ", "))
} catch {
    note("CaptionProbe: \(error)")
    exit(1)
}
