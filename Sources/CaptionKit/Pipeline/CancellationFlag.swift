import Synchronization

/// A flag set once from any thread (a task's cancellation handler) and read between decoder
/// steps by the thread that captions, so that a cancelled async call stops promptly.
final class CancellationFlag: Sendable {
    private let state = Atomic<Bool>(false)

    /// A flag that is not set.
    init() {}

    /// Sets the flag.
    func cancel() {
        state.store(true, ordering: .relaxed)
    }

    /// Whether `cancel()` was called.
    var isCancelled: Bool {
        state.load(ordering: .relaxed)
    }

    /// Throws `CancellationError` when the flag is set.
    func check() throws(CancellationError) {
        if isCancelled { throw CancellationError() }
    }
}
