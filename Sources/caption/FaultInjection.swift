import Foundation
import Synchronization

/// A test hook for the Spark job's fault tests (docs/spark.md): with
/// `CAPTIONKIT_FAULT_EXIT_AFTER=K` (K >= 1) in the environment, the process kills itself with
/// SIGKILL, as the kernel's out-of-memory killer would, when the outcome of its K-th image is
/// ready and before it is printed (so K - 1 results come out). Unset, empty or not a positive
/// number: nothing happens.
enum FaultInjection {
    /// The image on which the process dies, nil when the hook is off.
    static let exitAfter: Int? = ProcessInfo.processInfo.environment["CAPTIONKIT_FAULT_EXIT_AFTER"]
        .flatMap { Int($0) }
        .flatMap { $0 >= 1 ? $0 : nil }

    /// Outcomes seen so far.
    private static let outcomes = Atomic<Int>(0)

    /// Counts one image outcome; dies on the K-th when the hook is on.
    static func outcomeReady() {
        guard let exitAfter else { return }
        if outcomes.add(1, ordering: .relaxed).newValue >= exitAfter {
            kill(getpid(), SIGKILL)
        }
    }
}
