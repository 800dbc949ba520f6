import CaptionKit
import Foundation
import Testing

/// `caption --precision`: int8 without the bundle's calibration fails naming the file (or, on
/// a CPU without AVX-512 VNNI, warns and runs fp32); a precision this CPU lacks warns once and
/// captions as fp32; an unknown value is a usage error.
@Suite struct CaptionPrecisionTests {
    @Test func int8WithoutCalibrationNamesTheFileOrFallsBack() throws {
        let result = try CaptionExecutable.run(["--precision", "int8", "--model", CommandFixtures.plainModel, CommandFixtures.plainImage])
        if EncoderPrecision.int8.isSupported {
            #expect(result.status == 1)
            #expect(result.output.isEmpty)
            #expect(result.errorLines.count == 1)
            #expect(result.errorLines.first?.hasPrefix("caption: \(CommandFixtures.plainModel)/int8-calibration.json: cannot read: missing") == true,
                    "\(result.errorLines)")
        } else {
            #expect(result.status == 0)
            #expect(result.errorLines == ["caption: warning: \(EncoderPrecision.int8.fallback ?? "")"])
        }
    }

    @Test func anUnsupportedPrecisionWarnsAndCaptionsAsFloat32() throws {
        guard let lacking = EncoderPrecision.allCases.first(where: { !$0.isSupported }) else { return }
        let result = try CaptionExecutable.run(["--precision", lacking.rawValue, "--model", CommandFixtures.plainModel, CommandFixtures.plainImage])
        #expect(result.status == 0, "\(result.errorLines)")
        #expect(result.errorLines == ["caption: warning: \(lacking.fallback ?? "")"])
        let caption = try CommandFixtures.libraryCaption(CommandFixtures.plainImage).text
        #expect(result.outputLines == [caption])
    }

    @Test func bf16CaptionsWhereSupported() throws {
        guard EncoderPrecision.bf16.isSupported else { return }
        let result = try CaptionExecutable.run(["--precision", "bf16", "--model", CommandFixtures.plainModel, CommandFixtures.plainImage])
        #expect(result.status == 0, "\(result.errorLines)")
        #expect(result.errorLines.isEmpty)
        #expect(result.outputLines.count == 1)
    }

    @Test func anUnknownPrecisionIsAUsageError() throws {
        let result = try CaptionExecutable.run(["--precision", "fp16", "--model", CommandFixtures.plainModel, CommandFixtures.plainImage])
        #expect(result.status == 64)
        #expect(result.output.isEmpty)
        #expect(result.errorLines.first?.contains("fp16") == true, "\(result.errorLines)")
    }
}
