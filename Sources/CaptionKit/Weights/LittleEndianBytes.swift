extension UnsafeRawBufferPointer {
    /// The little-endian integer of type `T` stored at byte `offset`, or `nil` when it
    /// would reach past the end of the buffer. The offset need not be aligned.
    func littleEndian<T: FixedWidthInteger>(_ type: T.Type, at offset: Int) -> T? {
        let size = MemoryLayout<T>.size
        guard offset >= 0, offset <= count - size, let base = baseAddress else { return nil }
        return T(littleEndian: base.loadUnaligned(fromByteOffset: offset, as: T.self))
    }
}
