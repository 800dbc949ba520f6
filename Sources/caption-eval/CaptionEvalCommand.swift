import ArgumentParser
import Foundation

/// `caption-eval`: dataset evaluation of image captions. Subcommands: `score` (score a results
/// file against reference captions), `run` (caption a dataset's images with a model, then
/// score), `features` (encoder features for decoder training) and `calibrate` (the int8
/// encoder's activation ranges).
@main
struct CaptionEvalCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "caption-eval",
        abstract: "Evaluate image captions with the COCO caption metrics (BLEU-1..4, METEOR, ROUGE-L, CIDEr-D).",
        discussion: """
            Scores match the COCO caption toolkit (pycocoevalcap) to 1e-6, corpus and per image: \
            captions are tokenized as its Stanford PTBTokenizer pipeline does, natively, and \
            METEOR is computed natively from the toolkit's METEOR 1.5 data. SPICE is not computed.
            """,
        version: "caption-eval 0.1.0",
        subcommands: [ScoreCommand.self, RunCommand.self, FeaturesCommand.self, CalibrateCommand.self]
    )

    /// Parses and runs. A usage error is one line, `caption-eval: MESSAGE (see 'caption-eval
    /// SUBCOMMAND --help')` on standard error with status 64, as the `caption` command does;
    /// help, version and the subcommands' own failures go through ArgumentParser as usual.
    static func main() {
        let arguments = Array(CommandLine.arguments.dropFirst())
        do {
            var command = try parseAsRoot(arguments)
            try command.run()
        } catch {
            let code = exitCode(for: error)
            guard code == .validationFailure else { exit(withError: error) }
            let subcommand = configuration.subcommands.map { $0._commandName }.first { $0 == arguments.first }
            let help = ["caption-eval", subcommand, "--help"].compactMap { $0 }.joined(separator: " ")
            let message = message(for: error).split(separator: "\n").first.map(String.init) ?? "usage error"
            FileHandle.standardError.write(Data("caption-eval: \(message) (see '\(help)')\n".utf8))
            Foundation.exit(code.rawValue)
        }
    }
}
