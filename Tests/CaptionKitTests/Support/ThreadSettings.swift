import Foundation

/// One lock for the tests that touch the process-wide thread settings and for the tests that
/// compare two computations bit for bit.
///
/// `ComputeThreads.count` and OpenBLAS's thread count are process-wide (and
/// `ComputeThreads.forEachJob` sets OpenBLAS to one thread while its jobs run); OpenBLAS may
/// round a GEMM differently with another thread count. Suites run in parallel, so without the
/// lock a test that changes the setting could make another test's two runs of the same
/// computation differ in the last bit.
enum ThreadSettings {
    private static let lock = NSLock()

    /// Runs `body` while no other test holding the lock runs.
    static func exclusively<Result>(_ body: () throws -> Result) rethrows -> Result {
        lock.lock()
        defer { lock.unlock() }
        return try body()
    }
}
