/// The header of a `.npy` file: format version, element type, memory order and shape, and
/// where the data starts.
///
/// Layout (NumPy's format specification): the magic `\x93NUMPY`, the major and minor
/// version bytes, the header length (little-endian u16 for version 1.0, u32 for 2.0 and
/// 3.0), then the header: a Python dict literal with exactly the keys `descr`,
/// `fortran_order` and `shape`, ASCII for 1.0/2.0 and UTF-8 for 3.0. The data follows.
public struct NPYHeader: Equatable, Sendable {
    /// The format's major version: 1, 2 or 3 (the minor version is always 0).
    public let majorVersion: Int
    /// The element type.
    public let dataType: NPYDataType
    /// Whether the data is stored in column-major (Fortran) order.
    public let isFortranOrder: Bool
    /// The size of each dimension, outermost first; empty for a 0-d array.
    public let shape: [Int]
    /// The number of elements (1 for a 0-d array, 0 when a dimension is 0).
    public let elementCount: Int
    /// The byte offset of the first element from the start of the file.
    public let dataOffset: Int

    /// Longest header accepted. NumPy refuses more than 10,000 characters by default; a
    /// numeric array of the maximum 64 dimensions needs under 2,000.
    static let maximumHeaderLength = 65_536

    /// The magic string every `.npy` file starts with.
    static let magic: [UInt8] = [0x93] + Array("NUMPY".utf8)

    /// The number of data bytes the shape and type imply.
    public var dataByteCount: Int { elementCount * dataType.byteCount }

    /// Reads and checks the header of the `.npy` file whose complete contents are `file`,
    /// including that the data after it is exactly as long as the shape implies.
    /// Every problem is a `CaptionError.invalidArrayFile` naming `path`.
    public static func parse(_ file: UnsafeRawBufferPointer, path: String) throws(CaptionError) -> NPYHeader {
        func invalid(_ reason: String) -> CaptionError {
            .invalidArrayFile(path: path, reason: reason)
        }
        guard file.count >= magic.count + 2 else {
            throw invalid("file is \(file.count) bytes, too short for the .npy magic and version")
        }
        guard file.prefix(magic.count).elementsEqual(magic) else {
            throw invalid("not a .npy file (the first bytes are not \\x93NUMPY)")
        }
        let major = Int(file[6])
        let minor = Int(file[7])
        guard (1...3).contains(major), minor == 0 else {
            throw invalid("unsupported .npy format version \(major).\(minor) (1.0, 2.0 and 3.0 are supported)")
        }
        let lengthSize = major == 1 ? 2 : 4
        let headerStart = 8 + lengthSize
        guard file.count >= headerStart else {
            throw invalid("file is \(file.count) bytes, too short for the version \(major).0 header length")
        }
        var headerLength = 0
        for index in (0..<lengthSize).reversed() {
            headerLength = headerLength << 8 | Int(file[8 + index])
        }
        guard headerLength <= file.count - headerStart else {
            throw invalid("header length \(headerLength) runs past the end of the file (\(file.count) bytes)")
        }
        guard headerLength <= maximumHeaderLength else {
            throw invalid("header length \(headerLength) is more than the \(maximumHeaderLength) bytes a numeric array needs")
        }
        let headerBytes = Array(file[headerStart..<(headerStart + headerLength)])
        if major < 3 {
            guard headerBytes.allSatisfy({ $0 < 0x80 }) else {
                throw invalid("header of a version \(major).0 file is not ASCII")
            }
        } else {
            guard String(validating: headerBytes, as: UTF8.self) != nil else {
                throw invalid("header of a version 3.0 file is not UTF-8")
            }
        }
        let dictionary: PythonLiteral
        do {
            dictionary = try PythonLiteralParser.parse(headerBytes)
        } catch {
            throw invalid("header is not a Python literal: \(error.reason)")
        }
        let fields = try HeaderFields(dictionary, invalid: invalid)
        let dataOffset = headerStart + headerLength
        let available = file.count - dataOffset
        let (byteCount, overflow) = fields.elementCount.multipliedReportingOverflow(by: fields.dataType.byteCount)
        guard !overflow, byteCount == available else {
            let expected = overflow ? "more than \(Int.max)" : String(byteCount)
            throw invalid("data is \(available) bytes but shape \(fields.shape) of \(fields.dataType) needs \(expected)")
        }
        return NPYHeader(
            majorVersion: major, dataType: fields.dataType, isFortranOrder: fields.isFortranOrder,
            shape: fields.shape, elementCount: fields.elementCount, dataOffset: dataOffset)
    }
}

/// The three header values, checked: NumPy's own checks (exactly these keys, a tuple of
/// ints for the shape, a bool for the order) plus CaptionKit's (a supported type, no
/// negative dimension, an element count that fits in `Int`).
private struct HeaderFields {
    let dataType: NPYDataType
    let isFortranOrder: Bool
    let shape: [Int]
    let elementCount: Int

    init(_ dictionary: PythonLiteral, invalid: (String) -> CaptionError) throws(CaptionError) {
        guard case let .dictionary(entries) = dictionary else {
            throw invalid("header is not a dict: \(dictionary)")
        }
        let keys = entries.map(\.key).sorted()
        guard keys == ["descr", "fortran_order", "shape"] else {
            throw invalid("header keys are \(keys), expected ['descr', 'fortran_order', 'shape']")
        }
        switch dictionary["descr"] {
        case let .string(descr)?:
            guard let dataType = NPYDataType(descr: descr) else {
                throw invalid("unsupported dtype '\(descr)' (CaptionKit reads float16/32/64, integers and bool only)")
            }
            self.dataType = dataType
        case let .list(fields)?:
            throw invalid("unsupported dtype \(PythonLiteral.list(fields)) (structured dtypes are not read)")
        case let descr?:
            throw invalid("unsupported dtype \(descr) (descr is not a type string)")
        case nil:
            throw invalid("header has no 'descr'")
        }
        guard case let .boolean(fortranOrder)? = dictionary["fortran_order"] else {
            throw invalid("fortran_order is not True or False: \(dictionary["fortran_order"]?.description ?? "missing")")
        }
        isFortranOrder = fortranOrder
        guard case let .tuple(items)? = dictionary["shape"] else {
            throw invalid("shape is not a tuple: \(dictionary["shape"]?.description ?? "missing")")
        }
        var shape: [Int] = []
        var count = 1
        for item in items {
            guard case let .integer(dimension) = item else {
                throw invalid("shape \(PythonLiteral.tuple(items)) holds a non-integer")
            }
            guard dimension >= 0 else {
                throw invalid("shape \(PythonLiteral.tuple(items)) has a negative dimension")
            }
            shape.append(dimension)
            // Like NumPy, refuse a shape whose dimensions overflow even when one is 0.
            let (product, overflow) = count.multipliedReportingOverflow(by: max(dimension, 1))
            guard !overflow else {
                throw invalid("shape \(PythonLiteral.tuple(items)) has more elements than fit in 64 bits")
            }
            count = product
        }
        self.shape = shape
        elementCount = shape.contains(0) ? 0 : count
    }
}
