import CKernels
import Foundation
import Testing
@testable import CaptionKit

/// CKernels' vectorised exp, through the log-softmax that uses it, against Double.
@Suite("CKernels: vectorised exp sums")
struct KernelTests {
    @Test("log-softmax of decoder-sized rows matches Double (odd lengths, terms far below the maximum)",
          arguments: [1, 7, 16, 17, 9491])
    func logSoftmaxOfLongRows(columns: Int) {
        // Values from -120 to +30 (spread by a fixed pseudo-random permutation), so that some
        // terms are far below exp(-87) relative to the maximum.
        let count = 2 * columns
        let spread = Float(max(1, count - 1))
        var values: [Float] = (0..<count).map { index in
            let position = Float((index * 7919) % count) / spread
            return position * 150 - 120
        }
        var expected: [Float] = []
        for row in 0..<2 {
            let line: [Double] = values[(row * columns)..<((row + 1) * columns)].map { Double($0) }
            expected += NaiveLayers.logSoftmax(line).map { Float($0) }
        }
        values.withUnsafeMutableBufferPointer { Softmax.logSoftmax(rows: 2, columns: columns, values: $0.baseAddress!) }
        expectClose(values, expected, relativeTolerance: 1e-6, absoluteTolerance: 2e-6, "\(columns) columns")
    }

    @Test("the exp sum matches Double's exp to 1e-6 relative over the normal range")
    func sumOfExponentials() {
        for shift: Float in [0, 10, -20] {
            let values: [Float] = (0..<1003).map { index in Float(index) / 1002 * 170 - 85 + shift }
            let sum = values.withUnsafeBufferPointer { ck_sum_of_exponentials($0.baseAddress!, $0.count, shift) }
            let expected = values.reduce(0.0) { $0 + exp(Double($1) - Double(shift)) }
            #expect(abs(Double(sum) - expected) <= 1e-6 * expected, "shift \(shift): \(sum) vs \(expected)")
        }
    }

    @Test("NaN passes through the vectorised exp; far-negative terms add almost nothing")
    func specialValues() {
        let withNaN: [Float] = [0, 1, .nan, 2, 3, 4, 5, 6, 7, 8]
        #expect(withNaN.withUnsafeBufferPointer { ck_sum_of_exponentials($0.baseAddress!, $0.count, 0) }.isNaN)
        let farBelow: [Float] = [0] + [Float](repeating: -1000, count: 20)
        let sum = farBelow.withUnsafeBufferPointer { ck_sum_of_exponentials($0.baseAddress!, $0.count, 0) }
        #expect(sum == 1)
    }
}
