import CaptionKit
import Foundation
import Testing

/// `caption-eval calibrate` on three scene images with a copy of the `plain` fixture model:
/// the file it writes equals the library's calibration of the same images, and `run
/// --precision int8` then reads it; bad arguments fail with one line and write nothing.
@Suite struct CalibrateCommandTests {
    @Test func writesTheLibrarysCalibrationAndRunReadsIt() throws {
        let folder = try ScratchFolder()
        let (dataset, files) = try FeaturesCommandTests.dataset(in: folder)
        let model = folder.path("model")
        try FileManager.default.copyItem(atPath: FeaturesCommandTests.model, toPath: model)
        let run = try CaptionEvalExecutable.run(["calibrate", "--dataset", dataset, "--split", "test", "--images",
                                                 FeaturesCommandTests.scenes, "--model", model, "--count", "2"])
        #expect(run.status == 0, "\(run.standardError)")
        #expect(run.standardError.contains("int8-calibration.json: clip values of 2 convolutions from 2 images"), "\(run.standardError)")

        var builder = try Int8CalibrationBuilder(imageEncoder: ImageEncoder(encoderOf: URL(fileURLWithPath: model)))
        for file in files.prefix(2) {
            builder.add(try ImageDecoder().decode(fileAt: FeaturesCommandTests.scenes + "/" + file))
        }
        let written = try Int8Calibration(json: Data(contentsOf: URL(fileURLWithPath: model + "/int8-calibration.json")), path: "written")
        #expect(try written == builder.calibration())

        let runInt8 = ["run", "--dataset", dataset, "--images", FeaturesCommandTests.scenes, "--model", model,
                       "--precision", "int8", "--metrics", "bleu", "--out", folder.path("results.json")]
        let evaluated = try CaptionEvalExecutable.run(runInt8)
        #expect(evaluated.status == 0, "\(evaluated.standardError)")
        #expect(FileManager.default.fileExists(atPath: folder.path("results.json")))

        // The journal records the precision the encoder ran in; resuming with another is refused.
        let modelPath = URL(fileURLWithPath: model).standardizedFileURL.path
        try Data("{\"journal\":\"caption-eval run\",\"model\":\"\(modelPath)\",\"precision\":\"other\",\"beam_size\":3,\"max_length\":50}\n".utf8)
            .write(to: folder.url("results.json.partial"))
        let refused = try CaptionEvalExecutable.run(runInt8 + ["--resume"])
        #expect(refused.status == 1)
        #expect(refused.standardError.contains("written with precision \"other\", this run has \"\(EncoderPrecision.int8.effective.rawValue)\""),
                "\(refused.standardError)")
    }

    @Test func anArchiveModelNeedsOutAndNothingIsWritten() throws {
        let folder = try ScratchFolder()
        let (dataset, _) = try FeaturesCommandTests.dataset(in: folder)
        let archive = Repository.path("Fixtures/models/plain.npz")
        let run = try CaptionEvalExecutable.run(["calibrate", "--dataset", dataset, "--split", "test", "--images",
                                                 FeaturesCommandTests.scenes, "--model", archive])
        #expect(run.status == 1)
        #expect(run.standardError == "caption-eval: invalid options: \(archive) is an archive: give --out, then add the file to the archive as int8-calibration.json\n", "\(run.standardError)")
    }

    @Test func aMissingImageStopsTheRunWithoutAFile() throws {
        let folder = try ScratchFolder()
        let (dataset, _) = try FeaturesCommandTests.dataset(in: folder)
        let out = folder.path("calibration.json")
        let run = try CaptionEvalExecutable.run(["calibrate", "--dataset", dataset, "--split", "test", "--images",
                                                 folder.path("nowhere"), "--model", FeaturesCommandTests.model, "--out", out])
        #expect(run.status == 1)
        #expect(run.standardError.contains("nowhere/"), "\(run.standardError)")
        #expect(!FileManager.default.fileExists(atPath: out))
    }

    @Test(arguments: [["--count", "0"], ["--percentile", "0"], ["--percentile", "100.5"]])
    func outOfRangeOptionsAreUsageErrors(options: [String]) throws {
        let run = try CaptionEvalExecutable.run(["calibrate", "--dataset", "d.json", "--images", ".", "--out", "x.json"] + options)
        #expect(run.status == 64, "\(run.standardError)")
        #expect(run.standardError.hasPrefix("caption-eval: --"), "\(run.standardError)")
    }
}
