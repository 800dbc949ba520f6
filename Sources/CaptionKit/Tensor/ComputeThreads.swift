import COpenBLAS
import Dispatch
import Synchronization
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// How many threads CaptionKit's numerical work uses: OpenBLAS's GEMM threads and the
/// library's own parallel loops (`ComputeThreads.parallelFor`). The default is every core.
///
/// Two ways to use the threads: split each kernel's loops (`parallelFor`, and OpenBLAS's own
/// threads), which suits one large piece of work; or run independent jobs side by side, one
/// per thread, each single-threaded inside (`forEachJob`), which suits many small ones (a
/// batch of images: the decoder's per-step kernels are too small to split well).
public enum ComputeThreads {
    private static let configured = Mutex<Int?>(nil)
    /// Marks the threads `forEachJob` runs jobs on: their `parallelFor` calls run inline.
    private static let jobThreadKey: pthread_key_t = {
        var key = pthread_key_t()
        pthread_key_create(&key, nil)
        return key
    }()

    /// The number of threads in use; setting it (clamped to at least 1) also sets OpenBLAS's.
    public static var count: Int {
        get { configured.withLock { $0 } ?? availableCores }
        set {
            let value = max(1, newValue)
            configured.withLock { $0 = value }
            openblas_set_num_threads(Int32(value))
        }
    }

    /// The number of cores the operating system reports as active.
    public static var availableCores: Int {
        max(1, ProcessInfoCores.active)
    }

    /// Runs `body` over `0..<total` split into at most `count` contiguous chunks that run in
    /// parallel; each call of `body` receives one chunk. Runs inline for a single chunk.
    /// Inside a `forEachJob` job everything runs inline on the job's thread.
    public static func parallelFor(_ total: Int, minimumChunk: Int = 1, _ body: (Range<Int>) -> Void) {
        guard total > 0 else { return }
        let chunks = isJobThread ? 1 : min(count, max(1, total / max(1, minimumChunk)))
        if chunks == 1 {
            body(0..<total)
            return
        }
        withoutActuallyEscaping(body) { body in
            // Chunks are disjoint; callers only write to their own chunk's part of the output.
            nonisolated(unsafe) let chunkBody = body
            DispatchQueue.concurrentPerform(iterations: chunks) { chunk in
                let start = total * chunk / chunks
                let end = total * (chunk + 1) / chunks
                chunkBody(start..<end)
            }
        }
    }

    /// Runs `body(index)` for every index in `0..<total`, at most `count` at a time, each on
    /// one thread: while the jobs run, OpenBLAS is single-threaded and `parallelFor` runs
    /// inline, so every job keeps its own core busy. Jobs are handed out one at a time in
    /// index order as threads become free. With one thread or one job they run in order on
    /// the calling thread with the usual splitting inside. Returns when all have finished.
    ///
    /// OpenBLAS's thread count is process-wide: other threads' GEMMs run single-threaded too
    /// until this returns.
    public static func forEachJob(_ total: Int, _ body: (Int) -> Void) {
        let workers = min(count, total)
        guard workers > 1, !isJobThread else {
            for index in 0..<total { body(index) }
            return
        }
        openblas_set_num_threads(1)
        defer { openblas_set_num_threads(Int32(count)) }
        let next = Mutex(0)
        withoutActuallyEscaping(body) { body in
            // Each index is claimed once under the lock; jobs write only their own results.
            nonisolated(unsafe) let jobBody = body
            DispatchQueue.concurrentPerform(iterations: workers) { _ in
                pthread_setspecific(jobThreadKey, UnsafeRawPointer(bitPattern: 1))
                defer { pthread_setspecific(jobThreadKey, nil) }
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

    /// Whether the current thread is running a `forEachJob` job.
    static var isJobThread: Bool {
        pthread_getspecific(jobThreadKey) != nil
    }
}
