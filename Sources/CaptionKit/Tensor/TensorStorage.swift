/// The memory behind a `Tensor`: either an allocation the storage owns, or a borrowed
/// region (for example a memory-mapped `.npy` file) that `owner` keeps alive.
///
/// Storage is shared between tensor values and copied only when a shared tensor is mutated
/// (copy-on-write, see `Tensor.withUnsafeMutableBufferPointer`).
final class TensorStorage: @unchecked Sendable {
    /// First element.
    let pointer: UnsafeMutablePointer<Float>
    /// Number of elements.
    let count: Int
    /// Keeps borrowed memory alive; `nil` when the storage allocated `pointer` itself.
    private let owner: AnyObject?
    /// Borrowed memory may be read-only (a private file mapping is writable, but callers may
    /// pass read-only regions); mutation always copies it first.
    let isBorrowed: Bool

    /// Allocates `count` elements, all zero.
    init(zeroedCount count: Int) {
        precondition(count >= 0, "negative element count")
        pointer = .allocate(capacity: max(count, 1))
        pointer.initialize(repeating: 0, count: max(count, 1))
        self.count = count
        owner = nil
        isBorrowed = false
    }

    /// Allocates `count` elements without initialising them; the caller fills every one.
    init(uninitializedCount count: Int) {
        precondition(count >= 0, "negative element count")
        pointer = .allocate(capacity: max(count, 1))
        self.count = count
        owner = nil
        isBorrowed = false
    }

    /// Wraps memory that `owner` keeps alive; nothing is copied.
    init(borrowing pointer: UnsafeMutablePointer<Float>, count: Int, owner: AnyObject) {
        self.pointer = pointer
        self.count = count
        self.owner = owner
        isBorrowed = true
    }

    /// A private, owned copy of the elements.
    func copy() -> TensorStorage {
        let storage = TensorStorage(uninitializedCount: count)
        storage.pointer.update(from: pointer, count: count)
        return storage
    }

    deinit {
        if owner == nil {
            pointer.deallocate()
        }
    }
}
