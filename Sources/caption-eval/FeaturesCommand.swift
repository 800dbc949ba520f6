import ArgumentParser
import CaptionEval
import CaptionKit
import Foundation

/// `caption-eval features`: runs a model's encoder over a dataset split and writes the
/// annotation vectors, float16, for training a decoder on them (tools/photo/train.py).
struct FeaturesCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "features",
        abstract: "Write a split's encoder features (float16) for decoder training.",
        discussion: """
            Encodes every image of the split with the model's encoder (one image per thread) \
            and appends, in dataset order, its P x C annotation vectors as little-endian \
            float16 to OUT/features.f16, and its file name to OUT/images.txt. OUT/shape.json \
            gives P, C and the grid. The files grow as images are done: after an interruption, \
            the same command continues where they end (the two files are cut back to the last \
            image both hold). An image that cannot be read stops the run with its name. \
            With --mirror every image is encoded mirrored left to right (a second feature \
            folder for training with flipped photos); the file names stay the originals'.

            Example:
              caption-eval features --dataset Flickr8k.token.txt --split train \\
                  --images flickr8k/images --model weights/default --out features/train
            """
    )

    @OptionGroup var source: ImageDatasetOptions

    @Option(help: ArgumentHelp("The split to encode (as for 'run').", valueName: "name"))
    var split: String?

    @Option(help: ArgumentHelp("Model bundle whose encoder is used; its vocabulary and decoder are not needed (default: as the caption command finds it).", valueName: "dir|file.npz"))
    var model: String?

    @Option(help: ArgumentHelp("Images encoded at once, one thread each (default: every core).", valueName: "n"))
    var threads: Int?

    @Option(help: ArgumentHelp("The folder to write features.f16, images.txt and shape.json into.", valueName: "dir"))
    var out: String

    @Flag(help: "Encode every image mirrored left to right (training augmentation).")
    var mirror = false

    func validate() throws {
        if let threads, threads < 1 {
            throw ValidationError("--threads must be at least 1, got \(threads)")
        }
    }

    func run() throws {
        try DatasetSelection.failingInOneLine(encodeSplit)
    }

    private func encodeSplit() throws {
        let selection = try DatasetSelection.read(path: source.dataset, format: source.format, split: split, splitFile: nil, defaultSplit: "test")
        let modelPath = try ModelLocator(explicitPath: model).locate()
        let imageEncoder = try ImageEncoder(encoderOf: URL(fileURLWithPath: modelPath))
        let decoder = ImageDecoder()
        let store = try FeatureStore(folder: out, encoder: imageEncoder.encoder)
        let pending = Array(selection.images.dropFirst(store.imageCount))
        for (index, image) in selection.images.prefix(store.imageCount).enumerated() where image.fileName != store.names[index] {
            throw CaptionError.invalidOptions(reason: "\(out)/images.txt line \(index + 1) is \(store.names[index]), but the split's image \(index + 1) is \(image.fileName ?? image.id): use an empty --out folder")
        }
        if store.imageCount > 0 {
            note("resuming after \(store.imageCount) of \(selection.images.count) images in \(out)")
        }
        let plan = ThreadPlan(threads: threads ?? ComputeThreads.availableCores, singleImage: false)
        plan.apply()
        let progress = ProgressDisplay(total: selection.images.count, alreadyDone: store.imageCount)
        let folder = source.images
        let mirror = mirror
        var failure: Error?
        let pipeline = CaptionPipeline(source: pending.makeIterator(), workerCount: plan.workers, window: 4 * plan.workers, process: { image -> Result<(String, EncodedImage), Error> in
            Result {
                guard let fileName = image.fileName, let path = DatasetSelection.imagePath(of: image, in: folder) else {
                    throw CaptionError.invalidOptions(reason: DatasetSelection.noFileName(image))
                }
                let decoded = try decoder.decode(fileAt: path)
                return (fileName, imageEncoder.encode([mirror ? decoded.mirrored() : decoded])[0])
            }
        }, emit: { outcome in
            guard failure == nil else { return }
            do {
                let (name, encoded) = try outcome.get()
                try store.append(encoded, name: name)
                progress.advance(failed: false)
            } catch {
                failure = error
            }
        })
        pipeline.run()
        progress.finish()
        if let failure {
            throw failure
        }
        note("\(out): \(store.imageCount) images, \(String(format: "%.1f", progress.elapsedSeconds)) s")
    }

    private func note(_ message: String) {
        FileHandle.standardError.write(Data("caption-eval: \(message)\n".utf8))
    }
}
