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

    /// Scores `candidates` against `dataset`, prints the table on standard output (and a note
    /// on standard error when some reference images have no candidate), and writes the JSON
    /// report to `reportPath` when given.
    static func score(_ candidates: CandidateResults, against dataset: ReferenceDataset, reportPath: String?) throws(EvaluationError) {
        let items = try candidates.items(against: dataset)
        let evaluation = CaptionEvaluator().evaluate(items)
        print(evaluation.table())
        if items.count < dataset.images.count {
            FileHandle.standardError.write(Data("caption-eval: note: \(items.count) of the \(dataset.images.count) reference images have a candidate; only those are scored\n".utf8))
        }
        if let reportPath {
            try evaluation.writeReport(to: reportPath)
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
