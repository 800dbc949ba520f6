import ArgumentParser
import CaptionKit
import Foundation

/// `--precision fp32|bf16|int8`, shared by `caption` and `caption serve`: the encoder's
/// arithmetic, and loading the model in it.
struct PrecisionOption: ParsableArguments {
    @Option(help: ArgumentHelp(
        "The encoder's arithmetic: fp32, bf16 (AVX-512 BF16) or int8 (AVX-512 VNNI, with the bundle's "
            + "int8-calibration.json); falls back to fp32 with a warning on a CPU without those instructions.",
        valueName: "fp32|bf16|int8"))
    var precision: EncoderPrecision = .fp32

    /// The model at `path` with its encoder in this precision. Where the CPU lacks the
    /// instructions, prints `COMMAND: warning: ...` on standard error and runs fp32.
    func captioner(modelAt path: String, commandName: String) throws -> Captioner {
        let captioner = try Captioner(modelAt: URL(fileURLWithPath: path), precision: precision)
        if let warning = precision.fallback {
            StandardStream.error.writeLine("\(commandName): warning: \(warning)")
        }
        return captioner
    }
}

/// `--precision fp32|bf16|int8`: the raw values.
extension EncoderPrecision: ExpressibleByArgument {}
