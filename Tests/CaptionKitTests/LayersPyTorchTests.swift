import Foundation
import Testing
@testable import CaptionKit

/// The layers against PyTorch's own outputs, committed in Fixtures/layers/pytorch_layers.json
/// by tools/make_layer_fixtures.py (the nn modules with seeded random parameters).
@Suite("Layers: PyTorch outputs")
struct LayersPyTorchTests {
    /// A tensor as the fixture writes it.
    struct Entry: Decodable {
        let shape: [Int]
        let values: [Float]
        var tensor: Tensor { Tensor(shape: shape, scalars: values) }
    }

    struct ConvolutionFixture: Decodable {
        let name: String
        let input: Entry
        let tensors: [String: Entry]
        let stride: [Int]
        let padding: [Int]
        let relu: Bool
        let output: Entry
    }

    struct MaxPoolCase: Decodable { let input: Entry; let kernel: Int; let stride: Int; let output: Entry }
    struct AdaptivePoolCase: Decodable { let input: Entry; let size: [Int]; let output: Entry }
    struct BatchNormCase: Decodable { let input: Entry; let tensors: [String: Entry]; let eps: Float; let output: Entry }
    struct LinearCase: Decodable { let input: Entry; let tensors: [String: Entry]; let output: Entry }
    struct EmbeddingCase: Decodable { let indices: [Int]; let tensors: [String: Entry]; let output: Entry }
    struct LSTMCase: Decodable {
        let input: Entry, hidden: Entry, cell: Entry
        let tensors: [String: Entry]
        let newHidden: Entry, newCell: Entry
    }
    struct AttentionCase: Decodable {
        let activation: String
        let annotations: Entry, hidden: Entry
        let tensors: [String: Entry]
        let context: Entry, alpha: Entry
    }
    struct SoftmaxCase: Decodable { let input: Entry; let softmax: Entry; let logSoftmax: Entry }

    struct Fixture: Decodable {
        let conv2d: [ConvolutionFixture]
        let maxPool2d: [MaxPoolCase]
        let adaptiveAvgPool2d: [AdaptivePoolCase]
        let batchNorm2d: BatchNormCase
        let linear: LinearCase
        let embedding: EmbeddingCase
        let lstmCell: LSTMCase
        let attention: [AttentionCase]
        let softmax: SoftmaxCase
    }

    let fixture: Fixture

    init() throws {
        let url = Fixtures.url("layers/pytorch_layers.json")
        fixture = try JSONDecoder().decode(Fixture.self, from: Data(contentsOf: url))
    }

    /// A named tensor of a case, recording an issue when the fixture lacks it.
    func tensor(_ tensors: [String: Entry], _ key: String) throws -> Tensor {
        try #require(tensors[key], "fixture lacks \(key)").tensor
    }

    func linear(_ tensors: [String: Entry], _ prefix: String) throws -> Linear {
        Linear(weight: try tensor(tensors, prefix + "weight"), bias: try tensor(tensors, prefix + "bias"))
    }

    @Test("Conv2D matches torch.nn.Conv2d")
    func convolution() throws {
        for item in fixture.conv2d {
            let layer = Conv2D(
                weight: try tensor(item.tensors, "weight"), bias: item.tensors["bias"]?.tensor,
                stride: (item.stride[0], item.stride[1]), padding: (item.padding[0], item.padding[1]),
                fusesReLU: item.relu, columnBufferLimit: 256)
            let output = layer(item.input.tensor)
            #expect(output.shape == item.output.shape, "\(item.name)")
            expectClose(output.scalars, item.output.values, absoluteTolerance: 1e-5, item.name)
        }
    }

    @Test("MaxPool2D and AdaptiveAvgPool2D match PyTorch's pools")
    func pooling() {
        for item in fixture.maxPool2d {
            let output = MaxPool2D(kernelSize: item.kernel, stride: item.stride)(item.input.tensor)
            #expect(output.shape == item.output.shape)
            #expect(output.scalars == item.output.values, "max pool \(item.kernel)/\(item.stride) on \(item.input.shape)")
        }
        for item in fixture.adaptiveAvgPool2d {
            let output = AdaptiveAvgPool2D(outputSize: (item.size[0], item.size[1]))(item.input.tensor)
            #expect(output.shape == item.output.shape)
            expectClose(output.scalars, item.output.values, "adaptive pool \(item.input.shape) -> \(item.size)")
        }
    }

    @Test("BatchNorm2D matches torch.nn.BatchNorm2d in eval mode")
    func batchNorm() throws {
        let item = fixture.batchNorm2d
        let layer = BatchNorm2D(
            weight: try tensor(item.tensors, "weight"), bias: try tensor(item.tensors, "bias"),
            runningMean: try tensor(item.tensors, "running_mean"), runningVariance: try tensor(item.tensors, "running_var"),
            epsilon: item.eps)
        expectClose(layer(item.input.tensor).scalars, item.output.values)
    }

    @Test("Linear and Embedding match torch.nn.Linear and torch.nn.Embedding")
    func linearAndEmbedding() throws {
        let output = try linear(fixture.linear.tensors, "")(fixture.linear.input.tensor)
        expectClose(output.scalars, fixture.linear.output.values)
        let embedding = Embedding(weight: try tensor(fixture.embedding.tensors, "weight"))
        #expect(embedding(fixture.embedding.indices).scalars == fixture.embedding.output.values)
    }

    @Test("LSTMCell matches torch.nn.LSTMCell")
    func lstmCell() throws {
        let item = fixture.lstmCell
        let cell = LSTMCell(
            inputWeight: try tensor(item.tensors, "weight_ih"), hiddenWeight: try tensor(item.tensors, "weight_hh"),
            inputBias: try tensor(item.tensors, "bias_ih"), hiddenBias: try tensor(item.tensors, "bias_hh"))
        let state = cell(item.input.tensor, hidden: item.hidden.tensor, cell: item.cell.tensor)
        expectClose(state.hidden.scalars, item.newHidden.values, "h'")
        expectClose(state.cell.scalars, item.newCell.values, "c'")
    }

    @Test("SoftAttention matches the Show-Attend-Tell Attention module")
    func attention() throws {
        for item in fixture.attention {
            let activation = try #require(Activation(rawValue: item.activation))
            let attention = SoftAttention(
                encoderAttention: try linear(item.tensors, "encoder_att."),
                decoderAttention: try linear(item.tensors, "decoder_att."),
                fullAttention: try linear(item.tensors, "full_att."), activation: activation)
            let annotations = item.annotations.tensor
            let (context, alpha) = attention(
                projectedAnnotations: attention.projectAnnotations(annotations), annotations: annotations,
                hidden: item.hidden.tensor)
            expectClose(alpha.scalars, item.alpha.values, "alpha \(activation)")
            expectClose(context.scalars, item.context.values, "context \(activation)")
        }
    }

    @Test("softmax and log-softmax match torch.softmax and torch.log_softmax, 1e4 logits included")
    func softmax() {
        let input = fixture.softmax.input.tensor
        expectClose(input.softmax().scalars, fixture.softmax.softmax.values)
        expectClose(input.logSoftmax().scalars, fixture.softmax.logSoftmax.values)
    }
}
