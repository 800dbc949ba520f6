import Foundation

/// A NumPy array from a `.npy` file or an `.npz` entry: its checked header, with the data
/// left where it lies (a memory-mapped file or an inflated buffer) until it is asked for.
///
/// Opening reads only the header. `tensor()` uses little-endian float32 data in row-major
/// order in place, without copying; every other type or order is converted into a new
/// tensor. `integers()` gives the exact values of integer and bool arrays.
public struct NPYArray: Sendable {
    /// The checked header: type, order, shape.
    public let header: NPYHeader
    /// The file (or `archive.npz [entry.npy]`) the array came from, for error messages.
    public let path: String
    /// The bytes of the whole `.npy` file.
    private let region: ByteRegion
    /// Where the `.npy` file starts inside `region` (non-zero for a stored `.npz` entry).
    private let fileOffset: Int

    /// Maps the `.npy` file at `url` and checks its header; the data is not read.
    public init(contentsOf url: URL) throws(CaptionError) {
        let path = url.path
        try self.init(region: ByteRegion.mapping(path: path), fileOffset: 0, fileCount: nil, path: path)
    }

    /// The `.npy` file held in `region` from `fileOffset` on, `fileCount` bytes of it (the
    /// rest of the region when `nil`).
    init(region: ByteRegion, fileOffset: Int, fileCount: Int?, path: String) throws(CaptionError) {
        let bytes = region.bytes(from: fileOffset, count: fileCount ?? region.count - fileOffset)
        header = try NPYHeader.parse(bytes, path: path)
        self.region = region
        self.fileOffset = fileOffset
        self.path = path
    }

    /// The size of each dimension, outermost first.
    public var shape: [Int] { header.shape }

    /// The element type as stored.
    public var dataType: NPYDataType { header.dataType }

    /// Whether `tensor()` returns the stored bytes in place: little-endian float32 in
    /// row-major order, at an address aligned for `Float`.
    public var isUsableInPlace: Bool {
        header.dataType.isNativeFloat32
            && (!header.isFortranOrder || NPYElementDecoder.fortranOrderIsRowMajor(header.shape))
            && Int(bitPattern: dataAddress) % MemoryLayout<Float>.alignment == 0
    }

    /// The elements as a `Float` tensor of the array's shape, in row-major order. Borrows
    /// the mapped memory when `isUsableInPlace`; otherwise converts into a new tensor
    /// (float16/float64 and integers rounded to nearest, bools as 0 and 1).
    public func tensor() -> Tensor {
        let shape = header.shape
        if isUsableInPlace && header.elementCount > 0 {
            let elements = UnsafeMutableRawPointer(mutating: dataAddress)
                .bindMemory(to: Float.self, capacity: header.elementCount)
            return Tensor(shape: shape, borrowing: elements, owner: region)
        }
        return Tensor(shape: shape, unsafeUninitializedFill: { destination in
            guard let base = destination.baseAddress else { return }
            decodeInRowMajorOrder(into: base) { source, count, target in
                NPYElementDecoder.decodeFloats(source, type: header.dataType, count: count, into: target)
            }
        })
    }

    /// The elements of an integer or bool array as exact `Int64` values in row-major order.
    /// Floating-point arrays and uint64 values above `Int64.max` are errors.
    public func integers() throws(CaptionError) -> [Int64] {
        guard header.dataType.kind != .floatingPoint else {
            throw CaptionError.invalidArrayFile(path: path, reason: "holds \(header.dataType) values, expected integers")
        }
        var outOfRange: Int?
        let values = [Int64](unsafeUninitializedCapacity: header.elementCount) { buffer, initialized in
            if let base = buffer.baseAddress {
                decodeInRowMajorOrder(into: base) { source, count, target in
                    outOfRange = NPYElementDecoder.decodeIntegers(source, type: header.dataType, count: count, into: target)
                }
            }
            initialized = header.elementCount
        }
        if let outOfRange {
            throw CaptionError.invalidArrayFile(path: path, reason: "element \(outOfRange) is larger than the largest int64")
        }
        return values
    }

    /// Address of the first element.
    private var dataAddress: UnsafeRawPointer {
        region.base + fileOffset + header.dataOffset
    }

    /// Runs `decode(source, count, target)` so that `destination` ends up with every element
    /// in row-major order: straight into it for C-order data, through a scratch buffer that
    /// is then reordered for Fortran-order data.
    private func decodeInRowMajorOrder<Element>(
        into destination: UnsafeMutablePointer<Element>,
        _ decode: (UnsafeRawPointer, Int, UnsafeMutablePointer<Element>) -> Void
    ) {
        let count = header.elementCount
        guard header.isFortranOrder && !NPYElementDecoder.fortranOrderIsRowMajor(header.shape) else {
            decode(dataAddress, count, destination)
            return
        }
        let scratch = UnsafeMutablePointer<Element>.allocate(capacity: count)
        defer { scratch.deallocate() }
        decode(dataAddress, count, scratch)
        NPYElementDecoder.reorderFortranToC(scratch, shape: header.shape, into: destination)
    }
}
