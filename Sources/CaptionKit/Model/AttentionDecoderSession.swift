/// The decoder state of every live beam for one image, stepped by `BeamSearch`.
/// `encoder_att` of the annotation vectors is computed once, when the session starts.
///
/// Every buffer a step needs is allocated when the session starts, for `beamCapacity` rows,
/// so the step loop allocates nothing: each layer runs once per step over all live beams,
/// reading its weight once (`Linear`'s few-rows product), and writes into these buffers.
struct AttentionDecoderSession: StepDecoder {
    let decoder: AttentionDecoder
    /// `[P, C]`.
    let annotations: Tensor
    /// encoder_att(annotations): `[P, A]`.
    let projectedAnnotations: Tensor
    /// h0 and c0: `[1, D]`.
    let initialHidden: Tensor, initialCell: Tensor
    /// The most live beams a step can take.
    let beamCapacity: Int
    private let buffers: Buffers
    /// Live beams (rows of the buffers in use).
    private var beams = 0

    var vocabularySize: Int { decoder.vocabularySize }
    var attentionSize: Int { annotations.shape[0] }

    /// The working memory of a session: one allocation cut into `[beamCapacity, n]` buffers,
    /// each starting on a 64-byte cache line. The few-rows products load whole vectors from
    /// these rows for every weight vector they stream, and loads that straddle two cache
    /// lines cost the beam-5 step of the VGG-16-sized decoder about a tenth of its time.
    private final class Buffers {
        /// Live beams' state `[K, D]`; `spareHidden`/`spareCell` receive reordered rows.
        var hidden, cell, spareHidden, spareCell: UnsafeMutablePointer<Float>
        /// decoder_att(h) `[K, A]`; attention weights `[K, P]`; sigmoid(f_beta(h)) `[K, C]`.
        let decoderProjection, alpha, gate: UnsafeMutablePointer<Float>
        /// LSTM input rows `[K, E + C]` = [embedding(previous word), gated context].
        let lstmInput: UnsafeMutablePointer<Float>
        /// LSTM gates `[K, 4D]`; log-probabilities `[K, V]`.
        let gates, logProbabilities: UnsafeMutablePointer<Float>
        private let memory: LargeBuffer

        init(rows: Int, decoder: AttentionDecoder, positions: Int) {
            let (hiddenSize, channels) = (decoder.lstm.hiddenSize, decoder.attention.encoderAttention.inputFeatures)
            let widths = [hiddenSize, hiddenSize, hiddenSize, hiddenSize, decoder.attention.attentionSize, positions,
                          channels, decoder.embedding.embeddingSize + channels, 4 * hiddenSize, decoder.vocabularySize]
            let floatsPerLine = 16
            let sizes = widths.map { (rows * $0 + floatsPerLine - 1) / floatsPerLine * floatsPerLine }
            memory = LargeBuffer(count: sizes.reduce(0, +))
            memory.pointer.initialize(repeating: 0, count: memory.count)
            var offsets: [UnsafeMutablePointer<Float>] = []
            var next = memory.pointer
            for size in sizes {
                offsets.append(next)
                next += size
            }
            (hidden, cell, spareHidden, spareCell) = (offsets[0], offsets[1], offsets[2], offsets[3])
            (decoderProjection, alpha, gate, lstmInput) = (offsets[4], offsets[5], offsets[6], offsets[7])
            (gates, logProbabilities) = (offsets[8], offsets[9])
        }
    }

    init(decoder: AttentionDecoder, annotations: Tensor, beamCapacity: Int) {
        precondition(beamCapacity >= 1, "a decoding session needs room for at least one beam")
        self.decoder = decoder
        self.annotations = annotations
        self.beamCapacity = beamCapacity
        projectedAnnotations = decoder.attention.projectAnnotations(annotations)
        (initialHidden, initialCell) = decoder.initialState(annotations: annotations)
        buffers = Buffers(rows: beamCapacity, decoder: decoder, positions: annotations.shape[0])
    }

    mutating func reset() {
        let buffers = buffers
        initialHidden.withUnsafeBufferPointer { values in
            for index in values.indices { buffers.hidden[index] = values[index] }
        }
        initialCell.withUnsafeBufferPointer { values in
            for index in values.indices { buffers.cell[index] = values[index] }
        }
        beams = 1
    }

    mutating func step(tokens: [Int]) {
        precondition(tokens.count == beams && beams <= beamCapacity, "\(tokens.count) tokens for \(beams) live beams")
        let (embedSize, channels) = (decoder.embedding.embeddingSize, annotations.shape[1])
        let inputWidth = embedSize + channels
        let buffers = buffers
        annotations.withUnsafeBufferPointer { annotationValues in
            projectedAnnotations.withUnsafeBufferPointer { projected in
                guard let annotationBase = annotationValues.baseAddress, let projectedBase = projected.baseAddress else { return }
                // context: B x C, written into the LSTM input rows after the embedding
                decoder.attention.attend(
                    beams: beams, positions: annotations.shape[0], projectedAnnotations: projectedBase,
                    annotations: annotationBase, hidden: buffers.hidden, decoderProjection: buffers.decoderProjection,
                    alpha: buffers.alpha, context: buffers.lstmInput + embedSize, contextStride: inputWidth)
            }
        }
        if let gate = decoder.gate {
            // z = sigmoid(f_beta(h)) * z
            gate.apply(rows: beams, input: buffers.hidden, output: buffers.gate)
            for beam in 0..<beams {
                let (context, values) = (buffers.lstmInput + beam * inputWidth + embedSize, buffers.gate + beam * channels)
                for index in 0..<channels { context[index] *= Activation.logistic(values[index]) }
            }
        }
        for (beam, token) in tokens.enumerated() {
            decoder.embedding.copyVector(at: token, into: buffers.lstmInput + beam * inputWidth)
        }
        decoder.lstm.step(rows: beams, input: buffers.lstmInput, hidden: buffers.hidden, cell: buffers.cell, gates: buffers.gates)
        decoder.output.apply(rows: beams, input: buffers.hidden, output: buffers.logProbabilities)
        Softmax.logSoftmax(rows: beams, columns: vocabularySize, values: buffers.logProbabilities)
    }

    func withStepOutputs<Result>(_ body: (UnsafeBufferPointer<Float>, UnsafeBufferPointer<Float>) -> Result) -> Result {
        body(UnsafeBufferPointer(start: buffers.logProbabilities, count: beams * vocabularySize),
             UnsafeBufferPointer(start: buffers.alpha, count: beams * attentionSize))
    }

    mutating func selectBeams(_ sources: [Int]) {
        precondition(sources.count <= beamCapacity && sources.allSatisfy { $0 >= 0 && $0 < beams },
                     "beam sources \(sources) for \(beams) live beams")
        let size = decoder.lstm.hiddenSize
        for (row, source) in sources.enumerated() {
            (buffers.spareHidden + row * size).update(from: buffers.hidden + source * size, count: size)
            (buffers.spareCell + row * size).update(from: buffers.cell + source * size, count: size)
        }
        swap(&buffers.hidden, &buffers.spareHidden)
        swap(&buffers.cell, &buffers.spareCell)
        beams = sources.count
    }
}
