// Times CaptionKit's image input path on one file: decode (read + JPEG/PNG decode + EXIF
// orientation) plus resize to S x S with Pillow's bilinear semantics, each run from the file.
//
// Usage: ImageBenchmark IMAGE [--size S] [--runs N] [--threads T]
// Prints one JSON object per measured step: {"step": ..., "median_ms": ..., "min_ms": ...,
// "max_ms": ..., "runs": N}. Benchmarks/run compares the "decode+resize" line with Pillow.
import CaptionKit
import Foundation

struct Options {
    var path = ""
    var size = 224
    var runs = 15
    var threads: Int?

    init(arguments: [String]) throws {
        var remaining = arguments.makeIterator()
        while let argument = remaining.next() {
            switch argument {
            case "--size": size = try Options.number(remaining.next(), argument)
            case "--runs": runs = try Options.number(remaining.next(), argument)
            case "--threads": threads = try Options.number(remaining.next(), argument)
            default: path = argument
            }
        }
        guard !path.isEmpty, size > 0, runs > 0 else { throw UsageError() }
    }

    static func number(_ text: String?, _ option: String) throws -> Int {
        guard let text, let value = Int(text) else { throw UsageError() }
        return value
    }
}

struct UsageError: Error, CustomStringConvertible {
    var description: String { "usage: ImageBenchmark IMAGE [--size S] [--runs N] [--threads T]" }
}

/// Milliseconds of CPU time used by the whole process so far (all threads): unlike wall
/// time, it hardly changes when other programs load the machine.
func processCPUMilliseconds() -> Double {
    var time = timespec()
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &time)
    return Double(time.tv_sec) * 1000 + Double(time.tv_nsec) / 1e6
}

/// The median of some numbers.
func median(_ values: [Double]) -> Double {
    let sorted = values.sorted()
    return sorted.count % 2 == 1 ? sorted[sorted.count / 2] : (sorted[sorted.count / 2 - 1] + sorted[sorted.count / 2]) / 2
}

/// Runs `body` once to warm up, then `runs` times; prints the wall-time median and range and
/// the median CPU time.
func measure(_ step: String, runs: Int, _ body: () throws -> Void) rethrows {
    try body()
    var times: [Double] = []
    var cpuTimes: [Double] = []
    for _ in 0..<runs {
        let start = ContinuousClock.now
        let cpuStart = processCPUMilliseconds()
        try body()
        cpuTimes.append(processCPUMilliseconds() - cpuStart)
        let elapsed = ContinuousClock.now - start
        times.append(Double(elapsed.components.seconds) * 1000 + Double(elapsed.components.attoseconds) / 1e15)
    }
    let fields = [("median_ms", median(times)), ("min_ms", times.min() ?? 0), ("max_ms", times.max() ?? 0),
                  ("cpu_median_ms", median(cpuTimes))]
        .map { "\"\($0.0)\": \(String(format: "%.2f", $0.1))" }.joined(separator: ", ")
    print("{\"step\": \"\(step)\", \(fields), \"runs\": \(runs)}")
}

do {
    let options = try Options(arguments: Array(CommandLine.arguments.dropFirst()))
    if let threads = options.threads {
        ComputeThreads.count = threads
    }
    let decoder = ImageDecoder()
    var checksum = 0
    let image = try decoder.decode(fileAt: options.path)
    FileHandle.standardError.write("image \(image.width) x \(image.height), \(ComputeThreads.count) threads\n".data(using: .utf8)!)
    try measure("decode", runs: options.runs) {
        checksum &+= Int(try decoder.decode(fileAt: options.path).pixels[0])
    }
    measure("resize", runs: options.runs) {
        checksum &+= Int(image.resized(width: options.size, height: options.size).pixels[0])
    }
    try measure("decode+resize", runs: options.runs) {
        let resized = try decoder.decode(fileAt: options.path).resized(width: options.size, height: options.size)
        checksum &+= Int(resized.pixels[0])
    }
    FileHandle.standardError.write("checksum \(checksum)\n".data(using: .utf8)!)
} catch {
    FileHandle.standardError.write("ImageBenchmark: \(error)\n".data(using: .utf8)!)
    exit(1)
}
