import ArgumentParser

/// `caption-eval`: dataset evaluation of image captions. Subcommands: `score` (score a results
/// file against reference captions) and `run` (caption a dataset's images with a model, then
/// score).
@main
struct CaptionEvalCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "caption-eval",
        abstract: "Evaluate image captions with the COCO caption metrics (BLEU-1..4, ROUGE-L, CIDEr-D).",
        discussion: """
            Scores match the COCO caption toolkit (pycocoevalcap) to 1e-6, corpus and per image: \
            captions are tokenized as its Stanford PTBTokenizer pipeline does, natively. METEOR \
            and SPICE are not computed.
            """,
        version: "caption-eval 0.1.0",
        subcommands: [ScoreCommand.self, RunCommand.self, FeaturesCommand.self]
    )
}
