/// A lookup table of word vectors, the port of `torch.nn.Embedding`: weight `[V, E]` as
/// PyTorch stores it; indices `[N]` give the `[N, E]` rows they name.
///
/// Indices come from the model's own vocabulary (`<start>` and the words beam search picks),
/// never straight from user input, so an index outside `0..<V` is a programmer error and
/// stops with a precondition failure rather than throwing.
public struct Embedding: Sendable {
    /// `weight`, shape `[V, E]` (PyTorch `Embedding.weight`).
    public let weight: Tensor

    /// An embedding from PyTorch's weight.
    /// - Precondition: `weight` is rank 2.
    public init(weight: Tensor) {
        precondition(weight.rank == 2, "Embedding weight must be [V, E], got \(weight.shape)")
        self.weight = weight
    }

    /// V, the number of vectors (PyTorch `num_embeddings`).
    public var vocabularySize: Int { weight.shape[0] }
    /// E, the vector size (PyTorch `embedding_dim`).
    public var embeddingSize: Int { weight.shape[1] }

    /// The vectors of `indices`, one row each: `[indices.count, E]`.
    /// - Precondition: every index is in `0..<vocabularySize`.
    public func callAsFunction(_ indices: [Int]) -> Tensor {
        Tensor(shape: [indices.count, embeddingSize]) { output in
            guard let base = output.baseAddress else { return }
            for (row, index) in indices.enumerated() {
                copyVector(at: index, into: base + row * embeddingSize)
            }
        }
    }

    /// Copies the `E` values of vector `index` to `destination` (allocation-free, for writing
    /// straight into the decoder's LSTM input rows).
    /// - Precondition: `index` is in `0..<vocabularySize`.
    public func copyVector(at index: Int, into destination: UnsafeMutablePointer<Float>) {
        precondition(index >= 0 && index < vocabularySize,
                     "embedding index \(index) outside 0..<\(vocabularySize)")
        weight.withUnsafeBufferPointer { table in
            guard let base = table.baseAddress else { return }
            destination.update(from: base + index * embeddingSize, count: embeddingSize)
        }
    }
}
