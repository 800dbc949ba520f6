import ArgumentParser
import CaptionEval
import CaptionKit
import Foundation

/// `caption-eval run`: captions a dataset's images with a model on every core, writes the
/// captions as a COCO results file, then scores them as `score` does.
struct RunCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "run",
        abstract: "Caption a dataset's images with a model, then score the captions.",
        discussion: """
            DATASET is a reference file as for 'score' (Karpathy split JSON, COCO caption \
            annotations, Flickr8k.token.txt); each image is read from IMAGES/FILEPATH/FILENAME \
            (Karpathy's 'filepath' subfolder, when given). Without --split, a file with Karpathy \
            splits is narrowed to its 'test' split; other files are taken whole.

            The captions are written to OUT as a COCO results file, [{"image_id": ..., \
            "caption": ...}], in dataset order, ids as the dataset defines them (integers stay \
            integers). While the run goes on, every caption is appended to the journal \
            OUT.partial as soon as it is made; an interrupted run (Ctrl-C, kill) continues with \
            --resume, captioning only the images the journal lacks. OUT is replaced atomically at \
            the end, then the captions are scored and the table is printed (with scene truth \
            scores when the dataset has scene graphs); --report writes the JSON report as 'score' \
            does.

            An image that cannot be read or decoded is reported on stderr and counted; the \
            others go on. Exit status: 0 when every image was captioned and scored, 1 when any \
            failed (OUT then holds the others and the journal is kept, so that --resume retries \
            the failed ones) or on bad input, 64 for a usage error.

            Examples:
              caption-eval run --dataset data/heldout/dataset.json --images data/heldout \\
                  --out results.json --report report.json
              caption-eval run --dataset dataset_coco.json --images coco --split test \\
                  --model weights/default --beam-size 5 --out res.json --resume
            """
    )

    @Option(help: ArgumentHelp("The reference captions and image list: Karpathy split JSON, COCO caption annotations or Flickr8k.token.txt.", valueName: "file"))
    var dataset: String

    @Option(help: ArgumentHelp("The folder the dataset's image paths are relative to.", valueName: "dir"))
    var images: String

    @Option(help: "The dataset file's format.")
    var format: DatasetFormatArgument = .auto

    @Option(help: ArgumentHelp(
        "Caption this split: a Karpathy 'split' value, or for Flickr8k the list Flickr_8k.<split>Images.txt beside the token file (default: test for files with Karpathy splits).",
        valueName: "name"))
    var split: String?

    @Option(help: ArgumentHelp("Model bundle: a directory or .npz file (default: as the caption command finds it).", valueName: "dir|file.npz"))
    var model: String?

    @Option(help: ArgumentHelp("Beams kept during the search (1 = greedy).", valueName: "k"))
    var beamSize: Int = 3

    @Option(help: ArgumentHelp(
        "The encoder's arithmetic: fp32, bf16 (AVX-512 BF16) or int8 (AVX-512 VNNI, with the bundle's "
            + "int8-calibration.json); falls back to fp32 with a warning on a CPU without those instructions.",
        valueName: "fp32|bf16|int8"))
    var precision: EncoderPrecision = .fp32

    @Option(help: ArgumentHelp("Most words per caption, <end> included.", valueName: "n"))
    var maxLength: Int = 50

    @Option(help: ArgumentHelp("Caption only the first N images of the split.", valueName: "n"))
    var limit: Int?

    @Option(help: ArgumentHelp("Images captioned at once, one thread each (default: every core).", valueName: "n"))
    var threads: Int?

    @Option(help: ArgumentHelp("The results file to write (COCO results JSON); its journal is OUT.partial.", valueName: "results.json"))
    var out: String

    @Flag(help: "Continue an interrupted run from OUT.partial.")
    var resume = false

    @Option(help: ArgumentHelp("Also write every image's scores to this JSON file.", valueName: "report.json"))
    var report: String?

    @Option(help: ArgumentHelp(
        "The metrics to compute, comma-separated: bleu, meteor, rouge, cider (METEOR reads its data from the cache folder; leaving it out skips that).",
        valueName: "list"))
    var metrics = MetricsArgument(all: ())

    /// What became of one image.
    enum Outcome: Sendable {
        case captioned(imageID: String, caption: String)
        case failed(message: String)
    }

    /// The search options the flags describe.
    var decodingOptions: DecodingOptions {
        DecodingOptions(beamSize: beamSize, maxLength: maxLength)
    }

    func validate() throws {
        do {
            try decodingOptions.validate()
        } catch let CaptionError.invalidOptions(reason) {
            throw ValidationError(reason)
        }
        if let threads, threads < 1 {
            throw ValidationError("--threads must be at least 1, got \(threads)")
        }
        if let limit, limit < 1 {
            throw ValidationError("--limit must be at least 1, got \(limit)")
        }
    }

    func run() throws {
        let complete: Bool
        do {
            complete = try captionAndScore()
        } catch let error as EvaluationError {
            let message = DatasetSelection.message(for: error, references: dataset, split: split, splitFile: nil)
            FileHandle.standardError.write(Data("caption-eval: \(message)\n".utf8))
            throw ExitCode.failure
        } catch {
            FileHandle.standardError.write(Data("caption-eval: \(error)\n".utf8))
            throw ExitCode.failure
        }
        if !complete {
            throw ExitCode.failure
        }
    }

    /// Captions what the journal lacks, writes the results and scores them; returns whether
    /// every image of the selection has a caption.
    private func captionAndScore() throws -> Bool {
        try Self.checkFolder(images)
        let split = try DatasetSelection.read(path: dataset, format: format, split: split, splitFile: nil, defaultSplit: "test")
        let selection = limit.map { limit in
            ReferenceDataset(path: split.path, format: split.format, images: Array(split.images.prefix(limit)))
        } ?? split
        let modelPath = try ModelLocator(explicitPath: model).locate()
        let captioner = try Captioner(modelAt: URL(fileURLWithPath: modelPath), precision: precision)
        if let warning = precision.fallback {
            note("warning: \(warning)")
        }
        let journal = try ResultsJournal(path: out + ".partial", settings: [
            ("model", .string(URL(fileURLWithPath: modelPath).standardizedFileURL.path)),
            ("precision", .string(captioner.encoderPrecision.rawValue)),
            ("beam_size", .integer(beamSize)), ("max_length", .integer(maxLength)),
        ], resume: resume)
        let pending = selection.images.filter { journal.captions[$0.id] == nil }
        let resumed = selection.images.count - pending.count
        if resumed > 0 {
            note("resuming: \(resumed) of \(selection.images.count) images are already captioned in \(journal.path)")
        }
        let interruptions = Self.reportInterruptions(journal: journal.path)
        let (captioned, failed, seconds) = caption(pending, with: captioner, into: journal, total: selection.images.count)
        Self.stopReporting(interruptions)

        let entries = selection.images.compactMap { image in
            journal.captions[image.id].map { CandidateResults.Entry(imageID: image.id, caption: $0) }
        }
        let rate = Double(captioned) / max(seconds, 1e-9)
        note("captioned \(captioned) image\(captioned == 1 ? "" : "s") in \(String(format: "%.1f", seconds)) s (\(String(format: "%.1f", rate)) images/s)"
            + (resumed > 0 ? ", \(resumed) more from the journal" : "") + (failed > 0 ? ", \(failed) failed" : ""))
        guard !entries.isEmpty else {
            throw EvaluationError.noCaptions(path: out)
        }
        try CandidateResults.write(entries, to: out)
        let complete = entries.count == selection.images.count
        if !complete {
            note("\(out): \(entries.count) of \(selection.images.count) images; \(journal.path) is kept: run again with --resume to retry the others")
        } else if selection.images.count < split.images.count {
            note("\(out): the first \(entries.count) of \(split.images.count) images (--limit); \(journal.path) is kept: run again with --resume to caption the rest")
        } else {
            journal.remove()
        }
        try DatasetSelection.score(CandidateResults(path: out, entries: entries), against: selection, metrics: metrics.metrics, reportPath: report)
        return complete
    }

    /// Refuses an `--images` folder that is missing, not a folder or unreadable, before
    /// anything is read or written (one message instead of one per image).
    static func checkFolder(_ path: String) throws(EvaluationError) {
        var information = stat()
        guard stat(path, &information) == 0 else {
            throw .unreadableFile(path: path, reason: "the --images folder: \(String(cString: strerror(errno)))")
        }
        guard (information.st_mode & S_IFMT) == S_IFDIR else {
            throw .unreadableFile(path: path, reason: "the --images value is not a folder")
        }
        guard access(path, R_OK | X_OK) == 0 else {
            throw .unreadableFile(path: path, reason: "the --images folder: \(String(cString: strerror(errno)))")
        }
    }

    /// Captions `images` over worker threads, journaling each caption as it comes in dataset
    /// order; returns how many were captioned and failed, and the seconds it took.
    private func caption(_ images: [ReferenceImage], with captioner: Captioner, into journal: ResultsJournal,
                         total: Int) -> (captioned: Int, failed: Int, seconds: Double) {
        let plan = ThreadPlan(threads: threads ?? ComputeThreads.availableCores, singleImage: false)
        plan.apply()
        let progress = ProgressDisplay(total: total, alreadyDone: total - images.count)
        let options = decodingOptions
        let folder = self.images
        var (captioned, failed) = (0, 0)
        let pipeline = CaptionPipeline(source: images.makeIterator(), workerCount: plan.workers, window: 4 * plan.workers, process: { image in
            Self.caption(image, in: folder, with: captioner, options: options)
        }, emit: { outcome in
            switch outcome {
            case let .captioned(imageID, caption):
                do {
                    try journal.record(imageID: imageID, caption: caption)
                } catch {
                    // Without a journal the run could not be resumed: stop here.
                    progress.note("caption-eval: \(error)")
                    Foundation.exit(1)
                }
                captioned += 1
                progress.advance(failed: false)
            case let .failed(message):
                failed += 1
                progress.note("caption-eval: \(message)")
                progress.advance(failed: true)
            }
        })
        pipeline.run()
        progress.finish()
        return (captioned, failed, progress.elapsedSeconds)
    }

    /// The caption of one image, read from `folder`/filepath/filename.
    private static func caption(_ image: ReferenceImage, in folder: String, with captioner: Captioner, options: DecodingOptions) -> Outcome {
        guard let path = DatasetSelection.imagePath(of: image, in: folder) else {
            return .failed(message: DatasetSelection.noFileName(image))
        }
        do {
            let caption = try captioner.caption(imageAt: path, options: options)
            return .captioned(imageID: image.id, caption: caption.text)
        } catch {
            return .failed(message: String(describing: error))
        }
    }

    /// On Ctrl-C or `kill`, ends the progress line, says how to resume, and exits with the
    /// usual 128 + signal status. The journal needs no clean-up: every line is written whole.
    private static func reportInterruptions(journal: String) -> [any DispatchSourceSignal] {
        [SIGINT, SIGTERM].map { number in
            signal(number, SIG_IGN)
            let source = DispatchSource.makeSignalSource(signal: number, queue: .global())
            source.setEventHandler {
                let lineEnd = isatty(STDERR_FILENO) == 1 ? "\n" : ""
                FileHandle.standardError.write(Data("\(lineEnd)caption-eval: interrupted; the captions so far are in \(journal): run again with --resume to continue\n".utf8))
                _exit(128 + number)
            }
            source.resume()
            return source
        }
    }

    /// Cancels `reportInterruptions` and restores the default signal handling.
    private static func stopReporting(_ sources: [any DispatchSourceSignal]) {
        for source in sources {
            source.cancel()
            signal(Int32(source.handle), SIG_DFL)
        }
    }

    private func note(_ message: String) {
        FileHandle.standardError.write(Data("caption-eval: \(message)\n".utf8))
    }
}

/// `--precision fp32|bf16|int8` of `run`.
extension EncoderPrecision: ExpressibleByArgument {}
