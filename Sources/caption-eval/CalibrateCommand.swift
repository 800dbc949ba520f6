import ArgumentParser
import CaptionEval
import CaptionKit
import Foundation

/// `caption-eval calibrate`: measures the int8 encoder's activation ranges on a dataset split
/// and writes the bundle's `int8-calibration.json` (`Int8CalibrationBuilder`).
struct CalibrateCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "calibrate",
        abstract: "Measure the int8 encoder's activation ranges (int8-calibration.json).",
        discussion: """
            Runs the model's float32 encoder over the first N images of the split (a few \
            hundred training images are enough) and records, for every convolution the int8 \
            encoder runs, the given percentile of its input per image (default 100: the \
            largest value); the largest over the images is the value that 255 levels cover. Writes int8-calibration.json into the \
            bundle folder (or to --out); 'caption --precision int8' reads it from the bundle. \
            The file is written whole at the end: an interrupted run leaves no file.

            Example:
              caption-eval calibrate --dataset Flickr8k.token.txt --split train \\
                  --images flickr8k/images --model weights/default --count 300
            """
    )

    @OptionGroup var source: ImageDatasetOptions

    @Option(help: ArgumentHelp("The split whose images are measured (default: train).", valueName: "name"))
    var split: String = "train"

    @Option(help: ArgumentHelp("Model bundle whose encoder is measured (default: as the caption command finds it).", valueName: "dir|file.npz"))
    var model: String?

    @Option(help: ArgumentHelp("Images measured: the first N of the split.", valueName: "n"))
    var count: Int = 300

    @Option(help: ArgumentHelp("Percentile of each image's activations taken as its clip value, in (0, 100].", valueName: "p"))
    var percentile: Double = 100

    @Option(help: ArgumentHelp("Where to write the calibration (default: MODEL/int8-calibration.json).", valueName: "file"))
    var out: String?

    func validate() throws {
        guard count >= 1 else { throw ValidationError("--count must be at least 1, got \(count)") }
        guard percentile > 0 && percentile <= 100 else {
            throw ValidationError("--percentile must be in (0, 100], got \(percentile)")
        }
    }

    func run() throws {
        try DatasetSelection.failingInOneLine(calibrate)
    }

    private func calibrate() throws {
        let selection = try DatasetSelection.read(path: source.dataset, format: source.format, split: split, splitFile: nil)
        let modelPath = try ModelLocator(explicitPath: model).locate()
        let target = try outputPath(model: modelPath)
        var builder = try Int8CalibrationBuilder(imageEncoder: ImageEncoder(encoderOf: URL(fileURLWithPath: modelPath)),
                                                 percentile: percentile)
        let chosen = Array(selection.images.prefix(count))
        let decoder = ImageDecoder()
        let progress = ProgressDisplay(total: chosen.count, alreadyDone: 0)
        for image in chosen {
            guard let path = DatasetSelection.imagePath(of: image, in: source.images) else {
                throw CaptionError.invalidOptions(reason: DatasetSelection.noFileName(image))
            }
            builder.add(try decoder.decode(fileAt: path))
            progress.advance(failed: false)
        }
        progress.finish()
        let calibration = try builder.calibration()
        do {
            try Data(calibration.json.utf8).write(to: URL(fileURLWithPath: target), options: .atomic)
        } catch {
            throw CaptionError.unwritableFile(path: target, reason: error.localizedDescription)
        }
        FileHandle.standardError.write(Data("caption-eval: \(target): clip values of \(calibration.inputClips.count) convolutions from \(calibration.images) images\n".utf8))
    }

    /// `--out`, or the bundle folder's `int8-calibration.json` (an `.npz` bundle needs `--out`).
    private func outputPath(model: String) throws -> String {
        if let out { return out }
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: model, isDirectory: &isDirectory), isDirectory.boolValue else {
            throw CaptionError.invalidOptions(reason: "\(model) is an archive: give --out, then add the file to the archive as \(Int8Calibration.fileName)")
        }
        return URL(fileURLWithPath: model).appendingPathComponent(Int8Calibration.fileName).path
    }
}
