/// The LSTM decoder with soft attention over the annotation vectors (docs/specification.md, "The
/// computation", steps 3 and 4), holding the PyTorch decoder's layers.
public struct AttentionDecoder: Sendable {
    let attention: SoftAttention
    let embedding: Embedding
    let lstm: LSTMCell
    let initHidden: Linear
    let initCell: Linear
    /// `f_beta`, when the context is gated by sigmoid(f_beta(h)).
    let gate: Linear?
    let output: Linear

    /// Number of words scored at each step (V).
    public var vocabularySize: Int { output.outputFeatures }

    /// Builds the decoder from a configuration, reading each tensor through
    /// `tensor(key, shape)` (which must throw when a tensor is missing or mis-shaped).
    public init(configuration: ModelConfiguration.Decoder, vocabularySize: Int,
                tensor: (String, [Int]) throws -> Tensor) throws {
        func linear(_ prefix: String, input: Int, output: Int) throws -> Linear {
            Linear(weight: try tensor("\(prefix).weight", [output, input]), bias: try tensor("\(prefix).bias", [output]))
        }
        let (encoderDim, decoderDim, attentionDim) = (configuration.encoderDim, configuration.decoderDim, configuration.attentionDim)
        attention = SoftAttention(
            encoderAttention: try linear("decoder.attention.encoder_att", input: encoderDim, output: attentionDim),
            decoderAttention: try linear("decoder.attention.decoder_att", input: decoderDim, output: attentionDim),
            fullAttention: try linear("decoder.attention.full_att", input: attentionDim, output: 1),
            activation: configuration.attentionActivation == .relu ? .relu : .tanh)
        embedding = Embedding(weight: try tensor("decoder.embedding.weight", [vocabularySize, configuration.embedDim]))
        let gates = 4 * decoderDim
        lstm = LSTMCell(
            inputWeight: try tensor("decoder.decode_step.weight_ih", [gates, configuration.embedDim + encoderDim]),
            hiddenWeight: try tensor("decoder.decode_step.weight_hh", [gates, decoderDim]),
            inputBias: try tensor("decoder.decode_step.bias_ih", [gates]),
            hiddenBias: try tensor("decoder.decode_step.bias_hh", [gates]))
        initHidden = try linear("decoder.init_h", input: encoderDim, output: decoderDim)
        initCell = try linear("decoder.init_c", input: encoderDim, output: decoderDim)
        gate = configuration.gate ? try linear("decoder.f_beta", input: decoderDim, output: encoderDim) : nil
        output = try linear("decoder.fc", input: decoderDim, output: vocabularySize)
    }

    /// The initial state for one image: init_h and init_c of the mean annotation vector
    /// (no tanh). `annotations`: `[P, C]` -> hidden, cell: `[1, D]`.
    public func initialState(annotations: Tensor) -> (hidden: Tensor, cell: Tensor) {
        let (positions, channels) = (annotations.shape[0], annotations.shape[1])
        let mean = Tensor(shape: [1, channels]) { mean in
            annotations.withUnsafeBufferPointer { values in
                for channel in 0..<channels { mean[channel] = 0 }
                for position in 0..<positions {
                    for channel in 0..<channels { mean[channel] += values[position * channels + channel] }
                }
                for channel in 0..<channels { mean[channel] /= Float(positions) }
            }
        }
        return (initHidden(mean), initCell(mean))
    }

    /// A decoding session over one image's annotation vectors (`[P, C]`), ready for beam
    /// search with up to `beamCapacity` live beams (its buffers are allocated here, once).
    func session(annotations: Tensor, beamCapacity: Int = 1) -> AttentionDecoderSession {
        AttentionDecoderSession(decoder: self, annotations: annotations, beamCapacity: beamCapacity)
    }
}
