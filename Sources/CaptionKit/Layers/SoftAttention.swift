/// The additive ("soft") attention of Show, Attend and Tell, the port of the reference
/// code's `Attention` module with its three `nn.Linear` layers `encoder_att` (C -> A),
/// `decoder_att` (D -> A) and `full_att` (A -> 1):
///
///     e[b, p] = full_att(act(encoder_att(a[p]) + decoder_att(h[b])))
///     alpha[b] = softmax(e[b])          over the P annotation vectors
///     z[b] = sum over p of alpha[b, p] * a[p]
///
/// `encoder_att(a)` does not change while a caption is written, so it is computed once per
/// image (`projectAnnotations`); each step then costs one GEMM for `decoder_att` over all
/// live beams, one fused pass for `full_att` (activation and dot product together, no
/// `[B*P, A]` temporary), a row softmax, and one GEMM for the context.
/// The optional `sigmoid(f_beta(h))` gate on `z` belongs to the decoder, not here.
public struct SoftAttention: Sendable {
    /// `encoder_att`: annotation vectors (C) to the attention space (A).
    public let encoderAttention: Linear
    /// `decoder_att`: decoder hidden state (D) to the attention space (A).
    public let decoderAttention: Linear
    /// `full_att`: the attention space (A) to one score.
    public let fullAttention: Linear
    /// The nonlinearity between the sum and `full_att` (`relu` in the reference; `tanh` in
    /// the paper's formulation).
    public let activation: Activation

    /// An attention module from its three linear layers.
    /// - Precondition: `encoderAttention` and `decoderAttention` both map to A and
    ///   `fullAttention` maps A to 1.
    public init(encoderAttention: Linear, decoderAttention: Linear, fullAttention: Linear, activation: Activation) {
        precondition(encoderAttention.outputFeatures == decoderAttention.outputFeatures
                     && fullAttention.inputFeatures == encoderAttention.outputFeatures
                     && fullAttention.outputFeatures == 1,
                     "attention layers disagree: encoder_att \(encoderAttention.weight.shape), decoder_att \(decoderAttention.weight.shape), full_att \(fullAttention.weight.shape)")
        self.encoderAttention = encoderAttention
        self.decoderAttention = decoderAttention
        self.fullAttention = fullAttention
        self.activation = activation
    }

    /// A, the attention size.
    public var attentionSize: Int { encoderAttention.outputFeatures }

    /// `encoder_att(annotations)`: `[P, C]` -> `[P, A]`, computed once per image.
    public func projectAnnotations(_ annotations: Tensor) -> Tensor {
        encoderAttention(annotations)
    }

    /// One attention step for all live beams.
    /// - Parameters:
    ///   - projectedAnnotations: `projectAnnotations(annotations)`, `[P, A]`.
    ///   - annotations: the encoder's vectors, `[P, C]`.
    ///   - hidden: the decoder's hidden state, `[B, D]`.
    /// - Returns: the context `z` `[B, C]` and the weights `alpha` `[B, P]` (rows sum to 1).
    /// - Precondition: the shapes agree with each other and with the layers.
    public func callAsFunction(projectedAnnotations: Tensor, annotations: Tensor, hidden: Tensor) -> (context: Tensor, alpha: Tensor) {
        let positions = annotations.shape.first ?? 0
        precondition(annotations.rank == 2 && annotations.shape[1] == encoderAttention.inputFeatures
                     && projectedAnnotations.shape == [positions, attentionSize],
                     "attention got annotations \(annotations.shape) and projected annotations \(projectedAnnotations.shape) for encoder_att \(encoderAttention.weight.shape)")
        let decoderProjection = decoderAttention(hidden)
        let beams = hidden.shape[0]
        var scores = Tensor(shape: [beams, positions]) { scores in
            guard let scoresBase = scores.baseAddress else { return }
            projectedAnnotations.withUnsafeBufferPointer { projected in
                decoderProjection.withUnsafeBufferPointer { decoder in
                    fullAttention.weight.withUnsafeBufferPointer { fullWeight in
                        guard let projectedBase = projected.baseAddress, let decoderBase = decoder.baseAddress,
                              let fullWeightBase = fullWeight.baseAddress else { return }
                        score(beams: beams, positions: positions, projected: projectedBase,
                              decoder: decoderBase, fullWeight: fullWeightBase, scores: scoresBase)
                    }
                }
            }
        }
        scores.applySoftmax()
        let alpha = scores
        let context = Tensor.matmul(alpha, annotations)  // alpha: B x P, annotations: P x C -> B x C
        return (context, alpha)
    }

    /// `full_att(act(projected[p] + decoder[b]))` for every beam and position, without
    /// `full_att`'s bias: it shifts every score of a row equally, which the softmax cancels.
    // projected: P x A, decoder: B x A, fullWeight: 1 x A -> scores: B x P
    private func score(
        beams: Int, positions: Int,
        projected: UnsafePointer<Float>, decoder: UnsafePointer<Float>,
        fullWeight: UnsafePointer<Float>, scores: UnsafeMutablePointer<Float>
    ) {
        let size = attentionSize
        ComputeThreads.parallelFor(beams * positions, minimumChunk: max(1, 16_384 / max(1, size))) { pairs in
            for pair in pairs {
                let (beam, position) = pair.quotientAndRemainder(dividingBy: positions)
                let (projectedRow, decoderRow) = (projected + position * size, decoder + beam * size)
                var sum: Float = 0
                for unit in 0..<size {
                    sum += fullWeight[unit] * activation(projectedRow[unit] + decoderRow[unit])
                }
                scores[pair] = sum
            }
        }
    }
}
