import Foundation
import Testing
@testable import CaptionKit

@Suite("Tensor elementwise operations and softmax")
struct TensorElementwiseTests {
    /// Values spread over [-scale, scale), with the edge cases appended.
    static func sample(scale: Float) -> [Float] {
        testValues(37, seed: 5).map { $0 * scale } + [0, -0.0, 88, -88, 1e4, -1e4]
    }

    @Test("ReLU, sigmoid and tanh match their definitions", arguments: Activation.allCases)
    func activationsMatchDefinitions(activation: Activation) {
        let values = Self.sample(scale: 20)
        let expected: [Float] = values.map { value in
            let x = Double(value)
            switch activation {
            case .relu: return Float(max(x, 0))
            case .sigmoid: return Float(NaiveLayers.sigmoid(x))
            case .tanh: return Float(tanh(x))
            }
        }
        let tensor = Tensor(shape: [values.count], scalars: values)
        let result = tensor.applying(activation)
        #expect(result.shape == tensor.shape)
        #expect(result.scalars.allSatisfy { $0.isFinite })
        expectClose(result.scalars, expected, "\(activation)")
        #expect(tensor.scalars == values, "applying leaves the source alone")

        var buffer = values
        buffer.withUnsafeMutableBufferPointer { activation.apply(to: $0) }
        #expect(buffer == result.scalars, "buffer and tensor forms agree")
        #expect(values.map { activation($0) } == result.scalars, "single-value form agrees")
    }

    @Test("softmax and log-softmax over the last dimension match the Double reference",
          arguments: [[1, 1], [1, 7], [3, 5], [2, 3, 4]])
    func softmaxMatchesReference(shape: [Int]) {
        let columns = shape.last ?? 1
        let values = testValues(Tensor.elementCount(of: shape), seed: UInt64(columns)).map { $0 * 8 }
        let tensor = Tensor(shape: shape, scalars: values)
        let expected = stride(from: 0, to: values.count, by: columns).flatMap { start in
            NaiveLayers.softmax(values[start..<start + columns].map(Double.init))
        }
        let probabilities = tensor.softmax()
        #expect(probabilities.shape == shape)
        expectClose(probabilities.scalars, expected.map(Float.init), "softmax \(shape)")
        let expectedLog = stride(from: 0, to: values.count, by: columns).flatMap { start in
            NaiveLayers.logSoftmax(values[start..<start + columns].map(Double.init))
        }
        expectClose(tensor.logSoftmax().scalars, expectedLog.map(Float.init), "log-softmax \(shape)")
    }

    @Test("softmax and log-softmax of logits around 1e4 stay finite and exact")
    func softmaxLargeValues() {
        let rows: [[Float]] = [[1e4, 1e4 - 1, -1e4], [0, 1e4 - 3, 2e4]]
        let tensor = Tensor(shape: [2, 3], scalars: rows.flatMap { $0 })
        let probabilities = tensor.softmax()
        let logProbabilities = tensor.logSoftmax()
        #expect(probabilities.scalars.allSatisfy { $0.isFinite })
        #expect(logProbabilities.scalars.allSatisfy { $0.isFinite })
        expectClose(probabilities.scalars,
                    rows.flatMap { NaiveLayers.softmax($0.map(Double.init)) }.map(Float.init), "softmax")
        expectClose(logProbabilities.scalars,
                    rows.flatMap { NaiveLayers.logSoftmax($0.map(Double.init)) }.map(Float.init), "log-softmax")
        #expect(logProbabilities.scalars[3] == -2e4)
    }

    @Test("a masked (-infinity) entry gets probability 0")
    func maskedEntry() {
        var tensor = Tensor(shape: [1, 3], scalars: [1, -.infinity, 1])
        tensor.applySoftmax()
        #expect(tensor.scalars == [0.5, 0, 0.5])
        var logTensor = Tensor(shape: [1, 3], scalars: [2, -.infinity, 2])
        logTensor.applyLogSoftmax()
        expectClose([logTensor.scalars[0], logTensor.scalars[2]], [-Float(log(2.0)), -Float(log(2.0))])
        #expect(logTensor.scalars[1] == -.infinity)
    }
}
