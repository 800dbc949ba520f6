/// A fully connected layer, the port of `torch.nn.Linear`: `y = x * weight^T + bias` with
/// weight `[out, in]` and bias `[out]` as PyTorch stores them; `x` is `[N, in]`, `y` `[N, out]`.
///
/// One GEMM per call (the weight used transposed, as stored), or for at most
/// `SkinnyProduct.rowLimit` rows (the decoder's beams) a product that streams the weight once
/// without GEMM's packing. `apply(rows:input:output:)` writes into caller memory and
/// allocates nothing, for the decoder's per-step calls.
public struct Linear: Sendable {
    /// `weight`, shape `[out, in]` (PyTorch `Linear.weight`).
    public let weight: Tensor
    /// `bias`, shape `[out]` (PyTorch `Linear.bias`), or nil for `bias=False`.
    public let bias: Tensor?

    /// A linear layer from PyTorch's tensors.
    /// - Precondition: `weight` is rank 2 and `bias`, if any, is `[weight.shape[0]]`.
    public init(weight: Tensor, bias: Tensor? = nil) {
        precondition(weight.rank == 2, "Linear weight must be [out, in], got \(weight.shape)")
        precondition(bias == nil || bias?.shape == [weight.shape[0]],
                     "Linear bias must be [\(weight.shape[0])], got \(bias?.shape ?? [])")
        self.weight = weight
        self.bias = bias
    }

    /// The input size (PyTorch `in_features`).
    public var inputFeatures: Int { weight.shape[1] }
    /// The output size (PyTorch `out_features`).
    public var outputFeatures: Int { weight.shape[0] }

    /// `input` (`[N, in]`) through the layer, as a new `[N, out]` tensor.
    /// - Precondition: `input` is `[N, in]`.
    public func callAsFunction(_ input: Tensor) -> Tensor {
        var output = Tensor(shape: [rowCount(of: input), outputFeatures])
        apply(input, into: &output)
        return output
    }

    /// Writes `input` (`[N, in]`) through the layer into `output` (`[N, out]`); allocates
    /// nothing when `output`'s storage is not shared.
    /// - Precondition: `input` is `[N, in]` and `output` is `[N, out]`.
    public func apply(_ input: Tensor, into output: inout Tensor) {
        let rows = rowCount(of: input)
        precondition(output.shape == [rows, outputFeatures],
                     "Linear output must be [\(rows), \(outputFeatures)], got \(output.shape)")
        input.withUnsafeBufferPointer { inputBuffer in
            output.withUnsafeMutableBufferPointer { outputBuffer in
                guard let inputBase = inputBuffer.baseAddress, let outputBase = outputBuffer.baseAddress else { return }
                apply(rows: rows, input: inputBase, output: outputBase)
            }
        }
    }

    /// The allocation-free form: `rows` input vectors of `inputFeatures` values, contiguous
    /// at `input`, give `rows` output vectors of `outputFeatures` values written at `output`.
    /// When `accumulate` is true the result is added to what `output` holds.
    public func apply(rows: Int, input: UnsafePointer<Float>, output: UnsafeMutablePointer<Float>, accumulate: Bool = false) {
        weight.withUnsafeBufferPointer { weightBuffer in
            guard let weightBase = weightBuffer.baseAddress else { return }
            // input: rows x in, weight: out x in (transposed) -> output: rows x out
            if rows <= SkinnyProduct.rowLimit {
                SkinnyProduct.multiplyTransposed(
                    rows: rows, input: input, weight: weightBase, outputs: outputFeatures, inputs: inputFeatures,
                    output: output, accumulate: accumulate)
                return
            }
            GEMM.multiply(
                m: rows, n: outputFeatures, k: inputFeatures,
                a: input, lda: inputFeatures,
                b: weightBase, ldb: inputFeatures, transposeB: true,
                c: output, ldc: outputFeatures, beta: accumulate ? 1 : 0)
        }
        guard let bias else { return }
        bias.withUnsafeBufferPointer { biasValues in
            for row in 0..<rows {
                let line = output + row * outputFeatures
                for column in 0..<outputFeatures {
                    line[column] += biasValues[column]
                }
            }
        }
    }

    /// N for an `[N, in]` input.
    private func rowCount(of input: Tensor) -> Int {
        precondition(input.rank == 2 && input.shape[1] == inputFeatures,
                     "Linear with weight \(weight.shape) needs input [N, \(inputFeatures)], got \(input.shape)")
        return input.shape[0]
    }
}
