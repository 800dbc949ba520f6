import Synchronization

/// Scratch buffers of one fixed size, kept for reuse across calls: a caller borrows one for
/// the duration of a closure, so concurrent callers get different buffers and a buffer is
/// never handed out twice at once. Buffers are allocated on first need (as `LargeBuffer`s,
/// on huge pages where available) and freed with the pool.
///
/// Why keep them: a fresh multi-megabyte allocation comes from the kernel as untouched pages,
/// and every first touch is a page fault that zeroes a page. The VGG-16 encoder's activations
/// and convolution buffers took about 18,500 faults per 224 x 224 image, a fifth of its time;
/// a reused buffer takes none after the first image.
final class ScratchPool: Sendable {
    /// Floats in each buffer.
    let count: Int
    // Only one borrower at a time writes through a buffer: the lock hands each out once.
    private let idle = Mutex<[LargeBuffer]>([])

    /// A pool of buffers of `count` floats (at least 1).
    init(count: Int) {
        self.count = max(1, count)
    }

    /// Calls `body` with a buffer of `count` floats (uninitialised, or as a previous borrower
    /// left it) that no other caller uses until `body` returns.
    func withBuffer<Result>(_ body: (UnsafeMutablePointer<Float>) throws -> Result) rethrows -> Result {
        let buffer = idle.withLock { $0.popLast() } ?? LargeBuffer(count: count)
        defer { idle.withLock { $0.append(buffer) } }
        return try body(buffer.pointer)
    }
}
