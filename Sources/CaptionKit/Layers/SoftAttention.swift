#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The additive ("soft") attention of Show, Attend and Tell, the port of the reference
/// code's `Attention` module with its three `nn.Linear` layers `encoder_att` (C -> A),
/// `decoder_att` (D -> A) and `full_att` (A -> 1):
///
///     e[b, p] = full_att(act(encoder_att(a[p]) + decoder_att(h[b])))
///     alpha[b] = softmax(e[b])          over the P annotation vectors
///     z[b] = sum over p of alpha[b, p] * a[p]
///
/// `encoder_att(a)` does not change while a caption is written, so it is computed once per
/// image (`projectAnnotations`); each step then costs one product for `decoder_att` over all
/// live beams, one fused pass for `full_att` (activation and dot product together, four units
/// at a time, no `[B*P, A]` temporary), a row softmax, and one product for the context
/// (`SkinnyProduct`: each matrix is read once for all beams). `attend` does this on caller
/// memory without allocating.
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
                     && projectedAnnotations.shape == [positions, attentionSize]
                     && hidden.rank == 2 && hidden.shape[1] == decoderAttention.inputFeatures,
                     "attention got annotations \(annotations.shape), projected annotations \(projectedAnnotations.shape) and hidden \(hidden.shape) for encoder_att \(encoderAttention.weight.shape)")
        let (beams, channels) = (hidden.shape[0], annotations.shape[1])
        var decoderProjection = Tensor(shape: [beams, attentionSize])
        var alpha = Tensor(shape: [beams, positions])
        var context = Tensor(shape: [beams, channels])
        projectedAnnotations.withUnsafeBufferPointer { projected in
            annotations.withUnsafeBufferPointer { annotationValues in
                hidden.withUnsafeBufferPointer { hiddenValues in
                    decoderProjection.withUnsafeMutableBufferPointer { decoderValues in
                        alpha.withUnsafeMutableBufferPointer { alphaValues in
                            context.withUnsafeMutableBufferPointer { contextValues in
                                guard let projectedBase = projected.baseAddress, let annotationBase = annotationValues.baseAddress,
                                      let hiddenBase = hiddenValues.baseAddress, let decoderBase = decoderValues.baseAddress,
                                      let alphaBase = alphaValues.baseAddress, let contextBase = contextValues.baseAddress
                                else { return }
                                attend(beams: beams, positions: positions, projectedAnnotations: projectedBase,
                                       annotations: annotationBase, hidden: hiddenBase, decoderProjection: decoderBase,
                                       alpha: alphaBase, context: contextBase, contextStride: channels)
                            }
                        }
                    }
                }
            }
        }
        return (context, alpha)
    }

    /// The allocation-free step on caller memory, for the decoder's loop: `beams` rows of
    /// `hidden` (`B x D`) against `positions` annotation vectors (`annotations` `P x C`,
    /// `projectedAnnotations` `P x A`); `decoderProjection` (`B x A`) is scratch space;
    /// writes `alpha` (`B x P`) and the context rows (`C` values each, `contextStride` apart).
    public func attend(
        beams: Int, positions: Int,
        projectedAnnotations: UnsafePointer<Float>, annotations: UnsafePointer<Float>, hidden: UnsafePointer<Float>,
        decoderProjection: UnsafeMutablePointer<Float>, alpha: UnsafeMutablePointer<Float>,
        context: UnsafeMutablePointer<Float>, contextStride: Int
    ) {
        decoderAttention.apply(rows: beams, input: hidden, output: decoderProjection)
        fullAttention.weight.withUnsafeBufferPointer { fullWeight in
            guard let fullWeightBase = fullWeight.baseAddress else { return }
            score(beams: beams, positions: positions, projected: projectedAnnotations,
                  decoder: UnsafePointer(decoderProjection), fullWeight: fullWeightBase, scores: alpha)
        }
        Softmax.softmax(rows: beams, columns: positions, values: alpha)
        // alpha: B x P, annotations: P x C -> context: B x C
        SkinnyProduct.multiply(rows: beams, input: UnsafePointer(alpha), matrix: annotations, inner: positions,
                               outputs: encoderAttention.inputFeatures, output: context, outputStride: contextStride)
    }

    /// `full_att(act(projected[p] + decoder[b]))` for every beam and position, without
    /// `full_att`'s bias: it shifts every score of a row equally, which the softmax cancels.
    // projected: P x A, decoder: B x A, fullWeight: 1 x A -> scores: B x P
    private func score(
        beams: Int, positions: Int,
        projected: UnsafePointer<Float>, decoder: UnsafePointer<Float>,
        fullWeight: UnsafePointer<Float>, scores: UnsafeMutablePointer<Float>
    ) {
        switch activation {
        case .relu:
            score(beams: beams, positions: positions, projected: projected, decoder: decoder, fullWeight: fullWeight,
                  scores: scores) { $0.replacing(with: 0, where: $0 .< 0) }
        case .tanh:
            score(beams: beams, positions: positions, projected: projected, decoder: decoder, fullWeight: fullWeight,
                  scores: scores) { SIMD4(tanhf($0[0]), tanhf($0[1]), tanhf($0[2]), tanhf($0[3])) }
        case .sigmoid:
            score(beams: beams, positions: positions, projected: projected, decoder: decoder, fullWeight: fullWeight,
                  scores: scores) {
                SIMD4(Activation.logistic($0[0]), Activation.logistic($0[1]), Activation.logistic($0[2]), Activation.logistic($0[3]))
            }
        }
    }

    /// The scores with the activation applied four units at a time (`activate` is inlined into
    /// each caller above, so the loop is specialised per activation).
    @inline(__always)
    private func score(
        beams: Int, positions: Int,
        projected: UnsafePointer<Float>, decoder: UnsafePointer<Float>,
        fullWeight: UnsafePointer<Float>, scores: UnsafeMutablePointer<Float>,
        _ activate: (SIMD4<Float>) -> SIMD4<Float>
    ) {
        let size = attentionSize
        let vectorEnd = size & ~3
        func load(_ pointer: UnsafePointer<Float>) -> SIMD4<Float> {
            UnsafeRawPointer(pointer).loadUnaligned(as: SIMD4<Float>.self)
        }
        ComputeThreads.parallelFor(beams * positions, minimumChunk: max(1, 16_384 / max(1, size))) { pairs in
            for pair in pairs {
                let (beam, position) = pair.quotientAndRemainder(dividingBy: positions)
                let (projectedRow, decoderRow) = (projected + position * size, decoder + beam * size)
                var partial = SIMD4<Float>()
                var unit = 0
                while unit < vectorEnd {
                    partial += load(fullWeight + unit) * activate(load(projectedRow + unit) + load(decoderRow + unit))
                    unit += 4
                }
                var sum = partial.sum()
                while unit < size {
                    sum += fullWeight[unit] * activation(projectedRow[unit] + decoderRow[unit])
                    unit += 1
                }
                scores[pair] = sum
            }
        }
    }
}
