/// The decoder state of every live beam for one image, stepped by `BeamSearch`.
/// `encoder_att` of the annotation vectors is computed once, when the session starts.
struct AttentionDecoderSession: StepDecoder {
    let decoder: AttentionDecoder
    /// `[P, C]`.
    let annotations: Tensor
    /// encoder_att(annotations): `[P, A]`.
    let projectedAnnotations: Tensor
    /// h0 and c0: `[1, D]`.
    let initialHidden: Tensor, initialCell: Tensor
    /// Live beams' state: `[B, D]` each.
    private var hidden: Tensor, cell: Tensor
    /// The last step's outputs: `[B, V]` and `[B, P]`.
    private var logProbabilities = Tensor(shape: [0])
    private var attentionWeights = Tensor(shape: [0])

    var vocabularySize: Int { decoder.vocabularySize }
    var attentionSize: Int { annotations.shape[0] }

    init(decoder: AttentionDecoder, annotations: Tensor) {
        self.decoder = decoder
        self.annotations = annotations
        projectedAnnotations = decoder.attention.projectAnnotations(annotations)
        (initialHidden, initialCell) = decoder.initialState(annotations: annotations)
        (hidden, cell) = (initialHidden, initialCell)
    }

    mutating func reset() {
        (hidden, cell) = (initialHidden, initialCell)
    }

    mutating func step(tokens: [Int]) {
        let beams = tokens.count
        precondition(beams == hidden.shape[0], "\(beams) tokens for \(hidden.shape[0]) live beams")
        let attended = decoder.attention(projectedAnnotations: projectedAnnotations, annotations: annotations, hidden: hidden)
        var context = attended.context
        if let gate = decoder.gate {
            let gateValues = gate(hidden).applying(.sigmoid)
            context.withUnsafeMutableBufferPointer { context in
                gateValues.withUnsafeBufferPointer { gate in
                    for index in context.indices { context[index] *= gate[index] }
                }
            }
        }
        // input: B x (E + C) = [embedding(previous word), context]
        let (embedSize, contextSize) = (decoder.embedding.embeddingSize, annotations.shape[1])
        let input = Tensor(shape: [beams, embedSize + contextSize]) { input in
            guard let base = input.baseAddress else { return }
            context.withUnsafeBufferPointer { context in
                for (beam, token) in tokens.enumerated() {
                    let row = base + beam * (embedSize + contextSize)
                    decoder.embedding.copyVector(at: token, into: row)
                    for index in 0..<contextSize { row[embedSize + index] = context[beam * contextSize + index] }
                }
            }
        }
        var gates = Tensor(shape: [beams, 4 * decoder.lstm.hiddenSize])
        decoder.lstm.step(input, hidden: &hidden, cell: &cell, gates: &gates)
        logProbabilities = decoder.output(hidden).logSoftmax()
        attentionWeights = attended.alpha
    }

    func withStepOutputs<Result>(_ body: (UnsafeBufferPointer<Float>, UnsafeBufferPointer<Float>) -> Result) -> Result {
        logProbabilities.withUnsafeBufferPointer { logProbabilities in
            attentionWeights.withUnsafeBufferPointer { attention in body(logProbabilities, attention) }
        }
    }

    mutating func selectBeams(_ sources: [Int]) {
        hidden = Self.gatherRows(hidden, sources)
        cell = Self.gatherRows(cell, sources)
    }

    /// Rows `sources` of a `[B, D]` tensor, in that order.
    private static func gatherRows(_ tensor: Tensor, _ sources: [Int]) -> Tensor {
        let width = tensor.shape[1]
        return Tensor(shape: [sources.count, width]) { output in
            tensor.withUnsafeBufferPointer { input in
                for (row, source) in sources.enumerated() {
                    for column in 0..<width { output[row * width + column] = input[source * width + column] }
                }
            }
        }
    }
}
