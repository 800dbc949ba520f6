import Foundation

/// One lock for the tests that touch the process-wide thread settings and for the tests that
/// compare two computations bit for bit.
///
/// `ComputeThreads.count` is process-wide, and a computation's last bits may depend on it
/// (GEMM blocks are cut by thread count; OpenBLAS's kernels can round the edge of a block
/// differently). Suites run in parallel, so without the lock a test that changes the setting
/// could make another test's two runs of the same computation differ in the last bit.
enum ThreadSettings {
    private static let lock = NSLock()

    /// Runs `body` while no other test holding the lock runs.
    static func exclusively<Result>(_ body: () throws -> Result) rethrows -> Result {
        lock.lock()
        defer { lock.unlock() }
        return try body()
    }
}
