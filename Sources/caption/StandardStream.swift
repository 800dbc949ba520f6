import Foundation

/// Standard output or standard error, written with unbuffered `write(2)` calls so that each
/// line reaches the reader as soon as it is printed (no flush to forget).
enum StandardStream {
    case output
    case error

    /// Writes `text` whole (retrying short writes); gives up silently if the stream is gone.
    func write(_ text: String) {
        let descriptor: Int32 = self == .output ? STDOUT_FILENO : STDERR_FILENO
        var bytes = Array(text.utf8)
        bytes.withUnsafeMutableBytes { buffer in
            var offset = 0
            while offset < buffer.count {
                let written = Foundation.write(descriptor, buffer.baseAddress.map { $0 + offset }, buffer.count - offset)
                if written < 0 {
                    if errno == EINTR { continue }
                    return
                }
                offset += written
            }
        }
    }

    /// Writes `text` followed by a newline.
    func writeLine(_ text: String) {
        write(text + "\n")
    }
}
