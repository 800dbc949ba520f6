// Times CaptionKit's image input path on one file: decode (read + JPEG/PNG decode + EXIF
// orientation) plus resize to S x S with Pillow's bilinear semantics, each run from the file.
//
// Usage: ImageBenchmark IMAGE [--size S] [--runs N] [--threads T]
// Prints one JSON object per measured step: {"step": ..., "median_ms": ..., "min_ms": ...,
// "max_ms": ..., "cpu_median_ms": ..., "runs": N, "wall_ms": [every run], "cpu_ms": [every
// run]}. Benchmarks/run compares the "decode+resize" line with Pillow.
import BenchmarkSupport
import CaptionKit
import Foundation

let usage = "usage: ImageBenchmark IMAGE [--size S] [--runs N] [--threads T]"

do {
    let arguments = try Arguments(Array(CommandLine.arguments.dropFirst()), known: ["size", "runs", "threads"], usage: usage)
    let path = try arguments.positional(0, "IMAGE")
    let size = try arguments.number("size", default: 224)
    let runs = try arguments.number("runs", default: 15)
    if arguments.text("threads") != nil {
        ComputeThreads.count = try arguments.number("threads", default: 1)
    }
    let decoder = ImageDecoder()
    var checksum = 0
    let image = try decoder.decode(fileAt: path)
    note("image \(image.width) x \(image.height), \(ComputeThreads.count) threads")
    let steps: [(String, () throws -> Void)] = [
        ("decode", { checksum &+= Int(try decoder.decode(fileAt: path).pixels[0]) }),
        ("resize", { checksum &+= Int(image.resized(width: size, height: size).pixels[0]) }),
        ("decode+resize", {
            checksum &+= Int(try decoder.decode(fileAt: path).resized(width: size, height: size).pixels[0])
        }),
    ]
    for (step, body) in steps {
        let timing = try measure(runs: runs, body)
        report(step, timing.fields() + [("runs", Double(runs))], samples: timing.samples())
    }
    note("checksum \(checksum)")
} catch {
    note("ImageBenchmark: \(error)")
    exit(1)
}
