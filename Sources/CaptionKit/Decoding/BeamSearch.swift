/// Beam search over a `StepDecoder`, exactly as DESIGN.md ("The computation", step 5) states:
/// every hypothesis starts at `<start>` with score 0 and the score is the sum of
/// log-probabilities; the first step expands the single start beam; each step keeps the K best
/// (beam, word) continuations of all live beams (K = beam size minus finished hypotheses; ties
/// go to the lower beam, then the lower word index); a continuation that emits `<end>` is
/// finished with its score including `<end>`; after `maxLength` steps the live beams count as
/// finished. The answer is the finished hypothesis that ranks highest (ties: the earlier
/// finished). Greedy decoding is beam size 1.
struct BeamSearch {
    /// A partial or finished caption.
    struct Hypothesis {
        /// Emitted word indices, without `<start>`; a finished one ends with `<end>`.
        var tokens: [Int]
        /// Sum of the log-probabilities of `tokens`.
        var score: Float
        /// Attention weights [P] of the step that emitted each token.
        var attention: [[Float]]
        /// Whether the hypothesis emitted `<end>`.
        var finished: Bool
    }

    /// A (beam, word) continuation under consideration.
    private struct Candidate {
        var beam: Int
        var word: Int
        var score: Float
    }

    let options: DecodingOptions
    let startIndex: Int
    let endIndex: Int
    let unknownIndex: Int

    /// The finished hypotheses ranked best first (by the length penalty of the options); the
    /// first is the answer. At most `options.nBest` are returned, at least one.
    func search<Decoder: StepDecoder>(_ decoder: inout Decoder) -> [Hypothesis] {
        decoder.reset()
        var live = [Hypothesis(tokens: [], score: 0, attention: [], finished: false)]
        var finished: [Hypothesis] = []
        var step = 0
        while step < options.maxLength, !live.isEmpty {
            decoder.step(tokens: live.map { $0.tokens.last ?? startIndex })
            let width = options.beamSize - finished.count
            let chosen = decoder.withStepOutputs { logProbabilities, attention in
                bestContinuations(of: live, logProbabilities: logProbabilities, count: width,
                                  vocabularySize: decoder.vocabularySize)
                    .map { candidate -> (Hypothesis, Int) in
                        let start = candidate.beam * decoder.attentionSize
                        let weights = Array(attention[start..<(start + decoder.attentionSize)])
                        var next = live[candidate.beam]
                        next.tokens.append(candidate.word)
                        next.score = candidate.score
                        next.attention.append(weights)
                        next.finished = candidate.word == endIndex
                        return (next, candidate.beam)
                    }
            }
            live = []
            var sources: [Int] = []
            for (hypothesis, beam) in chosen {
                if hypothesis.finished {
                    finished.append(hypothesis)
                } else {
                    live.append(hypothesis)
                    sources.append(beam)
                }
            }
            if !live.isEmpty {
                decoder.selectBeams(sources)
            }
            step += 1
        }
        finished.append(contentsOf: live)
        return rank(finished)
    }

    /// The `count` best continuations of all live beams, best first. Scanning in (beam, word)
    /// order and inserting only strictly better candidates keeps ties in that order.
    private func bestContinuations(of live: [Hypothesis], logProbabilities: UnsafeBufferPointer<Float>,
                                   count: Int, vocabularySize: Int) -> [Candidate] {
        var best: [Candidate] = []
        best.reserveCapacity(count + 1)
        for (beam, hypothesis) in live.enumerated() {
            let row = beam * vocabularySize
            let blocked = options.blockRepeatedTrigrams ? blockedWords(after: hypothesis.tokens) : []
            for word in 0..<vocabularySize {
                if options.suppressUnknown && word == unknownIndex { continue }
                if !blocked.isEmpty && blocked.contains(word) { continue }
                let score = hypothesis.score + logProbabilities[row + word]
                if best.count == count, let worst = best.last, !(score > worst.score) { continue }
                var position = best.count
                while position > 0 && score > best[position - 1].score { position -= 1 }
                best.insert(Candidate(beam: beam, word: word, score: score), at: position)
                if best.count > count { best.removeLast() }
            }
        }
        return best
    }

    /// Words that would complete a trigram already present in `tokens` (with `<start>` first).
    private func blockedWords(after tokens: [Int]) -> Set<Int> {
        let sequence = [startIndex] + tokens
        guard sequence.count >= 3 else { return [] }
        let lastTwo = (sequence[sequence.count - 2], sequence[sequence.count - 1])
        var blocked: Set<Int> = []
        for index in 0..<(sequence.count - 2) where (sequence[index], sequence[index + 1]) == lastTwo {
            blocked.insert(sequence[index + 2])
        }
        return blocked
    }

    /// Finished hypotheses best first by the options' length penalty; the sort is stable, so
    /// among equal values the earlier finished comes first.
    private func rank(_ finished: [Hypothesis]) -> [Hypothesis] {
        let ranked = finished.enumerated().sorted { lhs, rhs in
            let left = options.lengthPenalty.rankingValue(score: lhs.element.score, length: lhs.element.tokens.count)
            let right = options.lengthPenalty.rankingValue(score: rhs.element.score, length: rhs.element.tokens.count)
            return left > right || (left == right && lhs.offset < rhs.offset)
        }
        return ranked.prefix(max(1, options.nBest)).map(\.element)
    }
}
