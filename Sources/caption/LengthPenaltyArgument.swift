import ArgumentParser
import CaptionKit

/// The `--length-penalty` value: `none`, `avg`, `wu` (GNMT with alpha 0.7) or `wu:ALPHA`,
/// read by `DecodingOptions.LengthPenalty(text:)`, the parser the service shares.
struct LengthPenaltyArgument: ExpressibleByArgument, Sendable {
    /// The penalty the search uses.
    let penalty: DecodingOptions.LengthPenalty

    /// A value standing for `penalty`.
    init(_ penalty: DecodingOptions.LengthPenalty) {
        self.penalty = penalty
    }

    /// Parses the option's text; nil when it is none of the forms.
    init?(argument: String) {
        guard let penalty = DecodingOptions.LengthPenalty(text: argument) else { return nil }
        self.penalty = penalty
    }

    /// How the value is written on the command line.
    var defaultValueDescription: String { penalty.text }

    /// The accepted forms, for `--help` and error messages.
    static var allValueStrings: [String] { DecodingOptions.LengthPenalty.textForms }
}
