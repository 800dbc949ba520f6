/// Serializes `JSONValue`s as UTF-8 JSON text: members in their stored order, numbers in
/// their shortest round-trip form (`0.1`, not `0.10000000000000001`), non-finite numbers as
/// `null`, non-ASCII text as is.
public enum JSONWriter {
    /// The JSON text of `value`; with `indent`, nested values go on their own lines.
    public static func serialize(_ value: JSONValue, indent: Int? = 2) -> String {
        var output = ""
        write(value, to: &output, indent: indent, level: 0)
        return output
    }

    private static func write(_ value: JSONValue, to output: inout String, indent: Int?, level: Int) {
        switch value {
        case .null: output += "null"
        case .bool(let flag): output += flag ? "true" : "false"
        case .integer(let integer): output += String(integer)
        case .number(let number): output += number.isFinite ? "\(number)" : "null"
        case .string(let string): writeString(string, to: &output)
        case .array(let elements):
            writeContainer(elements, open: "[", close: "]", to: &output, indent: indent, level: level) { element, output in
                write(element, to: &output, indent: indent, level: level + 1)
            }
        case .object(let members):
            writeContainer(members, open: "{", close: "}", to: &output, indent: indent, level: level) { member, output in
                writeString(member.key, to: &output)
                output += indent == nil ? ":" : ": "
                write(member.value, to: &output, indent: indent, level: level + 1)
            }
        }
    }

    private static func writeContainer<Element>(
        _ elements: [Element], open: String, close: String, to output: inout String, indent: Int?, level: Int,
        writeElement: (Element, inout String) -> Void
    ) {
        output += open
        guard !elements.isEmpty else {
            output += close
            return
        }
        let inner = indent.map { "\n" + String(repeating: " ", count: $0 * (level + 1)) } ?? ""
        for (index, element) in elements.enumerated() {
            if index > 0 { output += "," }
            output += inner
            writeElement(element, &output)
        }
        output += indent.map { "\n" + String(repeating: " ", count: $0 * level) } ?? ""
        output += close
    }

    /// `string` as a JSON string literal: quotes, backslashes and control characters escaped,
    /// everything else as is.
    public static func quoted(_ string: String) -> String {
        var output = ""
        writeString(string, to: &output)
        return output
    }

    private static func writeString(_ string: String, to output: inout String) {
        output += "\""
        for scalar in string.unicodeScalars {
            switch scalar {
            case "\"": output += "\\\""
            case "\\": output += "\\\\"
            case "\n": output += "\\n"
            case "\r": output += "\\r"
            case "\t": output += "\\t"
            case _ where scalar.value < 0x20:
                let hex = String(scalar.value, radix: 16)
                output += "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
            default: output.unicodeScalars.append(scalar)
            }
        }
        output += "\""
    }
}
