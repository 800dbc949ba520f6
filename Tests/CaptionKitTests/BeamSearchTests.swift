import Foundation
import Testing
@testable import CaptionKit

/// A decoder whose log-probabilities are a fixed function of each beam's history, so the
/// best sequences can be worked out by hand.
private struct ScriptedDecoder: StepDecoder {
    let vocabularySize: Int
    let attentionSize = 2
    /// Probabilities (not logs) of the next word given the words so far (without `<start>`).
    let next: ([Int]) -> [Float]
    private var histories: [[Int]] = []
    private var logProbabilities: [Float] = []
    private var attention: [Float] = []
    private(set) var stepCount = 0

    init(vocabularySize: Int, next: @escaping ([Int]) -> [Float]) {
        self.vocabularySize = vocabularySize
        self.next = next
    }

    mutating func reset() {
        histories = [[]]
        stepCount = 0
    }

    mutating func step(tokens: [Int]) {
        #expect(tokens.count == histories.count)
        for (beam, token) in tokens.enumerated() where token != Words.start {
            histories[beam].append(token)
        }
        logProbabilities = histories.flatMap { history in next(history).map { Float(log(Double($0))) } }
        attention = histories.flatMap { history in [Float(history.count % 2), Float(1 - history.count % 2)] }
        stepCount += 1
    }

    func withStepOutputs<Result>(_ body: (UnsafeBufferPointer<Float>, UnsafeBufferPointer<Float>) -> Result) -> Result {
        logProbabilities.withUnsafeBufferPointer { probabilities in
            attention.withUnsafeBufferPointer { weights in body(probabilities, weights) }
        }
    }

    mutating func selectBeams(_ sources: [Int]) {
        histories = sources.map { histories[$0] }
    }
}

/// Word indices of the scripted vocabulary.
private enum Words {
    static let pad = 0, start = 1, end = 2, unknown = 3, a = 4, b = 5
}

/// Uniform-ish distribution helper: probability mass `p` on listed words, the rest spread.
private func distribution(_ masses: [Int: Float], size: Int = 6) -> [Float] {
    let rest = (1 - masses.values.reduce(0, +)) / Float(size - masses.count)
    return (0..<size).map { masses[$0] ?? rest }
}

private func search(_ options: DecodingOptions, _ next: @escaping ([Int]) -> [Float]) -> [BeamSearch.Hypothesis] {
    var decoder = ScriptedDecoder(vocabularySize: 6, next: next)
    let beamSearch = BeamSearch(options: options, startIndex: Words.start, endIndex: Words.end, unknownIndex: Words.unknown)
    return beamSearch.search(&decoder)
}

@Suite("Beam search")
struct BeamSearchTests {
    /// Greedy takes "a" (0.5) then must end with low probability; beam 2 finds "b <end>"
    /// (0.4 * 0.9) which beats "a <end>" (0.5 * 0.1).
    private static let trap: @Sendable ([Int]) -> [Float] = { history in
        switch history {
        case []: return distribution([Words.a: 0.5, Words.b: 0.4])
        case [Words.a]: return distribution([Words.end: 0.1, Words.a: 0.2])
        case [Words.b]: return distribution([Words.end: 0.9])
        default: return distribution([Words.end: 0.6])
        }
    }

    @Test("greedy follows the most likely word at each step")
    func greedy() {
        let result = search(DecodingOptions(beamSize: 1), Self.trap)
        #expect(result.count == 1)
        #expect(result[0].tokens == [Words.a, Words.a, Words.end])
        let expected = log(0.5) + log(0.2) + log(0.6)
        #expect(abs(Double(result[0].score) - expected) < 1e-5)
        #expect(result[0].finished)
    }

    @Test("a wider beam finds the better sequence greedy misses")
    func beamBeatsGreedy() {
        let result = search(DecodingOptions(beamSize: 2, nBest: 2), Self.trap)
        #expect(result[0].tokens == [Words.b, Words.end])
        #expect(abs(Double(result[0].score) - (log(0.4) + log(0.9))) < 1e-5)
        #expect(result.count == 2)
        #expect(result[1].score <= result[0].score)
    }

    @Test("after maxLength steps live beams count as finished, unfinished")
    func maxLengthCutsOff() {
        let neverEnds: ([Int]) -> [Float] = { _ in distribution([Words.a: 0.7, Words.end: 0.0001]) }
        let result = search(DecodingOptions(beamSize: 3, maxLength: 4), neverEnds)
        #expect(result[0].tokens == [Words.a, Words.a, Words.a, Words.a])
        #expect(!result[0].finished)
        #expect(result[0].attention.count == 4)
    }

    @Test("ties go to the earlier beam and the lower word index")
    func ties() {
        let even: ([Int]) -> [Float] = { history in
            history.isEmpty ? distribution([Words.a: 0.4, Words.b: 0.4]) : distribution([Words.end: 0.8])
        }
        let result = search(DecodingOptions(beamSize: 2, nBest: 2), even)
        #expect(result.map(\.tokens) == [[Words.a, Words.end], [Words.b, Words.end]])
    }

    @Test("the attention of each emitted word is the step's attention of its parent beam")
    func attentionFollowsTheBeam() {
        let result = search(DecodingOptions(beamSize: 2), Self.trap)
        #expect(result[0].attention == [[0, 1], [1, 0]])
    }

    @Test("suppressing <unk> never emits it")
    func suppressUnknown() {
        let likesUnknown: ([Int]) -> [Float] = { history in
            history.count < 2 ? distribution([Words.unknown: 0.9]) : distribution([Words.end: 0.9])
        }
        #expect(search(DecodingOptions(beamSize: 1), likesUnknown)[0].tokens.contains(Words.unknown))
        #expect(!search(DecodingOptions(beamSize: 1, suppressUnknown: true), likesUnknown)[0].tokens.contains(Words.unknown))
    }

    @Test("blocking repeated trigrams stops a loop")
    func blockTrigrams() {
        let loops: ([Int]) -> [Float] = { history in
            history.count % 2 == 0 ? distribution([Words.a: 0.6, Words.end: 0.05]) : distribution([Words.b: 0.6, Words.end: 0.05])
        }
        let plain = search(DecodingOptions(beamSize: 1, maxLength: 8), loops)[0].tokens
        #expect(plain == [4, 5, 4, 5, 4, 5, 4, 5])
        let blocked = search(DecodingOptions(beamSize: 1, maxLength: 8, blockRepeatedTrigrams: true), loops)[0].tokens
        for index in 0..<(blocked.count - 2) {
            for other in (index + 1)..<(blocked.count - 2) {
                #expect(Array(blocked[index..<index + 3]) != Array(blocked[other..<other + 3]))
            }
        }
    }

    @Test("the average length penalty prefers the longer caption the raw score rejects")
    func lengthPenalty() {
        let shortOrLong: ([Int]) -> [Float] = { history in
            switch history {
            case []: return distribution([Words.end: 0.5, Words.a: 0.45])
            case [Words.a]: return distribution([Words.a: 0.9])
            default: return distribution([Words.end: 0.9])
            }
        }
        #expect(search(DecodingOptions(beamSize: 2), shortOrLong)[0].tokens == [Words.end])
        #expect(search(DecodingOptions(beamSize: 2, lengthPenalty: .average), shortOrLong)[0].tokens == [Words.a, Words.a, Words.end])
    }

    @Test("options out of range are refused")
    func invalidOptions() {
        #expect(throws: CaptionError.self) { try DecodingOptions(beamSize: 0).validate() }
        #expect(throws: CaptionError.self) { try DecodingOptions(maxLength: 0).validate() }
        #expect(throws: CaptionError.self) { try DecodingOptions(beamSize: 2, nBest: 3).validate() }
        #expect(throws: CaptionError.self) { try DecodingOptions(lengthPenalty: .wu(alpha: -1)).validate() }
    }
}
