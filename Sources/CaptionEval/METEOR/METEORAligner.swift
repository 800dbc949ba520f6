/// METEOR 1.5's alignment search: the matches that are alone at their start and cover each
/// of their words once are fixed, then a beam search walks the reference left to right and
/// picks, at each word, one of the matches starting there or none. Every detail that decides
/// which of two equally good alignments wins is the jar's (see `Path` and `align`).
enum METEORAligner {
    /// The search's stage weights (exact 1, others 0.5), not the scoring weights.
    private static let searchWeights = [1.0, 0.5, 0.5, 0.5]
    /// Paths kept per reference position.
    private static let beamSize = 40

    /// A partial alignment.
    private struct Path {
        /// The match chosen at each reference position (an index into the flat match list).
        var chosen: [Int32]
        var hypothesisUsed: [Bool]
        var referenceUsed: [Bool]
        /// Weighted matched words per side: integers, each addition truncated (so a one-word
        /// stem or synonym match, weight 0.5, adds nothing).
        var matches1 = 0
        var matches2 = 0
        var chunks = 0
        /// The next reference position this path has not passed.
        var index = 0
        /// One past the hypothesis end of the previous match in the current chunk, or -1.
        var lastMatchEnd = -1
        var distance = 0

        /// Ranked before `other`: more matched words, then fewer chunks, then less distance.
        func ranks(before other: Path) -> Bool {
            let words = matches1 + matches2
            let otherWords = other.matches1 + other.matches2
            if words != otherWords { return words > otherWords }
            if chunks != other.chunks { return chunks < other.chunks }
            return distance < other.distance
        }

        mutating func take(_ match: METEORMatch) {
            let weight = METEORAligner.searchWeights[match.stage]
            matches1 = Int(Double(matches1) + Double(match.matchLength) * weight)
            matches2 = Int(Double(matches2) + Double(match.length) * weight)
            if lastMatchEnd != -1 && match.matchStart != lastMatchEnd {
                chunks += 1
            }
            index = match.start + match.length
            lastMatchEnd = match.matchStart + match.matchLength
        }

        func isUsed(_ match: METEORMatch) -> Bool {
            (0..<match.length).contains { referenceUsed[match.start + $0] }
                || (0..<match.matchLength).contains { hypothesisUsed[match.matchStart + $0] }
        }

        mutating func markUsed(_ match: METEORMatch) {
            for k in 0..<match.length { referenceUsed[match.start + k] = true }
            for k in 0..<match.matchLength { hypothesisUsed[match.matchStart + k] = true }
        }
    }

    /// The best alignment of one pair: the chosen match (or nil) at each reference position.
    static func align(_ matches: METEORMatches, hypothesisCount: Int, referenceCount: Int) -> [METEORMatch?] {
        let all = matches.byStart.flatMap { $0 }
        var firstIndex: [Int] = []
        var running = 0
        for list in matches.byStart {
            firstIndex.append(running)
            running += list.count
        }
        var start = Path(chosen: Array(repeating: -1, count: referenceCount),
                         hypothesisUsed: Array(repeating: false, count: hypothesisCount),
                         referenceUsed: Array(repeating: false, count: referenceCount))
        // A match alone at its start whose words no other match covers is certain.
        for (position, list) in matches.byStart.enumerated() where list.count == 1 {
            let match = list[0]
            let alone = (0..<match.length).allSatisfy { matches.referenceCoverage[position + $0] == 1 }
                && (0..<match.matchLength).allSatisfy { matches.hypothesisCoverage[match.matchStart + $0] == 1 }
            if alone {
                start.chosen[position] = Int32(firstIndex[position])
                start.markUsed(match)
            }
        }
        var next = [start]
        for current in 0...referenceCount {
            let paths = stableSorted(next)
            next = []
            for var path in paths.prefix(beamSize) {
                if current == referenceCount {
                    if path.lastMatchEnd != -1 { path.chunks += 1 }
                    next.append(path)
                    continue
                }
                if path.referenceUsed[current] {
                    if current < path.index {
                        next.append(path)  // inside a chosen match
                    } else if path.chosen[path.index] >= 0 {
                        // A fixed match starts here.
                        let match = all[Int(path.chosen[path.index])]
                        path.take(match)
                        path.distance += abs(match.start - match.matchStart)
                        next.append(path)
                    }
                    continue
                }
                for (offset, match) in matches.byStart[current].enumerated() where !path.isUsed(match) {
                    var extended = path
                    extended.markUsed(match)
                    extended.chosen[current] = Int32(firstIndex[current] + offset)
                    extended.take(match)
                    // The jar adds the distance to the path being extended, not the new one,
                    // so later extensions and the skip below inherit it.
                    path.distance += abs(match.start - match.matchStart)
                    next.append(extended)
                }
                // Skip this reference word.
                if path.lastMatchEnd != -1 {
                    path.chunks += 1
                    path.lastMatchEnd = -1
                }
                path.index += 1
                next.append(path)
            }
            if next.isEmpty {
                next.append(paths[0])
            }
        }
        let best = stableSorted(next)[0]
        return best.chosen.map { $0 >= 0 ? all[Int($0)] : nil }
    }

    /// `paths` ranked, equal paths in their original order (Java's stable merge sort).
    private static func stableSorted(_ paths: [Path]) -> [Path] {
        paths.enumerated().sorted { a, b in
            if a.element.ranks(before: b.element) { return true }
            if b.element.ranks(before: a.element) { return false }
            return a.offset < b.offset
        }.map(\.element)
    }
}
