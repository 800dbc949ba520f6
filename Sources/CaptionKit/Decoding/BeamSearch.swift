/// Beam search over a `StepDecoder`, exactly as docs/specification.md ("The computation", step 5) states:
/// every hypothesis starts at `<start>` with score 0 and the score is the sum of
/// log-probabilities; the first step expands the single start beam; each step keeps the K best
/// (beam, word) continuations of all live beams (K = beam size minus finished hypotheses; ties
/// go to the lower beam, then the lower word index); a continuation that emits `<end>` is
/// finished with its score including `<end>`; after `maxLength` steps the live beams count as
/// finished. The answer is the finished hypothesis that ranks highest (ties: the earlier
/// finished). Greedy decoding is beam size 1.
///
/// The step loop allocates nothing: every kept word becomes a node of a tree (its parent node,
/// the word and the step's attention row) in arrays reserved up front, the live beams are
/// node indices, and the hypotheses' word lists are read back from the tree at the end.
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

    /// A hypothesis during the search: its last node in the `WordTree` and its score.
    private struct Beam {
        var node: Int
        var score: Float
    }

    /// Every word kept by the search, as a tree rooted at `<start>` (node -1).
    private struct WordTree {
        private(set) var parents: [Int] = []
        private(set) var words: [Int] = []
        /// One row of `attentionSize` weights per node.
        private var attention: [Float] = []
        let attentionSize: Int

        /// Room for `nodes` nodes without reallocating.
        init(attentionSize: Int, reserving nodes: Int) {
            self.attentionSize = attentionSize
            parents.reserveCapacity(nodes)
            words.reserveCapacity(nodes)
            attention.reserveCapacity(nodes * attentionSize)
        }

        /// Adds `word` after node `parent` with the step's attention row; returns the new node.
        mutating func add(parent: Int, word: Int, attention row: UnsafeBufferPointer<Float>) -> Int {
            parents.append(parent)
            words.append(word)
            attention.append(contentsOf: row)
            return words.count - 1
        }

        /// The words from the root to `node`.
        func tokens(endingAt node: Int) -> [Int] {
            path(to: node).map { words[$0] }
        }

        /// The hypothesis ending at `node`.
        func hypothesis(_ beam: Beam, finished: Bool) -> Hypothesis {
            let nodes = path(to: beam.node)
            return Hypothesis(
                tokens: nodes.map { words[$0] }, score: beam.score,
                attention: nodes.map { Array(attention[($0 * attentionSize)..<(($0 + 1) * attentionSize)]) },
                finished: finished)
        }

        private func path(to node: Int) -> [Int] {
            var nodes: [Int] = []
            var current = node
            while current >= 0 {
                nodes.append(current)
                current = parents[current]
            }
            return nodes.reversed()
        }
    }

    let options: DecodingOptions
    let startIndex: Int
    let endIndex: Int
    let unknownIndex: Int

    /// The finished hypotheses ranked best first (by the length penalty of the options); the
    /// first is the answer. At most `options.nBest` are returned, at least one.
    func search<Decoder: StepDecoder>(_ decoder: inout Decoder) -> [Hypothesis] {
        search(&decoder, stoppingWhen: { false }) ?? []
    }

    /// `search(_:)` that asks `isCancelled` before every decoder step and returns nil as soon
    /// as it answers true (the async captioning calls stop a cancelled task this way).
    func search<Decoder: StepDecoder>(_ decoder: inout Decoder, stoppingWhen isCancelled: () -> Bool) -> [Hypothesis]? {
        decoder.reset()
        let width = options.beamSize
        var tree = WordTree(attentionSize: decoder.attentionSize, reserving: min(options.maxLength, 64) * width)
        var live = [Beam(node: -1, score: 0)], next: [Beam] = []
        var finished: [Beam] = [], candidates: [Candidate] = []
        var tokens = [startIndex], sources: [Int] = []
        live.reserveCapacity(width)
        next.reserveCapacity(width)
        finished.reserveCapacity(width)
        candidates.reserveCapacity(width + 1)
        tokens.reserveCapacity(width)
        sources.reserveCapacity(width)
        var step = 0
        while step < options.maxLength, !live.isEmpty {
            if isCancelled() { return nil }
            decoder.step(tokens: tokens)
            let (vocabularySize, attentionSize) = (decoder.vocabularySize, decoder.attentionSize)
            decoder.withStepOutputs { logProbabilities, attention in
                selectBest(&candidates, of: live, tree: tree, logProbabilities: logProbabilities,
                           count: width - finished.count, vocabularySize: vocabularySize)
                next.removeAll(keepingCapacity: true)
                tokens.removeAll(keepingCapacity: true)
                sources.removeAll(keepingCapacity: true)
                for candidate in candidates {
                    let row = UnsafeBufferPointer(rebasing: attention[(candidate.beam * attentionSize)..<((candidate.beam + 1) * attentionSize)])
                    let node = tree.add(parent: live[candidate.beam].node, word: candidate.word, attention: row)
                    if candidate.word == endIndex {
                        finished.append(Beam(node: node, score: candidate.score))
                    } else {
                        next.append(Beam(node: node, score: candidate.score))
                        tokens.append(candidate.word)
                        sources.append(candidate.beam)
                    }
                }
            }
            swap(&live, &next)
            if !live.isEmpty {
                decoder.selectBeams(sources)
            }
            step += 1
        }
        let hypotheses = finished.map { tree.hypothesis($0, finished: true) } + live.map { tree.hypothesis($0, finished: false) }
        return rank(hypotheses)
    }

    /// The `count` best continuations of all live beams, best first, into `best` (emptied
    /// first; its capacity is reused). Scanning in (beam, word) order and inserting only
    /// strictly better candidates keeps ties in that order.
    private func selectBest(_ best: inout [Candidate], of live: [Beam], tree: WordTree,
                            logProbabilities: UnsafeBufferPointer<Float>, count: Int, vocabularySize: Int) {
        best.removeAll(keepingCapacity: true)
        for (beam, hypothesis) in live.enumerated() {
            let row = beam * vocabularySize
            let blocked = options.blockRepeatedTrigrams ? blockedWords(after: tree.tokens(endingAt: hypothesis.node)) : []
            for word in 0..<vocabularySize {
                let score = hypothesis.score + logProbabilities[row + word]
                if best.count == count, let worst = best.last, !(score > worst.score) { continue }
                if options.suppressUnknown && word == unknownIndex { continue }
                if !blocked.isEmpty && blocked.contains(word) { continue }
                var position = best.count
                while position > 0 && score > best[position - 1].score { position -= 1 }
                best.insert(Candidate(beam: beam, word: word, score: score), at: position)
                if best.count > count { best.removeLast() }
            }
        }
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
