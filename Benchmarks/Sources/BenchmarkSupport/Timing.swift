// Timing and reporting helpers shared by the benchmark executables: wall and CPU clocks,
// median and range over repeated runs, one JSON object per measured line.
import Foundation

/// Milliseconds of CPU time used by the whole process so far (all threads): unlike wall
/// time, it hardly changes when other programs load the machine.
public func processCPUMilliseconds() -> Double {
    var time = timespec()
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &time)
    return Double(time.tv_sec) * 1000 + Double(time.tv_nsec) / 1e6
}

/// Milliseconds elapsed while `body` ran (monotonic clock).
public func wallMilliseconds(_ body: () throws -> Void) rethrows -> Double {
    let start = ContinuousClock.now
    try body()
    let elapsed = ContinuousClock.now - start
    return Double(elapsed.components.seconds) * 1000 + Double(elapsed.components.attoseconds) / 1e15
}

/// The median of some numbers (0 for none).
public func median(_ values: [Double]) -> Double {
    guard !values.isEmpty else { return 0 }
    let sorted = values.sorted()
    let middle = sorted.count / 2
    return sorted.count % 2 == 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2
}

/// Wall and CPU times of repeated runs of one piece of work.
public struct Measurement {
    /// Wall-clock milliseconds of each run.
    public var wall: [Double] = []
    /// Process CPU milliseconds of each run (all threads).
    public var cpu: [Double] = []

    /// The median, minimum and maximum wall time and the median CPU time, in milliseconds,
    /// each divided by `per` (for example the number of decoder steps).
    public func fields(per divisor: Double = 1) -> [(String, Double)] {
        [("median_ms", median(wall) / divisor), ("min_ms", (wall.min() ?? 0) / divisor),
         ("max_ms", (wall.max() ?? 0) / divisor), ("cpu_median_ms", median(cpu) / divisor)]
    }

    /// Every run's wall and CPU time (`wall_ms`, `cpu_ms`), divided by `per`.
    public func samples(per divisor: Double = 1) -> [(String, [Double])] {
        [("wall_ms", wall.map { $0 / divisor }), ("cpu_ms", cpu.map { $0 / divisor })]
    }
}

/// Runs `body` once to warm up (unless `warmUp` is false), then `runs` times, recording wall
/// and CPU time.
public func measure(runs: Int, warmUp: Bool = true, _ body: () throws -> Void) rethrows -> Measurement {
    if warmUp {
        try body()
    }
    var result = Measurement()
    for _ in 0..<runs {
        let cpuStart = processCPUMilliseconds()
        result.wall.append(try wallMilliseconds(body))
        result.cpu.append(processCPUMilliseconds() - cpuStart)
    }
    return result
}

/// Prints one JSON object on a line: `{"step": step, field: value, ...}`; numbers get two
/// decimals, lists of numbers likewise, strings are quoted.
public func report(_ step: String, _ fields: [(String, Double)], samples: [(String, [Double])] = [],
                   extra: [(String, String)] = []) {
    func number(_ value: Double) -> String { String(format: "%.2f", value) }
    let numbers = fields.map { "\"\($0.0)\": \(number($0.1))" }
    let lists = samples.map { "\"\($0.0)\": [\($0.1.map(number).joined(separator: ", "))]" }
    let texts = extra.map { "\"\($0.0)\": \(jsonString($0.1))" }
    print("{\"step\": \(jsonString(step)), \((numbers + lists + texts).joined(separator: ", "))}")
}

/// `text` as a JSON string literal.
public func jsonString(_ text: String) -> String {
    let data = (try? JSONSerialization.data(withJSONObject: [text], options: [.withoutEscapingSlashes])) ?? Data("[\"\"]".utf8)
    let array = String(decoding: data, as: UTF8.self)
    return String(array.dropFirst().dropLast())
}

/// Writes a line to standard error.
public func note(_ text: String) {
    FileHandle.standardError.write(Data((text + "\n").utf8))
}
