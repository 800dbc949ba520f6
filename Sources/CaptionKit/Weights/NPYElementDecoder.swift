/// Turns the raw elements of a `.npy` array into `Float` or `Int64` values, whatever their
/// stored type and byte order, and puts column-major (Fortran) data into row-major order.
///
/// Elements are read with unaligned loads, so the source may start at any byte (an entry
/// inside an uncompressed `.npz` is not aligned).
enum NPYElementDecoder {
    /// Writes `count` elements of `type` read from `source` to `destination` as `Float`:
    /// float16 and float64 are rounded to the nearest float32 (as NumPy's `astype` does),
    /// integers likewise, and bools become 0 or 1.
    static func decodeFloats(_ source: UnsafeRawPointer, type: NPYDataType, count: Int, into destination: UnsafeMutablePointer<Float>) {
        let swap = type.isBigEndian
        switch (type.kind, type.byteCount) {
        case (.floatingPoint, 2): convert(source, count, swap, destination) { (bits: UInt16) in Float(Float16(bitPattern: bits)) }
        case (.floatingPoint, 4): convert(source, count, swap, destination) { (bits: UInt32) in Float(bitPattern: bits) }
        case (.floatingPoint, 8): convert(source, count, swap, destination) { (bits: UInt64) in Float(Double(bitPattern: bits)) }
        case (.signedInteger, 1): convert(source, count, swap, destination) { (value: Int8) in Float(value) }
        case (.signedInteger, 2): convert(source, count, swap, destination) { (value: Int16) in Float(value) }
        case (.signedInteger, 4): convert(source, count, swap, destination) { (value: Int32) in Float(value) }
        case (.signedInteger, 8): convert(source, count, swap, destination) { (value: Int64) in Float(value) }
        case (.unsignedInteger, 1): convert(source, count, swap, destination) { (value: UInt8) in Float(value) }
        case (.unsignedInteger, 2): convert(source, count, swap, destination) { (value: UInt16) in Float(value) }
        case (.unsignedInteger, 4): convert(source, count, swap, destination) { (value: UInt32) in Float(value) }
        case (.unsignedInteger, 8): convert(source, count, swap, destination) { (value: UInt64) in Float(value) }
        case (.boolean, _): convert(source, count, swap, destination) { (value: UInt8) in value == 0 ? 0 : 1 }
        default: preconditionFailure("NPYDataType admits no \(type)")
        }
    }

    /// Writes `count` integer or bool elements of `type` from `source` to `destination` as
    /// `Int64`. Returns the position of the first uint64 element above `Int64.max` (which
    /// has no `Int64` value), or `nil` when every element was converted exactly.
    /// - Precondition: `type` is an integer or bool type.
    static func decodeIntegers(_ source: UnsafeRawPointer, type: NPYDataType, count: Int, into destination: UnsafeMutablePointer<Int64>) -> Int? {
        let swap = type.isBigEndian
        switch (type.kind, type.byteCount) {
        case (.signedInteger, 1): convert(source, count, swap, destination) { (value: Int8) in Int64(value) }
        case (.signedInteger, 2): convert(source, count, swap, destination) { (value: Int16) in Int64(value) }
        case (.signedInteger, 4): convert(source, count, swap, destination) { (value: Int32) in Int64(value) }
        case (.signedInteger, 8): convert(source, count, swap, destination) { (value: Int64) in value }
        case (.unsignedInteger, 1): convert(source, count, swap, destination) { (value: UInt8) in Int64(value) }
        case (.unsignedInteger, 2): convert(source, count, swap, destination) { (value: UInt16) in Int64(value) }
        case (.unsignedInteger, 4): convert(source, count, swap, destination) { (value: UInt32) in Int64(value) }
        case (.unsignedInteger, 8):
            // Values above Int64.max wrap to negative numbers, which no uint64 otherwise gives.
            convert(source, count, swap, destination) { (value: UInt64) in Int64(truncatingIfNeeded: value) }
            return UnsafeBufferPointer(start: destination, count: count).firstIndex { $0 < 0 }
        case (.boolean, _): convert(source, count, swap, destination) { (value: UInt8) in value == 0 ? 0 : 1 }
        default: preconditionFailure("decodeIntegers called for \(type)")
        }
        return nil
    }

    /// Copies column-major data of the given shape into row-major order.
    // source: elements with the first index varying fastest -> destination: last index fastest
    static func reorderFortranToC<Element>(_ source: UnsafePointer<Element>, shape: [Int], into destination: UnsafeMutablePointer<Element>) {
        let count = Tensor.elementCount(of: shape)
        guard count > 0 else { return }
        // Stride of each axis in the column-major source.
        var strides = [Int](repeating: 1, count: shape.count)
        for axis in shape.indices.dropFirst() {
            strides[axis] = strides[axis - 1] * shape[axis - 1]
        }
        var index = [Int](repeating: 0, count: shape.count)
        var offset = 0
        for position in 0..<count {
            (destination + position).initialize(to: source[offset])
            // Advance the row-major index like an odometer, keeping `offset` in step.
            var axis = shape.count - 1
            while axis >= 0 {
                index[axis] += 1
                offset += strides[axis]
                if index[axis] < shape[axis] { break }
                offset -= strides[axis] * shape[axis]
                index[axis] = 0
                axis -= 1
            }
        }
    }

    /// Whether column-major data of this shape is already in row-major order (at most one
    /// dimension larger than 1).
    static func fortranOrderIsRowMajor(_ shape: [Int]) -> Bool {
        shape.filter { $0 > 1 }.count <= 1
    }

    /// Initialises `destination` with `transform` applied to each of `count` elements stored
    /// as `Bits` (byte-swapped first when `swap` says the file's byte order is big-endian).
    @inline(__always)
    private static func convert<Bits: FixedWidthInteger, Output>(
        _ source: UnsafeRawPointer, _ count: Int, _ swap: Bool,
        _ destination: UnsafeMutablePointer<Output>, _ transform: (Bits) -> Output
    ) {
        let size = MemoryLayout<Bits>.size
        for index in 0..<count {
            let raw = source.loadUnaligned(fromByteOffset: index * size, as: Bits.self)
            (destination + index).initialize(to: transform(swap ? Bits(bigEndian: raw) : Bits(littleEndian: raw)))
        }
    }
}
