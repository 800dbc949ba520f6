import Testing

/// Compares two float arrays elementwise: each pair must satisfy
/// |actual - expected| <= absoluteTolerance + relativeTolerance * |expected|.
/// On failure, records one issue with the largest difference, its index, and the first pairs.
func expectClose(
    _ actual: [Float], _ expected: [Float],
    relativeTolerance: Float = 1e-5, absoluteTolerance: Float = 1e-6,
    _ label: String = "",
    sourceLocation: SourceLocation = #_sourceLocation
) {
    guard actual.count == expected.count else {
        Issue.record("\(label) count \(actual.count) != expected \(expected.count)", sourceLocation: sourceLocation)
        return
    }
    var worstIndex = -1
    var worstDifference: Float = 0
    var failures = 0
    for index in actual.indices {
        let difference = abs(actual[index] - expected[index])
        let allowed = absoluteTolerance + relativeTolerance * abs(expected[index])
        if !(difference <= allowed) {
            failures += 1
        }
        if difference > worstDifference || difference.isNaN {
            worstDifference = difference
            worstIndex = index
        }
    }
    guard failures > 0 else { return }
    let pairs = zip(actual, expected).prefix(5).map { "(\($0), \($1))" }.joined(separator: " ")
    Issue.record(
        "\(label) \(failures) of \(actual.count) elements differ; largest difference \(worstDifference) at index \(worstIndex) (actual \(actual[worstIndex]), expected \(expected[worstIndex])); first pairs (actual, expected): \(pairs)",
        sourceLocation: sourceLocation)
}

/// The largest absolute difference between two equally long arrays.
func largestDifference(_ actual: [Float], _ expected: [Float]) -> Float {
    zip(actual, expected).reduce(0) { max($0, abs($1.0 - $1.1)) }
}
