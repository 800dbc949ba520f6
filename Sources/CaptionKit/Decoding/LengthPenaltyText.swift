extension DecodingOptions.LengthPenalty {
    /// GNMT's alpha when `wu` is written without one.
    public static let defaultWuAlpha: Float = 0.7

    /// The forms the text of a length penalty takes, for help and error messages.
    public static let textForms = ["none", "avg", "wu", "wu:ALPHA"]

    /// Parses the text form `caption --length-penalty` and the service's `length_penalty`
    /// share: `none`, `avg`, `wu` (alpha 0.7) or `wu:ALPHA` (ALPHA a decimal number); nil for
    /// anything else. Any number parses as ALPHA, so that `DecodingOptions.validate()` can say
    /// what is wrong with a negative or non-finite one.
    public init?(text: String) {
        switch text {
        case "none":
            self = .none
        case "avg":
            self = .average
        case "wu":
            self = .wu(alpha: DecodingOptions.LengthPenalty.defaultWuAlpha)
        default:
            guard text.hasPrefix("wu:"), let alpha = Float(text.dropFirst(3)) else {
                return nil
            }
            self = .wu(alpha: alpha)
        }
    }

    /// The text form, as `init?(text:)` reads it back.
    public var text: String {
        switch self {
        case .none: return "none"
        case .average: return "avg"
        case let .wu(alpha): return "wu:\(alpha)"
        }
    }
}
