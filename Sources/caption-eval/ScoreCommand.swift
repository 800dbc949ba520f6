import ArgumentParser
import CaptionEval
import Foundation

/// `caption-eval score`: scores a COCO results file against a reference dataset, prints the
/// corpus scores and optionally writes a JSON report with every image's scores.
struct ScoreCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "score",
        abstract: "Score candidate captions against reference captions.",
        discussion: """
            RESULTS is a COCO results file: [{"image_id": 391895, "caption": "a man riding a bike"}, ...]; \
            image ids are integers or strings and name each image once. An image is found by its id \
            (COCO id; Karpathy cocoid, else imgid, else file name stem; Flickr8k file name stem) or by \
            its file name with or without extension.

            Examples:
              caption-eval score --results res.json --references captions_val2014.json
              caption-eval score --results res.json --references dataset_coco.json \\
                  --split test --report report.json
              caption-eval score --results res.json --references Flickr8k.token.txt \\
                  --split test
              caption-eval score --results res.json --references Flickr8k.token.txt \\
                  --split-file my_images.txt

            The report is {"corpus": {"Bleu_1": ..., "Bleu_2": ..., "Bleu_3": ..., "Bleu_4": ..., \
            "METEOR": ..., "ROUGE_L": ..., "CIDEr": ...}, "images": {"<image_id>": {...}}, "not_computed": ["SPICE"]}, \
            written atomically; --metrics keeps a subset (e.g. --metrics bleu,cider), and the others are \
            listed in "not_computed". METEOR needs the COCO toolkit's data (the pycocoevalcap 1.2 wheel, \
            104 MB, in $CAPTIONKIT_CACHE/wheels, default ~/.cache/captionkit/wheels), which \
            scripts/fetch-meteor-data downloads on first use; without it METEOR is "not computed" and a \
            note says why. Exit status: 0 scored, 1 bad input (one line on stderr names the \
            file and reason), 64 usage error.

            Scene truth: when the references are a Karpathy file of the synthetic scene domain \
            (images with an "objects" scene graph of shapes, colours, sizes and boxes), each \
            candidate is also checked against its scene; the table adds the scene truth scores \
            and the report a "scenes" object {"object_precision", "object_recall", \
            "relation_accuracy", "entirely_true", ...} and each image's verdict as "scene".
            """
    )

    @Option(help: ArgumentHelp("The candidate captions (COCO results JSON).", valueName: "results.json"))
    var results: String

    @Option(help: ArgumentHelp("The reference captions: Karpathy split JSON, COCO caption annotations or Flickr8k.token.txt.", valueName: "file"))
    var references: String

    @Option(help: "The references' format.")
    var format: DatasetFormatArgument = .auto

    @Option(help: ArgumentHelp(
        "Score against this split only: a Karpathy 'split' value (train, val, test, restval), or for Flickr8k the list Flickr_8k.<split>Images.txt beside the token file.",
        valueName: "name"))
    var split: String?

    @Option(help: ArgumentHelp("Score against the images listed in this file only (one file name or id a line).", valueName: "file"))
    var splitFile: String?

    @Option(help: ArgumentHelp("Also write every image's scores to this JSON file.", valueName: "report.json"))
    var report: String?

    @Option(help: ArgumentHelp(
        "The metrics to compute, comma-separated: bleu, meteor, rouge, cider (METEOR reads its data from the cache folder; leaving it out skips that).",
        valueName: "list"))
    var metrics = MetricsArgument(all: ())

    func run() throws {
        do {
            let dataset = try DatasetSelection.read(path: references, format: format, split: split, splitFile: splitFile)
            try DatasetSelection.score(try CandidateResults.read(path: results), against: dataset, metrics: metrics.metrics, reportPath: report)
        } catch {
            // Every step throws EvaluationError (typed throws), so `error` is one.
            let message = DatasetSelection.message(for: error, references: references, split: split, splitFile: splitFile)
            FileHandle.standardError.write(Data("caption-eval: \(message)\n".utf8))
            throw ExitCode.failure
        }
    }
}
