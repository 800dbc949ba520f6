/// METEOR's paraphrase table as it is read: its lines (blocks of a probability, a reference
/// phrase and a paraphrase), and the checksum and size recorded for the stored file, which
/// name the content a METEOR cache was built from.
struct ParaphraseSource: Sendable {
    /// CRC-32 of the stored table (`paraphrase-en.gz` as the wheel's directory records it).
    let checksum: UInt32
    /// Size in bytes of the stored table.
    let size: Int
    /// Calls its argument with each line of the table, in order (without the "\n"); throws
    /// when the table cannot be read.
    let readLines: @Sendable ((UnsafeBufferPointer<UInt8>) -> Void) throws(EvaluationError) -> Void
}
