import Foundation
import Testing
@testable import CaptionKit

@Suite("NPY reader")
struct NPYReaderTests {
    @Test("every valid fixture reads to the values NumPy reads: each dtype, byte order, layout, shape and version")
    func validFixtures() throws {
        let manifest = try NPYFixtures.manifest()
        for fixture in manifest.valid {
            let array = try NPYArray(contentsOf: NPYFixtures.url(fixture.file))
            #expect(array.shape == fixture.shape, "\(fixture.file)")
            #expect(array.dataType.descr == fixture.descr, "\(fixture.file)")
            #expect(array.header.isFortranOrder == fixture.fortranOrder, "\(fixture.file)")
            #expect(array.header.majorVersion == fixture.version, "\(fixture.file)")
            #expect(array.isUsableInPlace == fixture.inPlace || array.header.elementCount == 0, "\(fixture.file)")
            let tensor = array.tensor()
            #expect(tensor.shape == fixture.shape, "\(fixture.file)")
            #expect(tensor.isBorrowingMemory == fixture.inPlace, "\(fixture.file)")
            expectSameFloats(tensor.scalars, bits: fixture.float32Bits, fixture.file)
            if let integers = fixture.integers {
                #expect(try array.integers() == integers, "\(fixture.file)")
            } else {
                let wanted = fixture.integersError ?? "values, expected integers"
                let error = captionError(fixture.file) { _ = try array.integers() }
                #expect(error == .invalidArrayFile(path: NPYFixtures.url(fixture.file).path, reason: error.invalidArrayReason), "\(fixture.file)")
                #expect(error.invalidArrayReason.contains(wanted), "\(fixture.file): \(error.invalidArrayReason)")
            }
        }
    }

    @Test("a tensor used in place is copied when written to; the file is untouched")
    func inPlaceTensorIsCopiedOnWrite() throws {
        let url = NPYFixtures.url("valid/f4_le_3d.npy")
        let array = try NPYArray(contentsOf: url)
        var tensor = array.tensor()
        let original = tensor.scalars.map(\.bitPattern)
        #expect(tensor.isBorrowingMemory)
        tensor[flat: 0] = 12345
        #expect(!tensor.isBorrowingMemory)
        #expect(tensor[flat: 0] == 12345)
        #expect(array.tensor().scalars.map(\.bitPattern) == original)
        #expect(try NPYArray(contentsOf: url).tensor().scalars.map(\.bitPattern) == original)
    }

    @Test("the mapping outlives the array value that made the tensor")
    func tensorKeepsTheMappingAlive() throws {
        let tensor = try NPYArray(contentsOf: NPYFixtures.url("valid/f4_le_1d.npy")).tensor()
        #expect(tensor.isBorrowingMemory)
        #expect(tensor.count == 5)
        #expect(tensor.scalars.count == 5)
    }

    @Test("Fortran-order data is put into row-major order like a plain index formula says")
    func fortranReorderMatchesIndexFormula() {
        let shape = [2, 3, 4, 5]
        let count = shape.reduce(1, *)
        // Stored column-major: element (i, j, k, l) at i + 2j + 6k + 24l.
        let source = (0..<count).map(Float.init)
        var destination = [Float](repeating: -1, count: count)
        source.withUnsafeBufferPointer { input in
            destination.withUnsafeMutableBufferPointer { output in
                NPYElementDecoder.reorderFortranToC(input.baseAddress!, shape: shape, into: output.baseAddress!)
            }
        }
        var expected: [Float] = []
        for i in 0..<2 { for j in 0..<3 { for k in 0..<4 { for l in 0..<5 {
            expected.append(Float(i + 2 * j + 6 * k + 24 * l))
        } } } }
        #expect(destination == expected)
    }

    @Test("type strings: byte orders, kinds and sizes that are read, and those refused")
    func dataTypes() {
        #expect(NPYDataType(descr: "<f4") == .float32)
        #expect(NPYDataType(descr: "=f4") == .float32)
        #expect(NPYDataType(descr: "f4") == .float32)
        #expect(NPYDataType(descr: ">f2") == NPYDataType(kind: .floatingPoint, byteCount: 2, isBigEndian: true))
        #expect(NPYDataType(descr: "<i8") == .int64)
        #expect(NPYDataType(descr: "|u1") == NPYDataType(kind: .unsignedInteger, byteCount: 1, isBigEndian: false))
        #expect(NPYDataType(descr: ">i1") == NPYDataType(kind: .signedInteger, byteCount: 1, isBigEndian: false))
        #expect(NPYDataType(descr: "?") == NPYDataType(kind: .boolean, byteCount: 1, isBigEndian: false))
        #expect(NPYDataType(descr: "|b1")?.descr == "|b1")
        #expect(NPYDataType(descr: ">u4")?.descr == ">u4")
        for refused in ["|O", "<c8", "<c16", "<U5", "|S3", "|V4", "<M8[s]", "<m8[ns]", "<f16", "<f12", "<i3", "<f+4", "<f", "", "<", "b2", "<f4 "] {
            #expect(NPYDataType(descr: refused) == nil, "\(refused)")
        }
    }
}

@Suite("NPY header literal parser")
struct NPYHeaderParserTests {
    private func parse(_ text: String) throws -> PythonLiteral {
        try PythonLiteralParser.parse(Array(text.utf8))
    }

    @Test("tuples: empty, one element with its comma, parenthesised values, trailing commas")
    func tuples() throws {
        #expect(try parse("()") == .tuple([]))
        #expect(try parse("(5,)") == .tuple([.integer(5)]))
        #expect(try parse("(5)") == .integer(5))
        #expect(try parse("( 2 , 3 , )") == .tuple([.integer(2), .integer(3)]))
        #expect(try parse("((2), (3,))") == .tuple([.integer(2), .tuple([.integer(3)])]))
        #expect(try parse("(2L, -3)") == .tuple([.integer(2), .integer(-3)]))
    }

    @Test("dicts, strings, names and a structured dtype's list of tuples")
    func dictionaries() throws {
        let header = try parse("{'descr': [('a', '<f4'), (\"b\", u'<i8')], 'fortran_order': True, 'x': None, }")
        #expect(header["descr"] == .list([.tuple([.string("a"), .string("<f4")]), .tuple([.string("b"), .string("<i8")])]))
        #expect(header["fortran_order"] == .boolean(true))
        #expect(header["x"] == PythonLiteral.none)
        #expect(header["missing"] == nil)
        #expect(try parse(#"'it\'s'"#) == .string("it's"))
        #expect(try parse("{}") == .dictionary([]))
        #expect(PythonLiteral.tuple([.integer(5)]).description == "(5,)")
    }

    @Test("syntax errors say what was expected and where")
    func syntaxErrors() {
        let cases: [(String, String)] = [
            ("", "expected a value, found the end of the header at header byte 0"),
            ("(1, 2", "expected ',' or ')' at header byte 5"),
            ("(1,", "expected a value, found the end of the header at header byte 3"),
            ("{'a' 1}", "expected ':' at header byte 5"),
            ("{'a': 1 'b': 2}", "expected ',' or '}'"),
            ("{1: 2}", "dictionary keys must be strings at header byte 1"),
            ("'abc", "unterminated string"),
            ("'a\\nb'", "unsupported escape"),
            ("9223372036854775808", "integer does not fit in 64 bits"),
            ("12abc", "unexpected character after a number"),
            ("-", "expected digits"),
            ("true", "'true' is not a literal"),
            ("(1) (2)", "unexpected text after the literal"),
            ("@", "unexpected character"),
            (String(repeating: "[", count: 40) + String(repeating: "]", count: 40), "nested more than 32 levels deep"),
        ]
        for (text, message) in cases {
            do {
                let value = try PythonLiteralParser.parse(Array(text.utf8))
                Issue.record("'\(text)' parsed as \(value)")
            } catch {
                #expect(error.reason.contains(message), "'\(text)': \(error.reason)")
            }
        }
    }
}

extension CaptionError? {
    /// The reason of an `.invalidArrayFile` error, or "" for any other value.
    var invalidArrayReason: String {
        if case let .invalidArrayFile(_, reason)? = self { return reason }
        return ""
    }
}
