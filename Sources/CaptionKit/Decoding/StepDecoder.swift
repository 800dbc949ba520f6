/// What beam search needs from a decoder: a batch of live hypotheses ("beams") advanced one
/// word at a time, and reordered when the search keeps some beams and drops others.
protocol StepDecoder {
    /// Number of words the decoder scores (V).
    var vocabularySize: Int { get }
    /// Number of annotation vectors attended over (P).
    var attentionSize: Int { get }

    /// Puts the decoder in its initial state (h0, c0) with exactly one live beam.
    mutating func reset()

    /// Feeds `tokens[b]` to live beam b and advances every beam by one step. Afterwards
    /// `withStepOutputs` exposes the log-probabilities [B, V] and attention weights [B, P]
    /// of that step, B = `tokens.count`.
    mutating func step(tokens: [Int])

    /// Calls `body` with the last step's log-probabilities [B x V] and attention [B x P].
    func withStepOutputs<Result>(_ body: (UnsafeBufferPointer<Float>, UnsafeBufferPointer<Float>) -> Result) -> Result

    /// Rearranges the beams: new beam i continues the state of old beam `sources[i]`.
    mutating func selectBeams(_ sources: [Int])
}
