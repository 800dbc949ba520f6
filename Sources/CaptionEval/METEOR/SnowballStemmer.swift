import CStemmer

/// Snowball's English stemmer from the system's libstemmer (Debian's libstemmer0d, Snowball
/// 2.2): the stems METEOR 1.5's stem stage compares. (Snowball 3.x, as in PyPI's
/// snowballstemmer 3, stems some words differently; 2.2 gives the jar's stems.)
///
/// One instance is not thread-safe (libstemmer keeps its state in the stemmer); use one per
/// thread.
final class SnowballStemmer {
    private let stemmer: OpaquePointer

    /// The English stemmer over UTF-8; nil when libstemmer cannot make one.
    init?() {
        guard let stemmer = sb_stemmer_new("english", "UTF_8") else { return nil }
        self.stemmer = stemmer
    }

    deinit {
        sb_stemmer_delete(stemmer)
    }

    /// The stem of `word` (the word itself when libstemmer fails, which it does only when out
    /// of memory).
    func stem(_ word: String) -> String {
        var bytes = Array(word.utf8)
        let count = Int32(bytes.count)
        return bytes.withUnsafeMutableBufferPointer { buffer -> String in
            guard let base = buffer.baseAddress,
                  let stemmed = sb_stemmer_stem(stemmer, base, count) else { return word }
            let length = Int(sb_stemmer_length(stemmer))
            return String(decoding: UnsafeBufferPointer(start: stemmed, count: length), as: UTF8.self)
        }
    }
}
