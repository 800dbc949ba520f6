import CaptionEval
import Foundation

/// Small JSON writing helpers for the server's hand-written answers (key order kept, floats
/// as their shortest round-trip decimal).
enum JSONText {
    /// A JSON string literal (CaptionEval's JSON writer does the escaping, as for `caption --json`).
    static func string(_ text: String) -> String {
        JSONWriter.quoted(text)
    }

    /// A JSON number for a float: the shortest round-trip decimal, `null` if not finite.
    static func number(_ value: Float) -> String {
        value.isFinite ? "\(value)" : "null"
    }

    /// Milliseconds with two decimals.
    static func milliseconds(_ duration: Duration) -> String {
        let (seconds, attoseconds) = duration.components
        return String(format: "%.2f", Double(seconds) * 1000 + Double(attoseconds) / 1e15)
    }

    /// Seconds without a trailing ".0" for whole numbers.
    static func seconds(_ value: Double) -> String {
        value == value.rounded() && abs(value) < 1e9 ? String(Int(value)) : String(value)
    }
}
