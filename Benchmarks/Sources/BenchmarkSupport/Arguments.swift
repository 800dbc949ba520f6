// A small command-line reader for the benchmark executables: positional arguments and
// `--name value` options, all checked, with the usage line in every error.

/// A bad command line; `description` is the usage line and the reason.
public struct UsageError: Error, CustomStringConvertible {
    /// The usage line and what was wrong.
    public let description: String

    /// An error with this text.
    public init(description: String) {
        self.description = description
    }
}

/// The arguments of a benchmark executable: positionals in order and `--name value` options.
public struct Arguments {
    /// Arguments that are not options, in order.
    public private(set) var positionals: [String] = []
    private var options: [String: String] = [:]
    private let usage: String

    /// Splits `arguments` (without the program name); every `--name` takes the next
    /// argument as its value, and only names in `known` are accepted.
    public init(_ arguments: [String], known: Set<String>, usage: String) throws {
        self.usage = usage
        var remaining = arguments.makeIterator()
        while let argument = remaining.next() {
            guard argument.hasPrefix("--") else {
                positionals.append(argument)
                continue
            }
            let name = String(argument.dropFirst(2))
            guard known.contains(name), let value = remaining.next() else {
                throw UsageError(description: "\(usage)\n(unknown option or missing value: \(argument))")
            }
            options[name] = value
        }
    }

    /// The value of `--name`, or nil.
    public func text(_ name: String) -> String? { options[name] }

    /// The integer value of `--name` (at least `minimum`), or `defaultValue` when absent.
    public func number(_ name: String, default defaultValue: Int, minimum: Int = 1) throws -> Int {
        guard let text = options[name] else { return defaultValue }
        guard let value = Int(text), value >= minimum else {
            throw UsageError(description: "\(usage)\n(--\(name) needs an integer of at least \(minimum), got \(text))")
        }
        return value
    }

    /// The value of `--name`, which must be given.
    public func required(_ name: String) throws -> String {
        guard let value = options[name] else { throw UsageError(description: "\(usage)\n(--\(name) is required)") }
        return value
    }

    /// Positional argument `index`, which must be given.
    public func positional(_ index: Int, _ name: String) throws -> String {
        guard index < positionals.count else { throw UsageError(description: "\(usage)\n(\(name) is required)") }
        return positionals[index]
    }
}
