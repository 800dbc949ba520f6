/// A strict JSON parser (RFC 8259) over UTF-8 bytes that reports where it stopped: a
/// malformed file gives `EvaluationError.malformedJSON` with the 1-based line and column
/// (in characters). Foundation's `JSONSerialization` reports only a character offset, and
/// not always that.
public struct JSONReader {
    private let bytes: [UInt8]
    private let path: String
    private var offset = 0
    private var depth = 0

    /// The deepest nesting accepted; deeper input is refused instead of exhausting the stack.
    public static let maximumDepth = 512

    private init(bytes: [UInt8], path: String) {
        self.bytes = bytes
        self.path = path
    }

    /// Parses one JSON document; `path` names the file in errors. A leading UTF-8 byte order
    /// mark is skipped.
    public static func parse(_ bytes: [UInt8], path: String) throws(EvaluationError) -> JSONValue {
        var reader = JSONReader(bytes: bytes, path: path)
        if bytes.starts(with: [0xEF, 0xBB, 0xBF]) { reader.offset = 3 }
        reader.skipWhitespace()
        guard reader.offset < bytes.count else { throw EvaluationError.emptyFile(path: path) }
        let value = try reader.parseValue()
        reader.skipWhitespace()
        guard reader.offset == bytes.count else { throw reader.failure("unexpected text after the JSON value") }
        return value
    }

    private mutating func parseValue() throws(EvaluationError) -> JSONValue {
        skipWhitespace()
        guard offset < bytes.count else { throw failure("unexpected end of file, expected a value") }
        switch bytes[offset] {
        case UInt8(ascii: "{"): return try parseObject()
        case UInt8(ascii: "["): return try parseArray()
        case UInt8(ascii: "\""): return .string(try parseString())
        case UInt8(ascii: "t"): try expectWord("true"); return .bool(true)
        case UInt8(ascii: "f"): try expectWord("false"); return .bool(false)
        case UInt8(ascii: "n"): try expectWord("null"); return .null
        case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"): return try parseNumber()
        default: throw failure("unexpected character \(describeCurrent()), expected a value")
        }
    }

    private mutating func parseObject() throws(EvaluationError) -> JSONValue {
        try enterContainer()
        offset += 1
        var members: [(key: String, value: JSONValue)] = []
        skipWhitespace()
        if peek() == UInt8(ascii: "}") {
            offset += 1
            depth -= 1
            return .object(members)
        }
        while true {
            skipWhitespace()
            guard peek() == UInt8(ascii: "\"") else { throw failure("expected a member name in double quotes, found \(describeCurrent())") }
            let key = try parseString()
            skipWhitespace()
            guard peek() == UInt8(ascii: ":") else { throw failure("expected ':' after member name, found \(describeCurrent())") }
            offset += 1
            members.append((key, try parseValue()))
            skipWhitespace()
            switch peek() {
            case UInt8(ascii: ","): offset += 1
            case UInt8(ascii: "}"):
                offset += 1
                depth -= 1
                return .object(members)
            default: throw failure("expected ',' or '}' in object, found \(describeCurrent())")
            }
        }
    }

    private mutating func parseArray() throws(EvaluationError) -> JSONValue {
        try enterContainer()
        offset += 1
        var elements: [JSONValue] = []
        skipWhitespace()
        if peek() == UInt8(ascii: "]") {
            offset += 1
            depth -= 1
            return .array(elements)
        }
        while true {
            elements.append(try parseValue())
            skipWhitespace()
            switch peek() {
            case UInt8(ascii: ","): offset += 1
            case UInt8(ascii: "]"):
                offset += 1
                depth -= 1
                return .array(elements)
            default: throw failure("expected ',' or ']' in array, found \(describeCurrent())")
            }
        }
    }

    private mutating func enterContainer() throws(EvaluationError) {
        depth += 1
        if depth > Self.maximumDepth { throw failure("nesting deeper than \(Self.maximumDepth) levels") }
    }

    private mutating func parseString() throws(EvaluationError) -> String {
        offset += 1  // opening quote
        var units: [UInt8] = []
        var start = offset
        while true {
            guard offset < bytes.count else { throw failure("unterminated string") }
            let byte = bytes[offset]
            if byte == UInt8(ascii: "\"") {
                units.append(contentsOf: bytes[start..<offset])
                offset += 1
                break
            }
            if byte < 0x20 { throw failure("control character U+\(String(byte, radix: 16, uppercase: true)) inside a string (write it as an escape)") }
            if byte == UInt8(ascii: "\\") {
                units.append(contentsOf: bytes[start..<offset])
                try appendEscape(to: &units)
                start = offset
                continue
            }
            offset += 1
        }
        guard let string = String(validating: units, as: UTF8.self) else {
            throw failure("string is not valid UTF-8")
        }
        return string
    }

    private mutating func appendEscape(to units: inout [UInt8]) throws(EvaluationError) {
        offset += 1  // backslash
        guard offset < bytes.count else { throw failure("unterminated escape") }
        let escaped = bytes[offset]
        offset += 1
        switch escaped {
        case UInt8(ascii: "\""), UInt8(ascii: "\\"), UInt8(ascii: "/"): units.append(escaped)
        case UInt8(ascii: "b"): units.append(0x08)
        case UInt8(ascii: "f"): units.append(0x0C)
        case UInt8(ascii: "n"): units.append(0x0A)
        case UInt8(ascii: "r"): units.append(0x0D)
        case UInt8(ascii: "t"): units.append(0x09)
        case UInt8(ascii: "u"):
            var scalar = UInt32(try hexQuad())
            if (0xD800...0xDBFF).contains(scalar) {
                guard bytes[offset...].starts(with: [UInt8(ascii: "\\"), UInt8(ascii: "u")]) else {
                    throw failure("unpaired surrogate \\u\(String(scalar, radix: 16)) in string")
                }
                offset += 2
                let low = UInt32(try hexQuad())
                guard (0xDC00...0xDFFF).contains(low) else { throw failure("invalid low surrogate in string") }
                scalar = 0x10000 + ((scalar - 0xD800) << 10) + (low - 0xDC00)
            } else if (0xDC00...0xDFFF).contains(scalar) {
                throw failure("unpaired surrogate \\u\(String(scalar, radix: 16)) in string")
            }
            guard let value = Unicode.Scalar(scalar) else { throw failure("invalid \\u escape") }
            units.append(contentsOf: String(value).utf8)
        default:
            offset -= 1
            throw failure("invalid escape '\\\(describeCurrent())' in string")
        }
    }

    private mutating func hexQuad() throws(EvaluationError) -> UInt16 {
        var value: UInt16 = 0
        for _ in 0..<4 {
            guard offset < bytes.count, let digit = Self.hexValue(bytes[offset]) else {
                throw failure("\\u must be followed by four hexadecimal digits")
            }
            value = value << 4 | UInt16(digit)
            offset += 1
        }
        return value
    }

    private static func hexValue(_ byte: UInt8) -> UInt8? {
        switch byte {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): return byte - UInt8(ascii: "0")
        case UInt8(ascii: "a")...UInt8(ascii: "f"): return byte - UInt8(ascii: "a") + 10
        case UInt8(ascii: "A")...UInt8(ascii: "F"): return byte - UInt8(ascii: "A") + 10
        default: return nil
        }
    }

    private mutating func parseNumber() throws(EvaluationError) -> JSONValue {
        let start = offset
        var isInteger = true
        if peek() == UInt8(ascii: "-") { offset += 1 }
        guard let first = peek(), Self.isDigit(first) else { throw failure("invalid number: expected a digit") }
        if first == UInt8(ascii: "0") {
            offset += 1
            if let next = peek(), Self.isDigit(next) { throw failure("invalid number: leading zero") }
        } else {
            skipDigits()
        }
        if peek() == UInt8(ascii: ".") {
            isInteger = false
            offset += 1
            guard let digit = peek(), Self.isDigit(digit) else { throw failure("invalid number: expected a digit after '.'") }
            skipDigits()
        }
        if peek() == UInt8(ascii: "e") || peek() == UInt8(ascii: "E") {
            isInteger = false
            offset += 1
            if peek() == UInt8(ascii: "+") || peek() == UInt8(ascii: "-") { offset += 1 }
            guard let digit = peek(), Self.isDigit(digit) else { throw failure("invalid number: expected a digit in the exponent") }
            skipDigits()
        }
        let text = String(decoding: bytes[start..<offset], as: UTF8.self)
        if isInteger, let integer = Int(text) { return .integer(integer) }
        guard let value = Double(text), value.isFinite else { throw failure("number \(text) is out of range") }
        return .number(value)
    }

    private mutating func skipDigits() {
        while let byte = peek(), Self.isDigit(byte) { offset += 1 }
    }

    private static func isDigit(_ byte: UInt8) -> Bool {
        (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(byte)
    }

    private mutating func expectWord(_ word: String) throws(EvaluationError) {
        for expected in word.utf8 {
            guard peek() == expected else { throw failure("unexpected character \(describeCurrent()), expected '\(word)'") }
            offset += 1
        }
    }

    private func peek() -> UInt8? {
        offset < bytes.count ? bytes[offset] : nil
    }

    private mutating func skipWhitespace() {
        while let byte = peek(), byte == 0x20 || byte == 0x0A || byte == 0x0D || byte == 0x09 { offset += 1 }
    }

    private func describeCurrent() -> String {
        guard offset < bytes.count else { return "end of file" }
        let byte = bytes[offset]
        if byte >= 0x21 && byte < 0x7F { return "'\(Character(Unicode.Scalar(byte)))'" }
        return "byte 0x\(String(byte, radix: 16, uppercase: true))"
    }

    /// The error for the current offset, with its line and column.
    private func failure(_ reason: String) -> EvaluationError {
        let position = TextPosition(of: min(offset, bytes.count), in: bytes)
        return .malformedJSON(path: path, line: position.line, column: position.column, reason: reason)
    }
}

/// A 1-based line and column (in characters) of a byte offset in UTF-8 text.
struct TextPosition {
    let line: Int
    let column: Int

    init(of offset: Int, in bytes: [UInt8]) {
        var line = 1
        var column = 1
        for byte in bytes[..<offset] {
            if byte == 0x0A {
                line += 1
                column = 1
            } else if byte & 0xC0 != 0x80 {
                column += 1  // count characters: skip UTF-8 continuation bytes
            }
        }
        self.line = line
        self.column = column
    }
}
