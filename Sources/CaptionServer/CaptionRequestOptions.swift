import CaptionKit

/// The query parameters of `POST /v1/captions`: the search options and whether to return
/// attention maps. Unknown parameters and values out of range are refused (400), never
/// ignored, so a typo does not silently caption with the defaults.
struct CaptionRequestOptions: Equatable {
    /// The parameters the endpoint understands.
    static let known = ["beam_size", "n_best", "max_length", "length_penalty", "attention"]

    /// Largest values a client may ask for: a search this wide or long is never useful, and
    /// the limits keep one request from holding a worker for minutes.
    static let maximumBeamSize = 20
    static let maximumLength = 100

    /// The search options.
    var decoding = DecodingOptions()
    /// Whether the answer includes one attention map per word.
    var attention = false

    /// Parses `parameters` (name, value pairs in request order).
    /// - Throws: `APIError` 400 naming the parameter and what it accepts.
    init(parameters: [(String, String)]) throws {
        var seen = Set<String>()
        for (name, value) in parameters {
            guard CaptionRequestOptions.known.contains(name) else {
                throw APIError.badOption("unknown option '\(name)'; the options are \(CaptionRequestOptions.known.joined(separator: ", "))")
            }
            guard seen.insert(name).inserted else {
                throw APIError.badOption("option '\(name)' is given more than once")
            }
            switch name {
            case "beam_size":
                decoding.beamSize = try CaptionRequestOptions.integer(name, value, in: 1...CaptionRequestOptions.maximumBeamSize)
            case "n_best":
                decoding.nBest = try CaptionRequestOptions.integer(name, value, in: 1...CaptionRequestOptions.maximumBeamSize)
            case "max_length":
                decoding.maxLength = try CaptionRequestOptions.integer(name, value, in: 1...CaptionRequestOptions.maximumLength)
            case "length_penalty":
                decoding.lengthPenalty = try CaptionRequestOptions.lengthPenalty(value)
            default:
                attention = try CaptionRequestOptions.boolean(name, value)
            }
        }
        do {
            try decoding.validate()
        } catch let CaptionError.invalidOptions(reason) {
            throw APIError.badOption(reason)
        }
    }

    private static func integer(_ name: String, _ value: String, in range: ClosedRange<Int>) throws -> Int {
        guard let number = Int(value), range.contains(number) else {
            throw APIError.badOption("option '\(name)' must be a whole number from \(range.lowerBound) to \(range.upperBound), got '\(value)'")
        }
        return number
    }

    private static func boolean(_ name: String, _ value: String) throws -> Bool {
        switch value {
        case "true", "1", "": return true
        case "false", "0": return false
        default: throw APIError.badOption("option '\(name)' must be true or false, got '\(value)'")
        }
    }

    /// The largest GNMT alpha a client may ask for.
    static let maximumWuAlpha: Float = 10

    /// `none`, `avg`, `wu` or `wu:ALPHA`, read as `caption --length-penalty` reads it, with
    /// ALPHA from 0 to `maximumWuAlpha`.
    private static func lengthPenalty(_ value: String) throws -> DecodingOptions.LengthPenalty {
        let forms = DecodingOptions.LengthPenalty.textForms.joined(separator: ", ")
        guard let penalty = DecodingOptions.LengthPenalty(text: value) else {
            throw APIError.badOption("option 'length_penalty' must be one of \(forms) (ALPHA from 0 to 10), got '\(value)'")
        }
        if case let .wu(alpha) = penalty, !(0...maximumWuAlpha).contains(alpha) {
            throw APIError.badOption("option 'length_penalty': ALPHA must be from 0 to 10, got '\(value)'")
        }
        return penalty
    }
}
