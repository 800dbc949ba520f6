import Foundation
import Testing
@testable import CaptionKit

@Suite("NPY memory mapping")
struct NPYMemoryMapTests {
    /// 100 MiB of float32.
    static let elementCount = 26_214_400

    @Test("a 100 MB float32 file is mapped, not read: resident memory grows by far less than the file until it is used")
    func largeFileIsMapped() async {
        // In a child process, so that no other test's allocations move the resident size.
        let result = await #expect(processExitsWith: .success, observing: [\.standardErrorContent]) {
            try NPYMemoryMapTests.measureMapping()
        }
        let report = String(decoding: result?.standardErrorContent ?? [], as: UTF8.self)
        if let result, result.exitStatus != .exitCode(0) {
            Issue.record("child process said: \(report)")
        } else {
            print("NPY memory mapping, \(report)", terminator: "")
        }
    }

    /// Writes the file with NPYWriter, opens it, and checks the resident size at each step.
    /// Runs in the child process; any failure ends it with a non-zero status.
    static func measureMapping() throws {
        let directory = try NPYFixtures.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let url = directory.appendingPathComponent("large.npy")
        try writeLargeFile(to: url)

        let mebibyte = 1 << 20
        let before = try residentBytes()
        let array = try NPYArray(contentsOf: url)
        let tensor = array.tensor()
        let probes = [0, 1, 4_097, elementCount / 2, elementCount - 1]
        let values = probes.map { tensor[flat: $0] }
        let opened = try residentBytes()

        // Reading every element brings the whole file in: the measurement can see it.
        var mismatches = 0
        tensor.withUnsafeBufferPointer { elements in
            for index in elements.indices where elements[index] != value(at: index) {
                mismatches += 1
            }
        }
        let touched = try residentBytes()
        let report = "resident growth: \((opened - before) / 1024) KiB after opening and reading \(probes.count) elements, "
            + "\((touched - before) / mebibyte) MiB after reading all \(elementCount)"
        FileHandle.standardError.write(Data((report + "\n").utf8))
        try #require(array.shape == [elementCount])
        try #require(tensor.isBorrowingMemory, "the tensor is a copy")
        try #require(values == probes.map(value(at:)), "probed values \(values)")
        try #require(opened - before < 8 * mebibyte, "opening grew resident memory too much: \(report)")
        try #require(touched - before > 90 * mebibyte, "reading every element did not show in statm: \(report)")
        try #require(mismatches == 0, "\(mismatches) elements differ")
    }

    /// The value written at `index`: distinct, exactly representable for the first 2^24.
    static func value(at index: Int) -> Float {
        Float(index % 16_777_216) * 0.5
    }

    /// Writes the 100 MiB file; the tensor is freed when this returns.
    private static func writeLargeFile(to url: URL) throws {
        let tensor = Tensor(shape: [elementCount], unsafeUninitializedFill: { elements in
            for index in elements.indices {
                elements[index] = value(at: index)
            }
        })
        try NPYWriter.write(tensor, to: url)
    }

    /// The process's resident set size from /proc/self/statm (second field, in pages).
    static func residentBytes() throws -> Int {
        let text = try String(contentsOfFile: "/proc/self/statm", encoding: .utf8)
        let fields = text.split(separator: " ")
        let pages = try #require(fields.count > 1 ? Int(fields[1]) : nil, "statm: \(text)")
        return pages * Int(sysconf(Int32(_SC_PAGESIZE)))
    }
}
