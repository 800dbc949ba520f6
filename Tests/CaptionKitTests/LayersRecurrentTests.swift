import Foundation
import Testing
@testable import CaptionKit

@Suite("Layers: LSTMCell and SoftAttention")
struct LayersRecurrentTests {
    @Test("LSTM cell matches the equations (gate order i, f, g, o)", arguments: [(1, 3, 2, true), (3, 7, 5, true), (2, 4, 6, false)])
    func lstmMatchesNaive(shape: (rows: Int, inputSize: Int, hiddenSize: Int, hasBias: Bool)) {
        let (rows, inputSize, hiddenSize) = (shape.rows, shape.inputSize, shape.hiddenSize)
        let input = testValues(rows * inputSize, seed: 51).map { $0 * 2 }
        let hidden = testValues(rows * hiddenSize, seed: 52)
        let cell = testValues(rows * hiddenSize, seed: 53).map { $0 * 3 }
        let inputWeight = testValues(4 * hiddenSize * inputSize, seed: 54)
        let hiddenWeight = testValues(4 * hiddenSize * hiddenSize, seed: 55)
        let inputBias = shape.hasBias ? testValues(4 * hiddenSize, seed: 56) : nil
        let hiddenBias = shape.hasBias ? testValues(4 * hiddenSize, seed: 57) : nil
        let expected = NaiveLayers.lstmCell(
            input: input, hidden: hidden, cell: cell, rows: rows, hiddenSize: hiddenSize,
            inputWeight: inputWeight, hiddenWeight: hiddenWeight, inputBias: inputBias, hiddenBias: hiddenBias)

        let lstm = LSTMCell(
            inputWeight: Tensor(shape: [4 * hiddenSize, inputSize], scalars: inputWeight),
            hiddenWeight: Tensor(shape: [4 * hiddenSize, hiddenSize], scalars: hiddenWeight),
            inputBias: inputBias.map { Tensor(shape: [4 * hiddenSize], scalars: $0) },
            hiddenBias: hiddenBias.map { Tensor(shape: [4 * hiddenSize], scalars: $0) })
        #expect(lstm.inputSize == inputSize && lstm.hiddenSize == hiddenSize)
        let inputTensor = Tensor(shape: [rows, inputSize], scalars: input)
        let hiddenTensor = Tensor(shape: [rows, hiddenSize], scalars: hidden)
        let cellTensor = Tensor(shape: [rows, hiddenSize], scalars: cell)
        let state = lstm(inputTensor, hidden: hiddenTensor, cell: cellTensor)
        expectClose(state.hidden.scalars, expected.hidden, "h' \(shape)")
        expectClose(state.cell.scalars, expected.cell, "c' \(shape)")
        #expect(hiddenTensor.scalars == hidden && cellTensor.scalars == cell, "the returning form leaves its inputs alone")

        var (stepHidden, stepCell) = (Tensor(shape: [rows, hiddenSize], scalars: hidden), Tensor(shape: [rows, hiddenSize], scalars: cell))
        var gates = Tensor(shape: [rows, 4 * hiddenSize])
        lstm.step(inputTensor, hidden: &stepHidden, cell: &stepCell, gates: &gates)
        #expect(stepHidden.scalars == state.hidden.scalars && stepCell.scalars == state.cell.scalars,
                "the in-place form agrees")
    }

    @Test("soft attention matches the per-beam reference", arguments: [Activation.relu, .tanh])
    func attentionMatchesNaive(activation: Activation) {
        let (positions, features, decoderSize, attentionSize, beams) = (6, 5, 4, 7, 3)
        let annotations = testValues(positions * features, seed: 61)
        let hidden = testValues(beams * decoderSize, seed: 62)
        let encoderWeight = testValues(attentionSize * features, seed: 63), encoderBias = testValues(attentionSize, seed: 64)
        let decoderWeight = testValues(attentionSize * decoderSize, seed: 65), decoderBias = testValues(attentionSize, seed: 66)
        let fullWeight = testValues(attentionSize, seed: 67).map { $0 * 4 }
        let fullBias: Float = 0.25
        let expected = NaiveLayers.attention(
            annotations: annotations, positions: positions, features: features, hidden: hidden, beams: beams,
            encoderWeight: encoderWeight, encoderBias: encoderBias, decoderWeight: decoderWeight, decoderBias: decoderBias,
            fullWeight: fullWeight, fullBias: fullBias, attentionSize: attentionSize,
            activation: activation == .relu ? { max($0, 0) } : { tanh($0) })

        let attention = SoftAttention(
            encoderAttention: Linear(weight: Tensor(shape: [attentionSize, features], scalars: encoderWeight),
                                     bias: Tensor(shape: [attentionSize], scalars: encoderBias)),
            decoderAttention: Linear(weight: Tensor(shape: [attentionSize, decoderSize], scalars: decoderWeight),
                                     bias: Tensor(shape: [attentionSize], scalars: decoderBias)),
            fullAttention: Linear(weight: Tensor(shape: [1, attentionSize], scalars: fullWeight),
                                  bias: Tensor(shape: [1], scalars: [fullBias])),
            activation: activation)
        let annotationTensor = Tensor(shape: [positions, features], scalars: annotations)
        let projected = attention.projectAnnotations(annotationTensor)
        #expect(projected.shape == [positions, attentionSize])
        let (context, alpha) = attention(
            projectedAnnotations: projected, annotations: annotationTensor,
            hidden: Tensor(shape: [beams, decoderSize], scalars: hidden))
        #expect(context.shape == [beams, features] && alpha.shape == [beams, positions])
        expectClose(alpha.scalars, expected.alpha, "alpha \(activation)")
        expectClose(context.scalars, expected.context, "context \(activation)")
        for beam in 0..<beams {
            let sum = alpha.scalars[(beam * positions)..<((beam + 1) * positions)].reduce(0, +)
            #expect(abs(sum - 1) < 1e-5)
        }
    }
}
