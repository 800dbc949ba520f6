import COpenBLAS
import Dispatch
import Synchronization

/// How many threads CaptionKit's numerical work uses: OpenBLAS's GEMM threads and the
/// library's own parallel loops (`ComputeThreads.parallelFor`). The default is every core.
public enum ComputeThreads {
    private static let configured = Mutex<Int?>(nil)

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
    public static func parallelFor(_ total: Int, minimumChunk: Int = 1, _ body: (Range<Int>) -> Void) {
        guard total > 0 else { return }
        let chunks = min(count, max(1, total / max(1, minimumChunk)))
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
}
