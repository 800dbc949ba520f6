import ArgumentParser
import CaptionKit

/// The `--length-penalty` value: `none`, `avg`, `wu` (GNMT with alpha 0.7) or `wu:ALPHA`.
struct LengthPenaltyArgument: ExpressibleByArgument, Sendable {
    /// GNMT's alpha when `wu` is written without one.
    static let defaultWuAlpha: Float = 0.7

    /// The penalty the search uses.
    let penalty: DecodingOptions.LengthPenalty

    /// A value standing for `penalty`.
    init(_ penalty: DecodingOptions.LengthPenalty) {
        self.penalty = penalty
    }

    /// Parses `none`, `avg`, `wu` or `wu:ALPHA` (ALPHA a decimal number). A negative or
    /// non-finite ALPHA parses, so that validation can say what is wrong with it.
    init?(argument: String) {
        switch argument {
        case "none":
            penalty = .none
        case "avg":
            penalty = .average
        case "wu":
            penalty = .wu(alpha: LengthPenaltyArgument.defaultWuAlpha)
        default:
            guard argument.hasPrefix("wu:"), let alpha = Float(argument.dropFirst(3)) else {
                return nil
            }
            penalty = .wu(alpha: alpha)
        }
    }

    /// How the value is written on the command line.
    var defaultValueDescription: String {
        switch penalty {
        case .none: return "none"
        case .average: return "avg"
        case let .wu(alpha): return "wu:\(alpha)"
        }
    }

    /// The accepted forms, for `--help` and error messages.
    static var allValueStrings: [String] { ["none", "avg", "wu", "wu:ALPHA"] }
}
