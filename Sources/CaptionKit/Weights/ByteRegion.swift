#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Read-only bytes kept alive for as long as the region lives: either a whole file mapped
/// into memory (unmapped in `deinit`) or a buffer the region allocated (freed in `deinit`).
///
/// Tensors that borrow weights name a region as their owner, so the memory stays valid
/// while any tensor uses it. The bytes never change after the region is made. Public for
/// CaptionEval's METEOR cache, which maps its index file the same way.
public final class ByteRegion: @unchecked Sendable {
    /// First byte. Never null, even for an empty region.
    let base: UnsafeRawPointer
    /// Number of bytes.
    public let count: Int
    /// Whether `base` came from `mmap` (and must be unmapped) rather than an allocation.
    let isMapped: Bool

    private init(base: UnsafeRawPointer, count: Int, isMapped: Bool) {
        self.base = base
        self.count = count
        self.isMapped = isMapped
    }

    /// Maps the whole file at `path` read-only (private mapping). Nothing is read from the
    /// file until the bytes are touched. An empty file gives an empty region.
    public static func mapping(path: String) throws(CaptionError) -> ByteRegion {
        let descriptor = open(path, O_RDONLY | O_CLOEXEC)
        guard descriptor >= 0 else {
            throw CaptionError.unreadableFile(path: path, reason: ByteRegion.lastErrorText())
        }
        defer { close(descriptor) }
        var status = stat()
        guard fstat(descriptor, &status) == 0 else {
            throw CaptionError.unreadableFile(path: path, reason: ByteRegion.lastErrorText())
        }
        guard (status.st_mode & S_IFMT) == S_IFREG else {
            throw CaptionError.unreadableFile(path: path, reason: "not a regular file")
        }
        let size = Int(status.st_size)
        guard size > 0 else {
            // mmap refuses length 0; an empty region lets the format reader name the problem.
            guard let empty = allocated(count: 0, fill: { _ in }) else {
                throw CaptionError.unreadableFile(path: path, reason: "out of memory")
            }
            return empty
        }
        let address = mmap(nil, size, PROT_READ, MAP_PRIVATE, descriptor, 0)
        guard let address, address != MAP_FAILED else {
            throw CaptionError.unreadableFile(path: path, reason: "cannot map into memory: \(ByteRegion.lastErrorText())")
        }
        return ByteRegion(base: UnsafeRawPointer(address), count: size, isMapped: true)
    }

    /// A new buffer of `count` bytes that `fill` writes completely before the region is
    /// shared, or `nil` when that much memory cannot be had. The buffer is aligned for any
    /// scalar type (malloc's guarantee).
    static func allocated<Failure: Error>(
        count: Int, fill: (UnsafeMutableRawBufferPointer) throws(Failure) -> Void
    ) throws(Failure) -> ByteRegion? {
        precondition(count >= 0, "negative byte count")
        guard let buffer = malloc(max(count, 1)) else { return nil }
        do {
            try fill(UnsafeMutableRawBufferPointer(start: buffer, count: count))
        } catch {
            free(buffer)
            throw error
        }
        return ByteRegion(base: UnsafeRawPointer(buffer), count: count, isMapped: false)
    }

    /// The bytes from `offset` on, `length` of them, as a buffer.
    /// - Precondition: the range lies inside the region.
    public func bytes(from offset: Int, count length: Int) -> UnsafeRawBufferPointer {
        precondition(offset >= 0 && length >= 0 && offset <= count - length, "byte range outside the region")
        return UnsafeRawBufferPointer(start: base + offset, count: length)
    }

    /// The text of the current `errno`.
    static func lastErrorText() -> String {
        String(cString: strerror(errno))
    }

    deinit {
        if isMapped {
            munmap(UnsafeMutableRawPointer(mutating: base), count)
        } else {
            free(UnsafeMutableRawPointer(mutating: base))
        }
    }
}
