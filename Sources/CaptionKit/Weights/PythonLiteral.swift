/// A Python literal as it appears in a `.npy` header: the header is the `repr` of a dict
/// such as `{'descr': '<f4', 'fortran_order': False, 'shape': (3, 4), }`.
///
/// Only the literal forms NumPy writes (and Python 2 era variants of them) exist here;
/// `PythonLiteralParser` builds values, nothing evaluates them.
indirect enum PythonLiteral: Equatable, Sendable {
    /// A quoted string (`'<f4'`, `"<f4"`, `u'<f4'`).
    case string(String)
    /// A whole number that fits in `Int` (`3`, `-1`, Python 2's `3L`).
    case integer(Int)
    /// `True` or `False`.
    case boolean(Bool)
    /// `None`.
    case none
    /// `(a, b)`, `(a,)` or `()`.
    case tuple([PythonLiteral])
    /// `[a, b]`.
    case list([PythonLiteral])
    /// `{'key': value, ...}` with string keys, in the order written (keys are distinct).
    case dictionary([(key: String, value: PythonLiteral)])

    static func == (left: PythonLiteral, right: PythonLiteral) -> Bool {
        switch (left, right) {
        case let (.string(a), .string(b)): return a == b
        case let (.integer(a), .integer(b)): return a == b
        case let (.boolean(a), .boolean(b)): return a == b
        case (.none, .none): return true
        case let (.tuple(a), .tuple(b)), let (.list(a), .list(b)): return a == b
        case let (.dictionary(a), .dictionary(b)):
            return a.count == b.count && zip(a, b).allSatisfy { $0.key == $1.key && $0.value == $1.value }
        default: return false
        }
    }

    /// The value of `key` when this is a dictionary holding it.
    subscript(key: String) -> PythonLiteral? {
        guard case let .dictionary(entries) = self else { return nil }
        return entries.first { $0.key == key }?.value
    }
}

extension PythonLiteral: CustomStringConvertible {
    /// The literal written back the way Python's `repr` would, for error messages.
    var description: String {
        switch self {
        case let .string(text):
            return "'" + text.replacingBackslashAndQuote() + "'"
        case let .integer(value):
            return String(value)
        case let .boolean(value):
            return value ? "True" : "False"
        case .none:
            return "None"
        case let .tuple(items):
            let inner = items.map(\.description).joined(separator: ", ")
            return items.count == 1 ? "(\(inner),)" : "(\(inner))"
        case let .list(items):
            return "[" + items.map(\.description).joined(separator: ", ") + "]"
        case let .dictionary(entries):
            return "{" + entries.map { "'\($0.key)': \($0.value)" }.joined(separator: ", ") + "}"
        }
    }
}

private extension String {
    /// The string with `\` and `'` escaped for a single-quoted Python literal.
    func replacingBackslashAndQuote() -> String {
        var result = ""
        for character in self {
            if character == "\\" || character == "'" { result.append("\\") }
            result.append(character)
        }
        return result
    }
}
