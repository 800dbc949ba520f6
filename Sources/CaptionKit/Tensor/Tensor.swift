/// An n-dimensional array of `Float` in row-major (C) order with contiguous storage.
///
/// Tensors are values: copying one shares its storage, and the storage is duplicated only
/// when a shared tensor is mutated. Kernels read and write through the `withUnsafe...`
/// accessors, so nothing is copied on the hot path. A tensor may borrow memory it does not
/// own (a memory-mapped weight file); writing to such a tensor first makes a private copy.
public struct Tensor: Sendable {
    /// The size of each dimension, outermost first.
    public private(set) var shape: [Int]
    private var storage: TensorStorage

    /// A tensor of the given shape with every element equal to `value`.
    public init(shape: [Int], repeating value: Float = 0) {
        let count = Tensor.elementCount(of: shape)
        storage = TensorStorage(zeroedCount: count)
        self.shape = shape
        if value != 0 {
            storage.pointer.update(repeating: value, count: count)
        }
    }

    /// A tensor of the given shape holding `scalars` in row-major order.
    /// - Precondition: `scalars.count` equals the product of `shape`.
    public init(shape: [Int], scalars: [Float]) {
        let count = Tensor.elementCount(of: shape)
        precondition(scalars.count == count, "\(scalars.count) scalars for shape \(shape)")
        storage = TensorStorage(uninitializedCount: count)
        self.shape = shape
        scalars.withUnsafeBufferPointer { source in
            if let base = source.baseAddress {
                storage.pointer.update(from: base, count: count)
            }
        }
    }

    /// A tensor of the given shape whose elements the caller writes through `fill`
    /// (every element must be written).
    public init(shape: [Int], unsafeUninitializedFill fill: (UnsafeMutableBufferPointer<Float>) throws -> Void) rethrows {
        let count = Tensor.elementCount(of: shape)
        storage = TensorStorage(uninitializedCount: count)
        self.shape = shape
        try fill(UnsafeMutableBufferPointer(start: storage.pointer, count: count))
    }

    /// A tensor over memory that `owner` keeps alive (for example a memory-mapped file);
    /// nothing is copied until the tensor is mutated.
    /// - Precondition: the region holds at least the product of `shape` elements.
    public init(shape: [Int], borrowing pointer: UnsafeMutablePointer<Float>, owner: AnyObject) {
        storage = TensorStorage(borrowing: pointer, count: Tensor.elementCount(of: shape), owner: owner)
        self.shape = shape
    }

    /// The number of elements (the product of `shape`; 1 for a 0-d tensor).
    public var count: Int { storage.count }

    /// The number of dimensions.
    public var rank: Int { shape.count }

    /// Whether the elements live in borrowed memory (a memory-mapped file) rather than an
    /// allocation of the tensor's own.
    public var isBorrowingMemory: Bool { storage.isBorrowed }

    /// The elements in row-major order, as a new array.
    public var scalars: [Float] {
        Array(UnsafeBufferPointer(start: storage.pointer, count: count))
    }

    /// The element at row-major position `index`.
    public subscript(flat index: Int) -> Float {
        get {
            precondition(index >= 0 && index < count, "flat index \(index) out of range for \(shape)")
            return storage.pointer[index]
        }
        set {
            precondition(index >= 0 && index < count, "flat index \(index) out of range for \(shape)")
            makeUniqueStorage()
            storage.pointer[index] = newValue
        }
    }

    /// The same elements seen with another shape of equal element count; storage is shared.
    public func reshaped(_ newShape: [Int]) -> Tensor {
        precondition(Tensor.elementCount(of: newShape) == count, "cannot reshape \(shape) to \(newShape)")
        var result = self
        result.shape = newShape
        return result
    }

    /// Calls `body` with the elements, read-only.
    public func withUnsafeBufferPointer<Result>(_ body: (UnsafeBufferPointer<Float>) throws -> Result) rethrows -> Result {
        try body(UnsafeBufferPointer(start: storage.pointer, count: count))
    }

    /// Calls `body` with the elements, writable; a shared or borrowed storage is copied first.
    public mutating func withUnsafeMutableBufferPointer<Result>(_ body: (UnsafeMutableBufferPointer<Float>) throws -> Result) rethrows -> Result {
        makeUniqueStorage()
        return try body(UnsafeMutableBufferPointer(start: storage.pointer, count: count))
    }

    private mutating func makeUniqueStorage() {
        if storage.isBorrowed || !isKnownUniquelyReferenced(&storage) {
            storage = storage.copy()
        }
    }

    /// The product of the dimensions (1 for the empty shape of a 0-d tensor).
    public static func elementCount(of shape: [Int]) -> Int {
        shape.reduce(1) { product, dimension in
            precondition(dimension >= 0, "negative dimension in \(shape)")
            return product * dimension
        }
    }
}

extension Tensor: CustomStringConvertible {
    /// The shape and the first few elements, for debugging.
    public var description: String {
        let head = withUnsafeBufferPointer { Array($0.prefix(8)) }
        return "Tensor(shape: \(shape), first: \(head)\(count > 8 ? ", ..." : ""))"
    }
}
