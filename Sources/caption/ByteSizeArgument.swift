import Foundation
import ArgumentParser

/// A size on the command line: bytes (`1048576`), or a number with `KB`, `MB`, `GB` (powers
/// of 1000) or `KiB`, `MiB`, `GiB` (powers of 1024); `B` and case are optional (`20mb`).
struct ByteSizeArgument: ExpressibleByArgument, Sendable {
    /// The size in bytes.
    let bytes: Int

    /// A size of `bytes` bytes.
    init(bytes: Int) {
        self.bytes = bytes
    }

    /// Parses `20MB`, `512KiB`, `1000`; nil for anything else or a size past Int's range.
    init?(argument: String) {
        let text = argument.trimmingCharacters(in: .whitespaces).lowercased()
        let units: [(String, Int)] = [("kib", 1 << 10), ("mib", 1 << 20), ("gib", 1 << 30), ("kb", 1_000), ("mb", 1_000_000),
                                      ("gb", 1_000_000_000), ("k", 1_000), ("m", 1_000_000), ("g", 1_000_000_000), ("b", 1)]
        var number = Substring(text)
        var multiplier = 1
        if let (suffix, value) = units.first(where: { text.hasSuffix($0.0) }) {
            number = text.dropLast(suffix.count)
            multiplier = value
        }
        guard let count = Int(number.trimmingCharacters(in: .whitespaces)), count >= 0 else { return nil }
        let (product, overflow) = count.multipliedReportingOverflow(by: multiplier)
        guard !overflow else { return nil }
        bytes = product
    }

    /// How the default is shown in `--help`.
    var defaultValueDescription: String {
        bytes % 1_000_000 == 0 ? "\(bytes / 1_000_000)MB" : "\(bytes)"
    }
}
