/// The few `java.lang.String` behaviours METEOR 1.5's results depend on, on Unicode scalar
/// values (`[UInt32]`, one per code point, as Java's regular expressions see text).
enum JavaText {
    /// Java's `String.hashCode()`: `h = 31 * h + c` over the UTF-16 code units, wrapping at
    /// 32 bits. METEOR compares words by this hash, so colliding words match ("as" and "c5").
    static func hashCode(_ word: String) -> Int32 {
        var hash: Int32 = 0
        for unit in word.utf16 {
            hash = hash &* 31 &+ Int32(unit)
        }
        return hash
    }

    /// Java's `String.toLowerCase()` (root locale): each code point's full lower-case mapping
    /// (`İ` becomes `i̇`), and a capital sigma that ends a word becomes the final `ς`.
    static func lowercased(_ text: String) -> String {
        let scalars = Array(text.unicodeScalars)
        guard scalars.contains(where: { $0.properties.changesWhenLowercased }) else { return text }
        var result = String.UnicodeScalarView()
        for (index, scalar) in scalars.enumerated() {
            if scalar.value == 0x03A3 && isFinalSigma(scalars, at: index) {
                result.append(Unicode.Scalar(0x03C2)!)
            } else {
                result.append(contentsOf: scalar.properties.lowercaseMapping.unicodeScalars)
            }
        }
        return String(result)
    }

    /// Unicode's Final_Sigma condition: a cased letter before (skipping case-ignorable
    /// characters) and none after.
    private static func isFinalSigma(_ scalars: [Unicode.Scalar], at index: Int) -> Bool {
        func casedNeighbour(_ indices: some Sequence<Int>) -> Bool {
            for other in indices {
                let properties = scalars[other].properties
                if properties.isCaseIgnorable { continue }
                return properties.isCased
            }
            return false
        }
        return casedNeighbour((0..<index).reversed()) && !casedNeighbour((index + 1)..<scalars.count)
    }

    /// The delimiters of Java's `StringTokenizer` (space, tab, LF, CR, FF), which METEOR
    /// splits sentences and data lines on.
    static func isTokenDelimiter(_ value: UInt32) -> Bool {
        value == 0x20 || value == 0x09 || value == 0x0A || value == 0x0D || value == 0x0C
    }

    /// `StringTokenizer`'s tokens of `text`.
    static func tokens(_ text: String) -> [String] {
        text.unicodeScalars.split(whereSeparator: { isTokenDelimiter($0.value) }).map { String(String.UnicodeScalarView($0)) }
    }

    /// Java's `String.trim()`: drops leading and trailing code points up to U+0020.
    static func trimmed(_ text: Substring) -> String {
        let scalars = Array(text.unicodeScalars)
        guard let first = scalars.firstIndex(where: { $0.value > 0x20 }),
              let last = scalars.lastIndex(where: { $0.value > 0x20 }) else { return "" }
        return String(String.UnicodeScalarView(scalars[first...last]))
    }

    /// The length of `word` in UTF-16 code units (Java's `String.length()`).
    static func length(_ word: [UInt32]) -> Int {
        word.reduce(0) { $0 + ($1 > 0xFFFF ? 2 : 1) }
    }
}
