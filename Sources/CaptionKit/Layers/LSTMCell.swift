import CKernels

/// One step of a long short-term memory cell, the port of `torch.nn.LSTMCell`, batched over
/// rows (beams): input `[B, I]`, hidden `[B, H]`, cell `[B, H]` -> new hidden and cell.
///
/// With PyTorch's tensors `weight_ih [4H, I]`, `weight_hh [4H, H]`, `bias_ih [4H]`,
/// `bias_hh [4H]` and gate order i, f, g, o:
/// `gates = x W_ih^T + b_ih + h W_hh^T + b_hh` (two GEMMs into one `[B, 4H]` buffer), then
/// `c' = sigmoid(f) * c + sigmoid(i) * tanh(g)` and `h' = sigmoid(o) * tanh(c')`.
public struct LSTMCell: Sendable {
    /// `weight_ih` and `bias_ih` as a linear map `I -> 4H`.
    public let inputTransform: Linear
    /// `weight_hh` and `bias_hh` as a linear map `H -> 4H`.
    public let hiddenTransform: Linear

    /// An LSTM cell from PyTorch's tensors: `inputWeight` is `weight_ih [4H, I]`,
    /// `hiddenWeight` is `weight_hh [4H, H]`, `inputBias` is `bias_ih [4H]` and `hiddenBias`
    /// is `bias_hh [4H]` (both nil for `bias=False`).
    /// - Precondition: the shapes agree.
    public init(inputWeight: Tensor, hiddenWeight: Tensor, inputBias: Tensor?, hiddenBias: Tensor?) {
        precondition(hiddenWeight.rank == 2 && hiddenWeight.shape[0] == 4 * hiddenWeight.shape[1],
                     "LSTMCell weight_hh must be [4H, H], got \(hiddenWeight.shape)")
        precondition(inputWeight.rank == 2 && inputWeight.shape[0] == hiddenWeight.shape[0],
                     "LSTMCell weight_ih must be [\(hiddenWeight.shape[0]), I], got \(inputWeight.shape)")
        inputTransform = Linear(weight: inputWeight, bias: inputBias)
        hiddenTransform = Linear(weight: hiddenWeight, bias: hiddenBias)
    }

    /// I, the input size (PyTorch `input_size`).
    public var inputSize: Int { inputTransform.inputFeatures }
    /// H, the hidden and cell size (PyTorch `hidden_size`).
    public var hiddenSize: Int { hiddenTransform.inputFeatures }

    /// One step from `(hidden, cell)` on `input`; returns the new state as new tensors.
    /// - Precondition: `input` is `[B, I]`, `hidden` and `cell` are `[B, H]`.
    public func callAsFunction(_ input: Tensor, hidden: Tensor, cell: Tensor) -> (hidden: Tensor, cell: Tensor) {
        var (newHidden, newCell) = (hidden, cell)
        var gates = Tensor(shape: [hidden.shape.first ?? 0, 4 * hiddenSize])
        step(input, hidden: &newHidden, cell: &newCell, gates: &gates)
        return (newHidden, newCell)
    }

    /// One step in place: `hidden` and `cell` are replaced by the new state; `gates`
    /// (`[B, 4H]`) is caller-provided scratch space. Allocates nothing when the three
    /// tensors' storage is not shared.
    /// - Precondition: `input` is `[B, I]`, `hidden` and `cell` are `[B, H]`, `gates` is `[B, 4H]`.
    public func step(_ input: Tensor, hidden: inout Tensor, cell: inout Tensor, gates: inout Tensor) {
        let rows = hidden.shape.first ?? 0
        precondition(input.shape == [rows, inputSize] && hidden.shape == [rows, hiddenSize]
                     && cell.shape == [rows, hiddenSize] && gates.shape == [rows, 4 * hiddenSize],
                     "LSTMCell(\(inputSize), \(hiddenSize)) got input \(input.shape), hidden \(hidden.shape), cell \(cell.shape), gates \(gates.shape)")
        input.withUnsafeBufferPointer { inputBuffer in
            hidden.withUnsafeMutableBufferPointer { hiddenBuffer in
                cell.withUnsafeMutableBufferPointer { cellBuffer in
                    gates.withUnsafeMutableBufferPointer { gatesBuffer in
                        guard let inputBase = inputBuffer.baseAddress, let hiddenBase = hiddenBuffer.baseAddress,
                              let cellBase = cellBuffer.baseAddress, let gatesBase = gatesBuffer.baseAddress else { return }
                        step(rows: rows, input: inputBase, hidden: hiddenBase, cell: cellBase, gates: gatesBase)
                    }
                }
            }
        }
    }

    /// The allocation-free form on raw memory: `rows` rows of `input` (`rows x I`), `hidden`
    /// and `cell` (`rows x H`, overwritten with the new state) and scratch `gates` (`rows x 4H`).
    public func step(
        rows: Int, input: UnsafePointer<Float>,
        hidden: UnsafeMutablePointer<Float>, cell: UnsafeMutablePointer<Float>,
        gates: UnsafeMutablePointer<Float>
    ) {
        // input: B x I, hidden: B x H -> gates: B x 4H (blocks i, f, g, o)
        inputTransform.apply(rows: rows, input: input, output: gates)
        hiddenTransform.apply(rows: rows, input: hidden, output: gates, accumulate: true)
        // gates -> c' = sigmoid(f) * c + sigmoid(i) * tanh(g), h' = sigmoid(o) * tanh(c')
        ck_lstm_update(gates, rows, hiddenSize, hidden, cell)
    }
}
