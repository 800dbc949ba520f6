/// Parses the Python literal in a `.npy` header: a small tokenizer plus a recursive-descent
/// parser over strings, integers, `True`/`False`/`None`, tuples, lists and dicts.
///
/// It accepts what `ast.literal_eval` accepts for these forms (any whitespace, trailing
/// commas, `(x)` as a parenthesised value and `(x,)` as a tuple, single or double quotes,
/// `u'...'` strings)
/// and Python 2's `3L` integers that NumPy itself still reads. Nesting is limited so a
/// hostile header cannot exhaust the stack.
struct PythonLiteralParser {
    /// Why the text is not a literal this parser understands, with the byte offset.
    struct SyntaxError: Error, Equatable {
        /// What went wrong and where.
        let reason: String
    }

    /// Deepest nesting of brackets accepted (NumPy headers use at most 3).
    static let maximumDepth = 32

    private let text: [UInt8]
    private var position = 0

    private init(text: [UInt8]) {
        self.text = text
    }

    /// Parses `text` (UTF-8) as exactly one literal, optionally surrounded by whitespace.
    static func parse(_ text: [UInt8]) throws(SyntaxError) -> PythonLiteral {
        var parser = PythonLiteralParser(text: text)
        let value = try parser.parseValue(depth: 0)
        parser.skipWhitespace()
        guard parser.position == text.count else {
            throw parser.failure("unexpected text after the literal")
        }
        return value
    }

    private mutating func parseValue(depth: Int) throws(SyntaxError) -> PythonLiteral {
        guard depth <= PythonLiteralParser.maximumDepth else {
            throw failure("nested more than \(PythonLiteralParser.maximumDepth) levels deep")
        }
        skipWhitespace()
        guard let byte = peek() else { throw failure("expected a value, found the end of the header") }
        switch byte {
        case UInt8(ascii: "{"):
            return try parseDictionary(depth: depth)
        case UInt8(ascii: "["):
            position += 1
            return .list(try parseItems(until: UInt8(ascii: "]"), depth: depth))
        case UInt8(ascii: "("):
            return try parseParenthesised(depth: depth)
        case UInt8(ascii: "'"), UInt8(ascii: "\""):
            return .string(try parseString())
        case UInt8(ascii: "u") where isQuote(at: position + 1), UInt8(ascii: "U") where isQuote(at: position + 1):
            // Python 2 era unicode literal, u'...': the same string in Python 3.
            position += 1
            return .string(try parseString())
        case UInt8(ascii: "-"), UInt8(ascii: "+"), UInt8(ascii: "0")...UInt8(ascii: "9"):
            return .integer(try parseInteger())
        default:
            return try parseName()
        }
    }

    /// `{key: value, ...}` with string keys, each at most once.
    private mutating func parseDictionary(depth: Int) throws(SyntaxError) -> PythonLiteral {
        position += 1
        var entries: [(key: String, value: PythonLiteral)] = []
        var seen = Set<String>()
        while true {
            skipWhitespace()
            if peek() == UInt8(ascii: "}") {
                position += 1
                return .dictionary(entries)
            }
            let keyStart = position
            guard case let .string(key) = try parseValue(depth: depth + 1) else {
                position = keyStart
                throw failure("dictionary keys must be strings")
            }
            guard seen.insert(key).inserted else {
                position = keyStart
                throw failure("key '\(key)' appears twice")
            }
            skipWhitespace()
            try expect(UInt8(ascii: ":"))
            entries.append((key, try parseValue(depth: depth + 1)))
            skipWhitespace()
            if peek() == UInt8(ascii: ",") {
                position += 1
            } else if peek() != UInt8(ascii: "}") {
                throw failure("expected ',' or '}'")
            }
        }
    }

    /// `()` and `(a,)` and `(a, b)` are tuples; `(a)` is just `a`, as in Python.
    private mutating func parseParenthesised(depth: Int) throws(SyntaxError) -> PythonLiteral {
        position += 1
        skipWhitespace()
        if peek() == UInt8(ascii: ")") {
            position += 1
            return .tuple([])
        }
        let first = try parseValue(depth: depth + 1)
        skipWhitespace()
        if peek() == UInt8(ascii: ")") {
            position += 1
            return first
        }
        try expect(UInt8(ascii: ","))
        return .tuple([first] + (try parseItems(until: UInt8(ascii: ")"), depth: depth)))
    }

    /// Comma-separated values up to and including `closing`; a trailing comma is allowed.
    private mutating func parseItems(until closing: UInt8, depth: Int) throws(SyntaxError) -> [PythonLiteral] {
        var items: [PythonLiteral] = []
        while true {
            skipWhitespace()
            if peek() == closing {
                position += 1
                return items
            }
            items.append(try parseValue(depth: depth + 1))
            skipWhitespace()
            if peek() == UInt8(ascii: ",") {
                position += 1
            } else if peek() != closing {
                throw failure("expected ',' or '\(Character(Unicode.Scalar(closing)))'")
            }
        }
    }

    /// A quoted string with `\\`, `\'` and `\"` escapes (NumPy headers need no others).
    private mutating func parseString() throws(SyntaxError) -> String {
        let quote = text[position]
        position += 1
        var bytes: [UInt8] = []
        while let byte = peek() {
            position += 1
            if byte == quote {
                return String(decoding: bytes, as: UTF8.self)
            }
            if byte == UInt8(ascii: "\n") {
                break
            }
            if byte == UInt8(ascii: "\\") {
                guard let escaped = peek(), [UInt8(ascii: "\\"), UInt8(ascii: "'"), UInt8(ascii: "\"")].contains(escaped) else {
                    throw failure("unsupported escape in a string")
                }
                position += 1
                bytes.append(escaped)
            } else {
                bytes.append(byte)
            }
        }
        throw failure("unterminated string")
    }

    /// A decimal integer with an optional sign and Python 2 `L` suffix.
    private mutating func parseInteger() throws(SyntaxError) -> Int {
        let start = position
        var negative = false
        if let sign = peek(), sign == UInt8(ascii: "-") || sign == UInt8(ascii: "+") {
            negative = sign == UInt8(ascii: "-")
            position += 1
            skipWhitespace()
        }
        var magnitude = 0
        var digits = 0
        while let byte = peek(), byte >= UInt8(ascii: "0"), byte <= UInt8(ascii: "9") {
            let (shifted, overflowShift) = magnitude.multipliedReportingOverflow(by: 10)
            let (sum, overflowAdd) = shifted.addingReportingOverflow(Int(byte - UInt8(ascii: "0")))
            guard !overflowShift, !overflowAdd else {
                position = start
                throw failure("integer does not fit in 64 bits")
            }
            magnitude = sum
            digits += 1
            position += 1
        }
        guard digits > 0 else {
            position = start
            throw failure("expected digits")
        }
        if let suffix = peek(), suffix == UInt8(ascii: "L") || suffix == UInt8(ascii: "l") {
            position += 1
        }
        if let next = peek(), PythonLiteralParser.isNameByte(next) {
            throw failure("unexpected character after a number")
        }
        return negative ? -magnitude : magnitude
    }

    /// `True`, `False` or `None`; any other name is refused.
    private mutating func parseName() throws(SyntaxError) -> PythonLiteral {
        let start = position
        while let byte = peek(), PythonLiteralParser.isNameByte(byte) {
            position += 1
        }
        switch String(decoding: text[start..<position], as: UTF8.self) {
        case "True": return .boolean(true)
        case "False": return .boolean(false)
        case "None": return .none
        case "":
            throw failure("unexpected character")
        case let name:
            position = start
            throw failure("'\(name)' is not a literal")
        }
    }

    private mutating func expect(_ byte: UInt8) throws(SyntaxError) {
        guard peek() == byte else { throw failure("expected '\(Character(Unicode.Scalar(byte)))'") }
        position += 1
    }

    private func isQuote(at index: Int) -> Bool {
        index < text.count && (text[index] == UInt8(ascii: "'") || text[index] == UInt8(ascii: "\""))
    }

    private func peek() -> UInt8? {
        position < text.count ? text[position] : nil
    }

    private mutating func skipWhitespace() {
        while let byte = peek(), byte == 0x20 || byte == 0x09 || byte == 0x0A || byte == 0x0D || byte == 0x0C {
            position += 1
        }
    }

    private static func isNameByte(_ byte: UInt8) -> Bool {
        (byte >= UInt8(ascii: "a") && byte <= UInt8(ascii: "z")) || (byte >= UInt8(ascii: "A") && byte <= UInt8(ascii: "Z"))
            || (byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "9")) || byte == UInt8(ascii: "_")
    }

    private func failure(_ reason: String) -> SyntaxError {
        SyntaxError(reason: "\(reason) at header byte \(position)")
    }
}
