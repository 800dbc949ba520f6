import Foundation

/// A parsed JSON value that keeps booleans, numbers and strings apart (Foundation's
/// `JSONSerialization` blurs `true` and `1` on some platforms).
enum JSONValue: Decodable, Equatable {
    case null
    case bool(Bool)
    case number(Double)
    case string(String)
    case array([JSONValue])
    case object([String: JSONValue])

    init(from decoder: Decoder) throws {
        let container = try decoder.singleValueContainer()
        if container.decodeNil() {
            self = .null
        } else if let value = try? container.decode(Bool.self) {
            self = .bool(value)
        } else if let value = try? container.decode(Double.self) {
            self = .number(value)
        } else if let value = try? container.decode(String.self) {
            self = .string(value)
        } else if let value = try? container.decode([JSONValue].self) {
            self = .array(value)
        } else {
            self = .object(try container.decode([String: JSONValue].self))
        }
    }

    /// Parses `data`; a syntax error becomes `CaptionError.invalidConfiguration` naming `path`.
    static func parse(_ data: Data, path: String) throws -> JSONValue {
        do {
            return try JSONDecoder().decode(JSONValue.self, from: data)
        } catch let DecodingError.dataCorrupted(context) {
            let underlying = context.underlyingError.map { ": \(ModelConfiguration.reason(of: $0))" } ?? ""
            throw CaptionError.invalidConfiguration(path: path, field: "(json)", reason: "malformed JSON\(underlying)")
        } catch {
            throw CaptionError.invalidConfiguration(path: path, field: "(json)", reason: "malformed JSON: \(ModelConfiguration.reason(of: error))")
        }
    }

    /// A short rendering for error messages.
    var summary: String {
        switch self {
        case .null: return "null"
        case let .bool(value): return String(value)
        case let .number(value): return value == value.rounded() && abs(value) < 1e15 ? String(Int(value)) : String(value)
        case let .string(value): return "\"\(value)\""
        case .array: return "a list"
        case .object: return "an object"
        }
    }
}
