import ArgumentParser
import CaptionEval
import Foundation

/// The `--format` values: the reference file formats, plus automatic detection.
enum DatasetFormatArgument: String, ExpressibleByArgument, CaseIterable {
    case auto, karpathy, coco, flickr8k

    /// The format to read as; nil means detect it.
    var datasetFormat: DatasetFormat? {
        DatasetFormat(rawValue: rawValue)
    }
}

/// Reading a reference dataset and narrowing it to the images a subcommand works on.
enum DatasetSelection {
    /// The dataset at `path`, restricted to `split` (a Karpathy `split` value, or for Flickr8k
    /// the list `Flickr_8k.<split>Images.txt` beside the token file) and then to the images
    /// listed in `splitFile`, when given. Without `split`, a dataset whose images name Karpathy
    /// splits is restricted to `defaultSplit` when one is given.
    static func read(path: String, format: DatasetFormatArgument, split: String?, splitFile: String?,
                     defaultSplit: String? = nil) throws(EvaluationError) -> ReferenceDataset {
        var dataset = try ReferenceDataset.read(path: path, format: format.datasetFormat)
        if split == nil, let defaultSplit, !dataset.splits.isEmpty {
            dataset = try dataset.restricted(toSplit: defaultSplit)
        } else if let split {
            if dataset.format == .flickr8k {
                dataset = try dataset.restricted(toListIn: ReferenceDataset.flickr8kSplitList(forTokenFile: path, split: split))
            } else {
                dataset = try dataset.restricted(toSplit: split)
            }
        }
        if let splitFile {
            dataset = try dataset.restricted(toListIn: splitFile)
        }
        return dataset
    }

    /// Scores `candidates` against `dataset` on `metrics`, prints the table on standard output
    /// (and a note on standard error when some reference images have no candidate, or when
    /// METEOR could not be computed), and writes the JSON report to `reportPath` when given.
    static func score(_ candidates: CandidateResults, against dataset: ReferenceDataset, metrics: Set<CaptionMetric>,
                      reportPath: String?) throws(EvaluationError) {
        let items = try candidates.items(against: dataset)
        let meteor: (scorer: METEORScorer?, problem: String?) = metrics.contains(.meteor) ? METEORSetup.scorer() : (nil, nil)
        let evaluation = CaptionEvaluator(metrics: metrics, meteor: meteor.scorer, meteorProblem: meteor.problem).evaluate(items)
        print(evaluation.table())
        if metrics.contains(.meteor), let problem = evaluation.meteorProblem {
            FileHandle.standardError.write(Data("caption-eval: note: METEOR not computed: \(problem)\n".utf8))
        }
        if items.count < dataset.images.count {
            FileHandle.standardError.write(Data("caption-eval: note: \(items.count) of the \(dataset.images.count) reference images have a candidate; only those are scored\n".utf8))
        }
        if let reportPath {
            try evaluation.writeReport(to: reportPath)
        }
    }

    /// Where `image`'s file is: `folder`/filepath/filename (Karpathy `filepath` when the dataset
    /// gives one), joined as text so that a relative folder stays relative in messages; nil
    /// when the dataset gives no file name (`noFileName` says so).
    static func imagePath(of image: ReferenceImage, in folder: String) -> String? {
        guard let fileName = image.fileName else { return nil }
        var path = folder as NSString
        for component in [image.folder ?? "", fileName] where !component.isEmpty {
            path = path.appendingPathComponent(component) as NSString
        }
        return path as String
    }

    /// The message for an image without a file name.
    static func noFileName(_ image: ReferenceImage) -> String {
        "image \(image.id): the dataset gives no file name for it"
    }

    /// Runs a subcommand's work; an error becomes one line `caption-eval: ERROR` on standard
    /// error and exit status 1.
    static func failingInOneLine(_ work: () throws -> Void) throws {
        do {
            try work()
        } catch {
            FileHandle.standardError.write(Data("caption-eval: \(error)\n".utf8))
            throw ExitCode.failure
        }
    }

    /// The one-line message for `error`; an image without references is said to be missing
    /// from the selected split or list, which is usually why (results of another split).
    static func message(for error: EvaluationError, references: String, split: String?, splitFile: String?) -> String {
        guard case let .imageWithoutReferences(path, imageID) = error else { return error.description }
        let selection = [split.map { "split '\($0)'" }, splitFile.map { "the list \($0)" }].compactMap { $0 }
        guard !selection.isEmpty else { return error.description }
        return "\(path): image \(imageID) has no reference captions in \(selection.joined(separator: " and ")) of \(references)"
            + " (were the results made from another split?)"
    }
}

/// The `--metrics` value: a comma-separated subset of bleu, meteor, rouge, cider.
struct MetricsArgument: ExpressibleByArgument {
    /// The metrics chosen.
    var metrics: Set<CaptionMetric>

    /// Parses "bleu,cider"; nil (a usage error) for an unknown name.
    init?(argument: String) {
        guard case let .success(metrics) = CaptionMetric.parseList(argument) else { return nil }
        self.metrics = metrics
    }

    /// Every metric.
    init(all: Void) {
        metrics = Set(CaptionMetric.allCases)
    }

    /// The help's default.
    var defaultValueDescription: String { "bleu,meteor,rouge,cider" }
}

/// `--dataset`, `--images` and `--format` of the subcommands that read a split's images
/// (`features`, `calibrate`).
struct ImageDatasetOptions: ParsableArguments {
    @Option(help: ArgumentHelp("The reference captions and image list (as for 'run').", valueName: "file"))
    var dataset: String

    @Option(help: ArgumentHelp("The folder the dataset's image paths are relative to.", valueName: "dir"))
    var images: String

    @Option(help: "The dataset file's format.")
    var format: DatasetFormatArgument = .auto
}
