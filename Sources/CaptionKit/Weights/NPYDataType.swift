/// The element type of a `.npy` array, read from the header's `descr` string (`'<f4'`,
/// `'>i8'`, `'|b1'`, `'?'`).
///
/// Only plain numbers and booleans are supported: float16/32/64, signed and unsigned
/// integers of 1, 2, 4 and 8 bytes, and bool. Object arrays (pickles), structured and
/// string dtypes, complex, datetime and extended precision are refused, never interpreted.
public struct NPYDataType: Equatable, Sendable, CustomStringConvertible {
    /// What the bytes of one element mean.
    public enum Kind: Sendable {
        /// IEEE 754 binary floating point (`f`).
        case floatingPoint
        /// Two's complement signed integer (`i`).
        case signedInteger
        /// Unsigned integer (`u`).
        case unsignedInteger
        /// One byte, zero for false and anything else for true (`b1`, `?`).
        case boolean
    }

    /// What the bytes of one element mean.
    public let kind: Kind
    /// Bytes per element.
    public let byteCount: Int
    /// Whether multi-byte elements are stored most significant byte first (`>`).
    public let isBigEndian: Bool

    /// little-endian float32, the type CaptionKit maps without converting.
    public static let float32 = NPYDataType(kind: .floatingPoint, byteCount: 4, isBigEndian: false)
    /// little-endian int64, the type of PyTorch's `num_batches_tracked`.
    public static let int64 = NPYDataType(kind: .signedInteger, byteCount: 8, isBigEndian: false)

    /// A type from its parts.
    public init(kind: Kind, byteCount: Int, isBigEndian: Bool) {
        self.kind = kind
        self.byteCount = byteCount
        self.isBigEndian = isBigEndian
    }

    /// Parses a NumPy type string: an optional byte order (`<` little, `>` big, `|` not
    /// applicable, `=` native), a kind letter and a size in bytes; `?` alone is bool.
    /// Returns `nil` for any type CaptionKit does not read.
    public init?(descr: String) {
        var rest = Substring(descr)
        var bigEndian = NPYDataType.nativeIsBigEndian
        switch rest.first {
        case "<": bigEndian = false; rest.removeFirst()
        case ">": bigEndian = true; rest.removeFirst()
        case "|", "=": rest.removeFirst()
        default: break
        }
        if rest == "?" {
            self.init(kind: .boolean, byteCount: 1, isBigEndian: false)
            return
        }
        let digits = rest.dropFirst()
        guard let letter = rest.first, !digits.isEmpty, digits.allSatisfy({ ("0"..."9").contains($0) }),
              let size = Int(digits) else {
            return nil
        }
        switch (letter, size) {
        case ("f", 2), ("f", 4), ("f", 8):
            self.init(kind: .floatingPoint, byteCount: size, isBigEndian: bigEndian)
        case ("i", 1), ("i", 2), ("i", 4), ("i", 8):
            self.init(kind: .signedInteger, byteCount: size, isBigEndian: bigEndian && size > 1)
        case ("u", 1), ("u", 2), ("u", 4), ("u", 8):
            self.init(kind: .unsignedInteger, byteCount: size, isBigEndian: bigEndian && size > 1)
        case ("b", 1):
            self.init(kind: .boolean, byteCount: 1, isBigEndian: false)
        default:
            return nil
        }
    }

    /// The canonical NumPy type string, as `np.save` writes it (`<f4`, `|u1`, `|b1`).
    public var descr: String {
        let order = byteCount == 1 ? "|" : (isBigEndian ? ">" : "<")
        switch kind {
        case .floatingPoint: return "\(order)f\(byteCount)"
        case .signedInteger: return "\(order)i\(byteCount)"
        case .unsignedInteger: return "\(order)u\(byteCount)"
        case .boolean: return "|b1"
        }
    }

    /// The NumPy name of the type (`float32`, `int64`, `bool`), marked when big-endian.
    public var description: String {
        let order = isBigEndian ? " (big-endian)" : ""
        switch kind {
        case .floatingPoint: return "float\(byteCount * 8)\(order)"
        case .signedInteger: return "int\(byteCount * 8)\(order)"
        case .unsignedInteger: return "uint\(byteCount * 8)\(order)"
        case .boolean: return "bool"
        }
    }

    /// Whether the bytes are already this machine's `Float`, so they can be used in place.
    var isNativeFloat32: Bool {
        kind == .floatingPoint && byteCount == 4 && isBigEndian == NPYDataType.nativeIsBigEndian
    }

    /// Whether this machine stores numbers most significant byte first.
    static let nativeIsBigEndian = 1.bigEndian == 1
}
