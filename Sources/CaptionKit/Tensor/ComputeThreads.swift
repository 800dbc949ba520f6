import COpenBLAS
import Dispatch
import Synchronization
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// How many threads CaptionKit's numerical work uses: the library's parallel loops
/// (`ComputeThreads.parallelFor`) and the GEMMs, which `GEMM.multiply` splits into
/// independent blocks over the same threads. The default is every core.
///
/// OpenBLAS itself always runs single-threaded, on the calling thread: its own pool spins
/// (`sched_yield`) between calls, which on a shared machine burned a third of a one-image
/// process's CPU time in system calls and slowed the thread doing the work.
///
/// Two ways to use the threads: split each kernel's loops (`parallelFor`), which suits one
/// large piece of work; or run independent jobs side by side, one per thread, each
/// single-threaded inside (`forEachJob`), which suits many small ones (a batch of images: the
/// decoder's per-step kernels are too small to split well). Work started inside a
/// `parallelFor` chunk or a job runs inline, so nesting never oversubscribes the cores.
public enum ComputeThreads {
    private static let configured = Mutex<Int?>(nil)
    /// Marks threads running a `parallelFor` chunk or a `forEachJob` job.
    private static let workerKey: pthread_key_t = {
        var key = pthread_key_t()
        pthread_key_create(&key, nil)
        return key
    }()
    /// Sets OpenBLAS to one thread, once, before the first GEMM.
    static let singleThreadedBLAS: Void = openblas_set_num_threads(1)

    /// The number of threads in use (at least 1).
    public static var count: Int {
        get { configured.withLock { $0 } ?? availableCores }
        set {
            let value = max(1, newValue)
            configured.withLock { $0 = value }
        }
    }

    /// The number of cores the operating system reports as active.
    public static var availableCores: Int {
        max(1, ProcessInfoCores.active)
    }

    /// Runs `body` over `0..<total` split into at most `count` contiguous chunks that run in
    /// parallel; each call of `body` receives one chunk. Runs inline for a single chunk, and
    /// inside another `parallelFor` chunk or a `forEachJob` job.
    public static func parallelFor(_ total: Int, minimumChunk: Int = 1, _ body: (Range<Int>) -> Void) {
        guard total > 0 else { return }
        let chunks = isWorkerThread ? 1 : min(count, max(1, total / max(1, minimumChunk)))
        if chunks == 1 {
            body(0..<total)
            return
        }
        withoutActuallyEscaping(body) { body in
            // Chunks are disjoint; callers only write to their own chunk's part of the output.
            nonisolated(unsafe) let chunkBody = body
            DispatchQueue.concurrentPerform(iterations: chunks) { chunk in
                asWorker {
                    chunkBody((total * chunk / chunks)..<(total * (chunk + 1) / chunks))
                }
            }
        }
    }

    /// Runs `body` with the current thread marked as a worker (restored afterwards).
    private static func asWorker(_ body: () -> Void) {
        let previous = pthread_getspecific(workerKey)
        pthread_setspecific(workerKey, UnsafeRawPointer(bitPattern: 1))
        defer { pthread_setspecific(workerKey, previous) }
        body()
    }

    /// Runs `body(index)` for every index in `0..<total`, at most `count` at a time, each on
    /// one thread with everything inside it inline (`parallelFor`, GEMMs), so every job keeps
    /// its own core busy. Jobs are handed out one at a time in index order as threads become
    /// free. With one thread or one job they run in order on the calling thread with the
    /// usual splitting inside. Returns when all have finished.
    public static func forEachJob(_ total: Int, _ body: (Int) -> Void) {
        let workers = min(count, total)
        guard workers > 1, !isWorkerThread else {
            for index in 0..<total { body(index) }
            return
        }
        let next = Mutex(0)
        withoutActuallyEscaping(body) { body in
            // Each index is claimed once under the lock; jobs write only their own results.
            nonisolated(unsafe) let jobBody = body
            DispatchQueue.concurrentPerform(iterations: workers) { _ in
                asWorker {
                    while true {
                        let index = next.withLock { value in
                            defer { value += 1 }
                            return value
                        }
                        guard index < total else { return }
                        jobBody(index)
                    }
                }
            }
        }
    }

    /// Whether the current thread runs a `parallelFor` chunk or a `forEachJob` job.
    static var isWorkerThread: Bool {
        pthread_getspecific(workerKey) != nil
    }
}
