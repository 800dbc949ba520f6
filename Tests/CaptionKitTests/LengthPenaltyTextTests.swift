import CaptionKit
import Testing

/// The text form of a length penalty, read by `caption --length-penalty` and the service.
@Suite struct LengthPenaltyTextTests {
    @Test func readsEachForm() {
        #expect(DecodingOptions.LengthPenalty(text: "none") == DecodingOptions.LengthPenalty.none)
        #expect(DecodingOptions.LengthPenalty(text: "avg") == .average)
        #expect(DecodingOptions.LengthPenalty(text: "wu") == .wu(alpha: 0.7))
        #expect(DecodingOptions.LengthPenalty(text: "wu:1.5") == .wu(alpha: 1.5))
        // A negative alpha parses; validation says what is wrong with it.
        #expect(DecodingOptions.LengthPenalty(text: "wu:-1") == .wu(alpha: -1))
    }

    @Test func refusesOtherText() {
        for text in ["", "average", "wu:", "wu:x", "WU", "none "] {
            #expect(DecodingOptions.LengthPenalty(text: text) == nil, "\(text)")
        }
    }

    @Test func textReadsBack() {
        for penalty in [DecodingOptions.LengthPenalty.none, .average, .wu(alpha: 0.7), .wu(alpha: 2.25)] {
            #expect(DecodingOptions.LengthPenalty(text: penalty.text) == penalty)
        }
    }
}
