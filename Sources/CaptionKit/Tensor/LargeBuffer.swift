#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A block of floats aligned for the kernels that stream it. Large, long-lived blocks (a
/// transformed weight, the encoder's scratch memory) are aligned to 2 MiB and, on Linux,
/// marked for transparent huge pages (`MADV_HUGEPAGE`, which the default `madvise` setting
/// honours); smaller ones (a decoder session's step buffers) are aligned to a 64-byte cache
/// line. Freed when the object goes.
///
/// A fresh allocation reaches the process as untouched pages, and the first write to each
/// 4 KiB page is a page fault: the VGG-16 bundle's Winograd weights and encoder scratch are
/// about 150 MB, 36,000 faults that took a fifth of a one-image `caption` process. With 2 MiB
/// pages that is a few hundred. Where huge pages are unavailable this is ordinary memory.
final class LargeBuffer: @unchecked Sendable {
    // The memory is written by whoever created or borrowed the buffer; this class only owns it.
    /// The first of `count` floats (uninitialised).
    let pointer: UnsafeMutablePointer<Float>
    /// The number of floats.
    let count: Int

    /// The alignment and size granule of buffers of at least this size, marked for huge pages.
    private static let hugePageSize = 2 << 20

    /// `count` (at least 1) uninitialised floats.
    init(count: Int) {
        self.count = max(1, count)
        let bytes = self.count * MemoryLayout<Float>.stride
        // Below one huge page: an ordinary cache-line-aligned block of the exact size.
        let isHuge = bytes >= Self.hugePageSize
        let size = isHuge ? (bytes + Self.hugePageSize - 1) / Self.hugePageSize * Self.hugePageSize : bytes
        var memory: UnsafeMutableRawPointer?
        guard posix_memalign(&memory, isHuge ? Self.hugePageSize : 64, size) == 0, let memory else {
            preconditionFailure("out of memory allocating \(bytes) bytes")
        }
        #if os(Linux)
        if isHuge {
            _ = madvise(memory, size, MADV_HUGEPAGE)
        }
        #endif
        pointer = memory.bindMemory(to: Float.self, capacity: self.count)
    }

    deinit {
        free(pointer)
    }
}
