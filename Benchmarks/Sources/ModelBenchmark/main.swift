// Times CaptionKit's model on a bundle (Benchmarks/run uses the random VGG-16-sized one from
// tools/make_benchmark_bundle.py) and prints one JSON object per measured line.
//
// Usage:
//   ModelBenchmark sgemm [--size N] [--runs R] [--threads T]
//       OpenBLAS sgemm of two N x N matrices (default 2048): GFLOP/s, the machine's yardstick.
//   ModelBenchmark encoder --model DIR --image IMG [--precision P] [--runs R] [--threads T]
//       the encoder (in fp32, bf16 or int8) on one preprocessed image: ms, GFLOP/s of its
//       convolutions, and what the first pass adds to the process: its resident peak (weight
//       pages read for the first time included) and the anonymous memory it allocated (scratch
//       kept for the next pass). Prints the precision it ran in (fp32 where the CPU lacks P's).
//   ModelBenchmark calibrate --model DIR --image IMG
//       writes DIR/int8-calibration.json from the image, unless the bundle has one (the int8
//       encoder's speed does not depend on the clip values).
//   ModelBenchmark precisions
//       the precisions this CPU runs.
//   ModelBenchmark decoder --model DIR --image IMG [--beam K] [--runs R] [--threads T]
//       beam search on the image's annotation vectors: ms per decoder step (one search, from
//       encoder_att and h0 to the last finished beam, divided by the steps it ran).
//   ModelBenchmark throughput --model DIR --image IMG [--count N] [--runs R] [--threads T]
//       Captioner.captions(_:) on N different crops of the image: images per second.
//   ModelBenchmark layers [--runs R] [--threads T]
//       each distinct VGG-16 convolution at 224 x 224 (constant weights) through im2col,
//       through Winograd, and packed in bf16 and int8 where the CPU runs them: ms and GFLOP/s
//       of each, to choose Conv2D.preferredAlgorithm and to see what each precision buys.
import BenchmarkSupport
import CaptionKit
import Foundation

let usage = """
    usage: ModelBenchmark sgemm|encoder|calibrate|precisions|decoder|throughput|layers [--model DIR] [--image IMG] \
    [--beam K] [--precision fp32|bf16|int8] [--count N] [--size N] [--runs R] [--threads T]
    """

/// 2 * O * I * 9 * H * W for every 3x3 convolution of the encoder at its input size.
func convolutionFLOPs(_ encoder: ModelConfiguration.Encoder) -> Double {
    var (channels, side, total) = (3, encoder.inputSize, 0.0)
    for layer in encoder.layers {
        switch layer {
        case let .convolution(outputChannels):
            total += 2 * Double(outputChannels * channels * 9 * side * side)
            channels = outputChannels
        case .maxPool:
            side /= 2
        }
    }
    return total
}

func sgemm(size: Int, runs: Int) {
    let a = Tensor(shape: [size, size], repeating: 0.5)
    let b = Tensor(shape: [size, size], repeating: 0.25)
    var sink: Float = 0
    let timing = measure(runs: runs) { sink += Tensor.matmul(a, b)[flat: 0] }
    let flops = 2 * Double(size * size * size)
    report("sgemm", timing.fields() + [("gflops", flops / median(timing.wall) / 1e6)],
           samples: [("gflops_runs", timing.wall.map { flops / $0 / 1e6 })],
           extra: [("threads", "\(ComputeThreads.count)"), ("check", "\(sink)")])
}

func encoder(_ captioner: Captioner, image: RGBImage, runs: Int) {
    let input = captioner.preprocessor.tensor(for: image)
    let batch = input.reshaped([1] + input.shape)
    var sink: Float = 0
    // The first pass allocates the encoder's scratch memory (kept for the next pass): the
    // anonymous memory it adds is the encoder's extra memory; the peak also counts weight
    // pages read for the first time (those not already read by a Winograd transform).
    let memory = ResidentMemory.increase { sink += captioner.bundle.encoder(batch)[flat: 0] }
    let timing = measure(runs: runs) { sink += captioner.bundle.encoder(batch)[flat: 0] }
    let flops = convolutionFLOPs(captioner.bundle.configuration.encoder)
    report("encoder", timing.fields() + [
        ("gflop", flops / 1e9), ("gflops", flops / median(timing.wall) / 1e6),
        ("peak_extra_mb", Double(memory?.peak ?? -1) / 1_048_576),
        ("anonymous_extra_mb", Double(memory?.anonymous ?? -1) / 1_048_576),
    ], samples: timing.samples(), extra: [("threads", "\(ComputeThreads.count)"), ("check", "\(sink)"),
                                          ("precision", captioner.encoderPrecision.rawValue)])
}

/// Writes the bundle's int8 calibration from one image, unless it has one.
func calibrate(model: URL, image path: String) throws {
    let target = model.appendingPathComponent(Int8Calibration.fileName)
    guard !FileManager.default.fileExists(atPath: target.path) else { return }
    var builder = try Int8CalibrationBuilder(imageEncoder: ImageEncoder(encoderOf: model))
    builder.add(try ImageDecoder().decode(fileAt: path))
    try Data(try builder.calibration().json.utf8).write(to: target, options: .atomic)
}

func decoder(_ captioner: Captioner, image: RGBImage, beam: Int, runs: Int) throws {
    let encoded = captioner.encode([image])[0]
    // With n-best = beam size every finished hypothesis comes back, so the longest one
    // tells how many steps the search ran (its tokens plus <end>).
    let options = DecodingOptions(beamSize: beam, nBest: beam)
    try options.validate()
    let caption = captioner.describe(encoded, options: options)
    let steps = ([caption] + caption.alternatives).map { $0.tokens.count + ($0.finished ? 1 : 0) }.max() ?? 1
    let timing = measure(runs: runs) { _ = captioner.describe(encoded, options: options) }
    report("decoder beam \(beam)", timing.fields(per: Double(steps)) + [("steps", Double(steps)),
           ("search_median_ms", median(timing.wall)), ("score", Double(caption.score))],
           samples: timing.samples(per: Double(steps)), extra: [("threads", "\(ComputeThreads.count)"), ("caption", caption.text)])
}

func layers(runs: Int) {
    // (input channels, output channels, side) of VGG-16's distinct convolutions at 224 x 224
    let shapes = [(3, 64, 224), (64, 64, 224), (64, 128, 112), (128, 128, 112), (128, 256, 56), (256, 256, 56),
                  (256, 512, 28), (512, 512, 28), (512, 512, 14)]
    for (inputs, outputs, side) in shapes {
        let weight = Tensor(shape: [outputs, inputs, 3, 3], repeating: 0.01)
        let input = Tensor(shape: [1, inputs, side, side], repeating: 0.5)
        let flops = 2 * Double(outputs * inputs * 9 * side * side)
        for algorithm in [Conv2D.Algorithm.im2col, .winograd] {
            let layer = Conv2D(weight: weight, bias: Tensor(shape: [outputs]), padding: 1, fusesReLU: true, algorithm: algorithm)
            var sink: Float = 0
            let timing = measure(runs: runs) { sink += layer(input)[flat: 0] }
            report("conv \(inputs)->\(outputs) at \(side) \(algorithm)", timing.fields() + [("gflops", flops / median(timing.wall) / 1e6)],
                   extra: [("threads", "\(ComputeThreads.count)"), ("check", "\(sink)")])
        }
        let plain = Conv2D(weight: weight, bias: Tensor(shape: [outputs]), padding: 1, fusesReLU: true, algorithm: .im2col)
        let arithmetics: [(name: String, arithmetic: PackedConvolution.Arithmetic)] = [
            ("direct fp32", .fp32), ("bf16", .bf16), ("int8", .int8(inputScale: 1 / 255))]
        for (name, arithmetic) in arithmetics
        where PackedConvolution.isSupported(arithmetic) && PackedConvolution.canPack(plain, for: arithmetic) {
            // Like Conv2D's callAsFunction: the output and the workspace allocated per call.
            let layer = PackedConvolution(plain, arithmetic: arithmetic)
            var sink: Float = 0
            let timing = measure(runs: runs) {
                let output = UnsafeMutablePointer<Float>.allocate(capacity: outputs * side * side)
                let workspace = UnsafeMutablePointer<Float>.allocate(capacity: layer.workspaceCount(height: side, width: side))
                input.withUnsafeBufferPointer { layer.apply(image: $0.baseAddress!, height: side, width: side, output: output, workspace: workspace) }
                sink += output[0]
                output.deallocate()
                workspace.deallocate()
            }
            report("conv \(inputs)->\(outputs) at \(side) \(name)",
                   timing.fields() + [("gflops", flops / median(timing.wall) / 1e6)],
                   extra: [("threads", "\(ComputeThreads.count)"), ("check", "\(sink)")])
        }
    }
}

/// `count` different crops (7/8 of each side) of `image`, at offsets spread over the margin.
func crops(of image: RGBImage, count: Int) throws -> [RGBImage] {
    let (width, height) = (image.width * 7 / 8, image.height * 7 / 8)
    return try (0..<count).map { index in
        let x = (image.width - width) * (index % 10) / 9
        let y = (image.height - height) * (index / 10 % 10) / 9
        var pixels = [UInt8]()
        pixels.reserveCapacity(width * height * 3)
        for row in y..<(y + height) {
            let start = (row * image.width + x) * 3
            pixels.append(contentsOf: image.pixels[start..<(start + width * 3)])
        }
        return try RGBImage(width: width, height: height, pixels: pixels)
    }
}

func throughput(_ captioner: Captioner, image: RGBImage, count: Int, runs: Int) throws {
    let images = try crops(of: image, count: count)
    var distinct = Set<String>()
    // No warm-up pass: over this many images the first one's page faults do not count.
    let timing = try measure(runs: runs, warmUp: false) {
        distinct = Set(try captioner.captions(images).map(\.text))
    }
    report("throughput", timing.fields() + [("images", Double(count)),
           ("images_per_second", Double(count) * 1000 / median(timing.wall)),
           ("distinct_captions", Double(distinct.count))],
           samples: timing.samples(), extra: [("threads", "\(ComputeThreads.count)")])
}

do {
    let arguments = try Arguments(Array(CommandLine.arguments.dropFirst()),
                                  known: ["model", "image", "beam", "count", "size", "runs", "threads", "precision"],
                                  usage: usage)
    if let threads = arguments.text("threads") {
        ComputeThreads.count = try arguments.number("threads", default: Int(threads) ?? 1)
    }
    let runs = try arguments.number("runs", default: 5)
    let command = try arguments.positional(0, "a command")
    switch command {
    case "sgemm":
        sgemm(size: try arguments.number("size", default: 2048), runs: runs)
        exit(0)
    case "layers":
        layers(runs: runs)
        exit(0)
    case "precisions":
        print("{\"supported\": [\(EncoderPrecision.allCases.filter(\.isSupported).map { "\"\($0.rawValue)\"" }.joined(separator: ", "))]}")
        exit(0)
    case "calibrate":
        try calibrate(model: URL(fileURLWithPath: try arguments.required("model")), image: try arguments.required("image"))
        exit(0)
    default:
        break
    }
    let precisionText = arguments.text("precision") ?? "fp32"
    guard let precision = EncoderPrecision(rawValue: precisionText) else {
        throw UsageError(description: "\(usage)\n(--precision must be fp32, bf16 or int8, got \(precisionText))")
    }
    let captioner = try Captioner(modelAt: URL(fileURLWithPath: try arguments.required("model")), precision: precision)
    let image = try captioner.imageDecoder.decode(fileAt: try arguments.required("image"))
    switch command {
    case "encoder": encoder(captioner, image: image, runs: runs)
    case "decoder": try decoder(captioner, image: image, beam: try arguments.number("beam", default: 3), runs: runs)
    case "throughput": try throughput(captioner, image: image, count: try arguments.number("count", default: 100), runs: runs)
    default: throw UsageError(description: "\(usage)\n(unknown command \(command))")
    }
} catch {
    note("ModelBenchmark: \(error)")
    exit(1)
}
