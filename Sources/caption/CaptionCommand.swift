import ArgumentParser
import CaptionKit
import Foundation

/// `caption IMAGE...`: the command's options, their validation, and the run.
struct CaptionCommand: ExecutableCommand {
    static let usageName = "caption"

    static let configuration = CommandConfiguration(
        commandName: "caption",
        abstract: "Caption images with a Show, Attend and Tell model.",
        discussion: """
            Arguments are image files (JPEG or PNG, whatever their name), folders (every .jpg, \
            .jpeg and .png file inside, sorted by name; subfolders with --recursive) and - \
            (read more arguments from standard input, one per line). Captions are printed in \
            input order, each as soon as it is ready.

            Output: the caption alone for a single image file; IMAGE<TAB>CAPTION lines otherwise. \
            A caption cut off at --max-length before it ended ends in '…'. With --n-best N, \
            each is followed by the N best captions found, best first, as lines \
            '  #RANK SCORE<TAB>CAPTION'. With --json, one JSON object per line: \
            {"image": PATH, "caption": "...", "tokens": [...], "score": -1.23}, plus \
            "finished": false for a cut-off caption, plus with --n-best N an "n_best" array \
            of the same N {"caption", "tokens", "score"} objects, best first. Scores are beam \
            scores (sums of log-probabilities); the words <start>, <end> and <pad> are never \
            printed, and leaving them out does not change a score.

            The model is --model, else $CAPTIONKIT_MODEL, else weights/default in the working \
            directory, else the user's model cache ($CAPTIONKIT_CACHE/models/default, by default \
            ~/.cache/captionkit/models/default, which scripts/install-model fills), else \
            weights/default in the CaptionKit checkout the executable was built in.

            Errors go to standard error as 'caption: PATH: reason'; the other images are still \
            captioned. Exit status: 0 when every image was captioned, 1 when anything failed, \
            64 for a usage error.

            Subcommands:
              caption serve [options]   serve captions over HTTP, with a web page
                                        (its options: caption serve --help)

            Examples:
              caption photo.jpg
              caption --beam-size 5 --json photos/ > captions.jsonl
              find photos -name '*.jpg' | caption -
              caption --n-best 3 --length-penalty wu photo.jpg
              caption --attention photo-attention.png photo.jpg
              caption --recursive --attention-dir attention/ --timings photos/
            """,
        version: "caption 0.1.0"
    )

    @Argument(help: ArgumentHelp("Image files, folders, or - for a list on standard input.", valueName: "image"))
    var images: [String] = []

    @Option(help: ArgumentHelp("Model bundle: a directory or .npz file.", valueName: "dir|file.npz"))
    var model: String?

    // `.unconditional`: a negative number is the option's value (then refused by
    // validation with the range), not taken for an unknown flag.
    @Option(parsing: .unconditional, help: ArgumentHelp("Beams kept during the search (1 = greedy).", valueName: "k"))
    var beamSize: Int = 3

    @Option(parsing: .unconditional, help: ArgumentHelp("Most words per caption, <end> included.", valueName: "n"))
    var maxLength: Int = 50

    @Option(help: ArgumentHelp(
        "How captions of different lengths are ranked: none (sum of log-probabilities), avg (per word), "
            + "wu or wu:ALPHA (GNMT, alpha 0.7 by default).", valueName: "none|avg|wu[:alpha]"))
    var lengthPenalty = LengthPenaltyArgument(.none)

    @Option(name: .customLong("n-best"), parsing: .unconditional, help: ArgumentHelp("Print the N best captions with their scores.", valueName: "n"))
    var nBest: Int = 1

    @Flag(help: "Print JSON Lines instead of text.")
    var json = false

    @OptionGroup var encoderPrecision: PrecisionOption

    @Option(parsing: .unconditional, help: ArgumentHelp(
        "Threads to use (default: every core): all of them for a single image file; otherwise this many "
            + "images at once, one thread each.", valueName: "n"))
    var threads: Int?

    @Flag(help: "Print per-image timings (load, decode, encode, search, total) and the model load time on standard error.")
    var timings = false

    @Option(help: ArgumentHelp("Write the attention picture of the (single) image to this PNG file.", valueName: "out.png"))
    var attention: String?

    @Option(help: ArgumentHelp("Write one attention picture per image into this folder, as NAME.attention.png.", valueName: "dir"))
    var attentionDir: String?

    @Flag(name: [.customShort("r"), .long], help: "Look for images in subfolders of folder arguments too.")
    var recursive = false

    @Flag(help: "Never repeat a word trigram within a caption.")
    var blockRepeatedTrigrams = false

    @Flag(help: "Never emit the <unk> word.")
    var suppressUnknown = false

    /// The search options the flags describe.
    var decodingOptions: DecodingOptions {
        DecodingOptions(beamSize: beamSize, maxLength: maxLength, lengthPenalty: lengthPenalty.penalty, nBest: nBest,
                        blockRepeatedTrigrams: blockRepeatedTrigrams, suppressUnknown: suppressUnknown)
    }

    /// Whether the arguments name exactly one image file (no folder, no standard input).
    var namesSingleFile: Bool {
        guard images.count == 1, images[0] != "-" else { return false }
        var isDirectory: ObjCBool = false
        return !(FileManager.default.fileExists(atPath: images[0], isDirectory: &isDirectory) && isDirectory.boolValue)
    }

    func validate() throws {
        guard !images.isEmpty else {
            throw ValidationError("no image given (an image file, a folder, or - for a list on standard input)")
        }
        do {
            try decodingOptions.validate()
        } catch let CaptionError.invalidOptions(reason) {
            throw ValidationError(reason)
        }
        if let threads, threads < 1 {
            throw ValidationError("--threads must be at least 1, got \(threads)")
        }
        if attention != nil {
            guard attentionDir == nil else {
                throw ValidationError("--attention and --attention-dir cannot be used together")
            }
            guard namesSingleFile else {
                throw ValidationError("--attention writes the picture of a single image file; use --attention-dir DIR for several")
            }
        }
    }

    /// Runs the command; returns the exit status (0 success, 1 when anything failed).
    func execute() -> Int32 {
        let plan = ThreadPlan(threads: threads ?? ComputeThreads.availableCores, singleImage: namesSingleFile)
        plan.apply()
        let clock = ContinuousClock()
        let captioner: Captioner
        do {
            let start = clock.now
            let path = try ModelLocator(explicitPath: model).locate()
            captioner = try encoderPrecision.captioner(modelAt: path, commandName: "caption")
            if timings {
                StandardStream.error.writeLine(OutputFormatter.modelLoadLine(milliseconds: ImageJob.milliseconds(clock.now - start)))
            }
            if let attentionDir {
                try createFolder(attentionDir)
            }
        } catch {
            StandardStream.error.writeLine("caption: \(error)")
            return 1
        }
        let failures = captionAll(with: captioner, workers: plan.workers)
        return failures == 0 ? 0 : 1
    }

    /// Captions every input through the ordered pipeline; returns how many failed.
    private func captionAll(with captioner: Captioner, workers: Int) -> Int {
        var collector = InputCollector(arguments: images, recursive: recursive)
        var namer = attentionDir.map(AttentionFileNamer.init(directory:))
        let singleAttention = attention
        let requests = AnyIterator<ImageRequest> {
            guard let item = collector.next() else { return nil }
            guard case let .image(path) = item else { return ImageRequest(item: item, attentionPath: nil) }
            return ImageRequest(item: item, attentionPath: singleAttention ?? namer?.path(forImageAt: path))
        }
        let job = ImageJob(captioner: captioner, options: decodingOptions)
        let formatter = OutputFormatter(json: json, showsImagePath: !namesSingleFile, showsAlternatives: nBest > 1)
        var failures = 0
        let printsTimings = timings
        let pipeline = CaptionPipeline(source: requests, workerCount: workers, window: 4 * workers,
                                       process: job.run) { outcome in
            FaultInjection.outcomeReady()
            switch outcome {
            case let .captioned(path, caption, imageTimings, attentionFailure):
                StandardStream.output.write(formatter.text(for: caption, imagePath: path))
                if printsTimings {
                    StandardStream.error.writeLine(OutputFormatter.timingsLine(imagePath: path, timings: imageTimings))
                }
                if let attentionFailure {
                    StandardStream.error.writeLine("caption: \(attentionFailure)")
                    failures += 1
                }
            case let .failed(message):
                StandardStream.error.writeLine("caption: \(message)")
                failures += 1
            }
        }
        pipeline.run()
        return failures
    }

    /// Creates the folder `path` and its parents where missing (`mkdir -p`).
    private func createFolder(_ path: String) throws {
        var prefix = path.hasPrefix("/") ? "/" : ""
        for component in path.split(separator: "/") {
            prefix += component + "/"
            var information = stat()
            if stat(prefix, &information) == 0 && (information.st_mode & S_IFMT) == S_IFDIR { continue }
            guard mkdir(prefix, 0o755) == 0 else {
                let reason = errno == EEXIST ? "\(prefix.dropLast()) is not a folder" : String(cString: strerror(errno))
                throw CommandFailure("\(path): cannot create the attention folder: \(reason)")
            }
        }
    }
}
