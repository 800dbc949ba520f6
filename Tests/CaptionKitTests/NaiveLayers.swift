import Foundation

/// Plain, obviously-right implementations of the layers, written from PyTorch's definitions
/// with `Double` accumulation and direct loops: the references the layer tests compare with.
/// Images are `[N, C, H, W]` arrays in row-major order.
enum NaiveLayers {
    /// The sizes of an `[N, C, H, W]` image batch.
    struct ImageShape {
        var batch: Int
        var channels: Int
        var height: Int
        var width: Int

        var count: Int { batch * channels * height * width }
        var dimensions: [Int] { [batch, channels, height, width] }

        /// Flat index of element (n, c, y, x).
        func index(_ n: Int, _ c: Int, _ y: Int, _ x: Int) -> Int {
            ((n * channels + c) * height + y) * width + x
        }
    }

    /// Direct convolution: every output is the sum over channels and kernel offsets of
    /// weight * input, reading zero outside the image; then bias, then optional ReLU.
    static func convolution(
        _ input: [Float], _ shape: ImageShape,
        weight: [Float], outputChannels: Int, kernel: (Int, Int), bias: [Float]?,
        stride: (Int, Int), padding: (Int, Int), relu: Bool
    ) -> (values: [Float], shape: ImageShape) {
        let outputHeight = (shape.height + 2 * padding.0 - kernel.0) / stride.0 + 1
        let outputWidth = (shape.width + 2 * padding.1 - kernel.1) / stride.1 + 1
        let outputShape = ImageShape(batch: shape.batch, channels: outputChannels, height: outputHeight, width: outputWidth)
        var output = [Float](repeating: 0, count: outputShape.count)
        for n in 0..<shape.batch {
            for o in 0..<outputChannels {
                for y in 0..<outputHeight {
                    for x in 0..<outputWidth {
                        var sum = Double(bias?[o] ?? 0)
                        for c in 0..<shape.channels {
                            for ky in 0..<kernel.0 {
                                for kx in 0..<kernel.1 {
                                    let inputY = y * stride.0 - padding.0 + ky
                                    let inputX = x * stride.1 - padding.1 + kx
                                    guard (0..<shape.height).contains(inputY), (0..<shape.width).contains(inputX) else { continue }
                                    let weightValue = weight[((o * shape.channels + c) * kernel.0 + ky) * kernel.1 + kx]
                                    sum += Double(weightValue) * Double(input[shape.index(n, c, inputY, inputX)])
                                }
                            }
                        }
                        output[outputShape.index(n, o, y, x)] = Float(relu ? max(sum, 0) : sum)
                    }
                }
            }
        }
        return (output, outputShape)
    }

    /// Max over each kernel x kernel window taken every `stride` pixels (floor mode).
    static func maxPool(_ input: [Float], _ shape: ImageShape, kernel: Int, stride: Int) -> (values: [Float], shape: ImageShape) {
        let outputShape = ImageShape(batch: shape.batch, channels: shape.channels,
                                     height: (shape.height - kernel) / stride + 1, width: (shape.width - kernel) / stride + 1)
        var output = [Float](repeating: 0, count: outputShape.count)
        for n in 0..<shape.batch {
            for c in 0..<shape.channels {
                for y in 0..<outputShape.height {
                    for x in 0..<outputShape.width {
                        var values: [Float] = []
                        for ky in 0..<kernel {
                            for kx in 0..<kernel {
                                values.append(input[shape.index(n, c, y * stride + ky, x * stride + kx)])
                            }
                        }
                        output[outputShape.index(n, c, y, x)] = values.max() ?? 0
                    }
                }
            }
        }
        return (output, outputShape)
    }

    /// Adaptive average pool with bins `[floor(i * in / out), ceil((i + 1) * in / out))`
    /// evaluated in floating point.
    static func adaptiveAveragePool(_ input: [Float], _ shape: ImageShape, outputHeight: Int, outputWidth: Int) -> [Float] {
        func bin(_ index: Int, _ inputLength: Int, _ outputLength: Int) -> Range<Int> {
            let start = Int(floor(Double(index * inputLength) / Double(outputLength)))
            let end = Int(ceil(Double((index + 1) * inputLength) / Double(outputLength)))
            return start..<end
        }
        let outputShape = ImageShape(batch: shape.batch, channels: shape.channels, height: outputHeight, width: outputWidth)
        var output = [Float](repeating: 0, count: outputShape.count)
        for n in 0..<shape.batch {
            for c in 0..<shape.channels {
                for y in 0..<outputHeight {
                    for x in 0..<outputWidth {
                        var sum = 0.0
                        var cells = 0
                        for inputY in bin(y, shape.height, outputHeight) {
                            for inputX in bin(x, shape.width, outputWidth) {
                                sum += Double(input[shape.index(n, c, inputY, inputX)])
                                cells += 1
                            }
                        }
                        output[outputShape.index(n, c, y, x)] = Float(sum / Double(cells))
                    }
                }
            }
        }
        return output
    }

    /// `(x - mean) / sqrt(var + eps) * weight + bias` per channel.
    static func batchNorm(
        _ input: [Float], _ shape: ImageShape,
        weight: [Float], bias: [Float], mean: [Float], variance: [Float], epsilon: Double
    ) -> [Float] {
        var output = input
        for n in 0..<shape.batch {
            for c in 0..<shape.channels {
                for y in 0..<shape.height {
                    for x in 0..<shape.width {
                        let index = shape.index(n, c, y, x)
                        let normalized = (Double(input[index]) - Double(mean[c])) / (Double(variance[c]) + epsilon).squareRoot()
                        output[index] = Float(normalized * Double(weight[c]) + Double(bias[c]))
                    }
                }
            }
        }
        return output
    }

    /// `x W^T + b` for `x` `[rows, in]` and `W` `[out, in]`, in `Double`.
    static func linear(_ input: [Float], rows: Int, weight: [Float], outputs: Int, bias: [Float]?) -> [Double] {
        let inputs = weight.count / max(1, outputs)
        var output = [Double](repeating: 0, count: rows * outputs)
        for row in 0..<rows {
            for column in 0..<outputs {
                var sum = Double(bias?[column] ?? 0)
                for k in 0..<inputs {
                    sum += Double(input[row * inputs + k]) * Double(weight[column * inputs + k])
                }
                output[row * outputs + column] = sum
            }
        }
        return output
    }

    static func sigmoid(_ value: Double) -> Double { 1 / (1 + exp(-value)) }

    /// One LSTMCell step from the equations (gate order i, f, g, o).
    static func lstmCell(
        input: [Float], hidden: [Float], cell: [Float], rows: Int, hiddenSize: Int,
        inputWeight: [Float], hiddenWeight: [Float], inputBias: [Float]?, hiddenBias: [Float]?
    ) -> (hidden: [Float], cell: [Float]) {
        let inputPart = linear(input, rows: rows, weight: inputWeight, outputs: 4 * hiddenSize, bias: inputBias)
        let hiddenPart = linear(hidden, rows: rows, weight: hiddenWeight, outputs: 4 * hiddenSize, bias: hiddenBias)
        var newHidden = [Float](repeating: 0, count: rows * hiddenSize)
        var newCell = newHidden
        for row in 0..<rows {
            func gate(_ block: Int, _ unit: Int) -> Double {
                let index = row * 4 * hiddenSize + block * hiddenSize + unit
                return inputPart[index] + hiddenPart[index]
            }
            for unit in 0..<hiddenSize {
                let i = sigmoid(gate(0, unit)), f = sigmoid(gate(1, unit))
                let g = tanh(gate(2, unit)), o = sigmoid(gate(3, unit))
                let c = f * Double(cell[row * hiddenSize + unit]) + i * g
                newCell[row * hiddenSize + unit] = Float(c)
                newHidden[row * hiddenSize + unit] = Float(o * tanh(c))
            }
        }
        return (newHidden, newCell)
    }

    /// Softmax of one row, shifted by its maximum, in `Double`.
    static func softmax(_ row: [Double]) -> [Double] {
        let maximum = row.max() ?? 0
        let exponentials = row.map { exp($0 - maximum) }
        let sum = exponentials.reduce(0, +)
        return exponentials.map { $0 / sum }
    }

    /// Log-softmax of one row: `x - max - log(sum(exp(x - max)))`, in `Double`.
    static func logSoftmax(_ row: [Double]) -> [Double] {
        let maximum = row.max() ?? 0
        let logSum = log(row.reduce(0) { $0 + exp($1 - maximum) })
        return row.map { $0 - maximum - logSum }
    }

    /// Show-Attend-Tell attention for each beam: scores, softmax over positions, weighted sum.
    static func attention(
        annotations: [Float], positions: Int, features: Int,
        hidden: [Float], beams: Int,
        encoderWeight: [Float], encoderBias: [Float], decoderWeight: [Float], decoderBias: [Float],
        fullWeight: [Float], fullBias: Float, attentionSize: Int, activation: (Double) -> Double
    ) -> (context: [Float], alpha: [Float]) {
        let projected = linear(annotations, rows: positions, weight: encoderWeight, outputs: attentionSize, bias: encoderBias)
        let decoder = linear(hidden, rows: beams, weight: decoderWeight, outputs: attentionSize, bias: decoderBias)
        var context = [Float](repeating: 0, count: beams * features)
        var alpha = [Float](repeating: 0, count: beams * positions)
        for beam in 0..<beams {
            let scores = (0..<positions).map { position in
                (0..<attentionSize).reduce(Double(fullBias)) { sum, unit in
                    sum + Double(fullWeight[unit])
                        * activation(projected[position * attentionSize + unit] + decoder[beam * attentionSize + unit])
                }
            }
            let weights = softmax(scores)
            for position in 0..<positions {
                alpha[beam * positions + position] = Float(weights[position])
            }
            for feature in 0..<features {
                let sum = (0..<positions).reduce(0.0) { $0 + weights[$1] * Double(annotations[$1 * features + feature]) }
                context[beam * features + feature] = Float(sum)
            }
        }
        return (context, alpha)
    }
}
