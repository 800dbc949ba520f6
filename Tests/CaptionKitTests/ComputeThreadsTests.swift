import Foundation
import Synchronization
import Testing
@testable import CaptionKit

/// `ComputeThreads.forEachJob` (which `Captioner.captions(_:)` uses; its parity with single
/// images is in ModelParityTests). Serialized, and under
/// `ThreadSettings`' lock, because `ComputeThreads.count` and OpenBLAS's threads are process-wide.
@Suite("ComputeThreads: one job per thread", .serialized)
struct ComputeThreadsTests {
    @Test("every job runs exactly once, single-threaded inside, with 1, 2 and 3 threads", arguments: [1, 2, 3])
    func jobsRunOnce(threads: Int) {
        ThreadSettings.exclusively { runJobs(threads: threads) }
    }

    private func runJobs(threads: Int) {
        let saved = ComputeThreads.count
        defer { ComputeThreads.count = saved }
        ComputeThreads.count = threads
        let runs = Mutex([Int](repeating: 0, count: 37))
        let chunks = Mutex([Int](repeating: 0, count: 37))
        let insideJobs = Mutex(true)
        ComputeThreads.forEachJob(37) { index in
            var pieces = 0
            ComputeThreads.parallelFor(1000) { _ in pieces += 1 }
            let isWorkerThread = ComputeThreads.isWorkerThread
            runs.withLock { $0[index] += 1 }
            chunks.withLock { $0[index] = pieces }
            insideJobs.withLock { $0 = $0 && (isWorkerThread == (threads > 1)) }
        }
        #expect(runs.withLock { $0 } == [Int](repeating: 1, count: 37))
        // Inside a job parallelFor runs inline; with one thread forEachJob is a plain loop.
        #expect(chunks.withLock { $0 } == [Int](repeating: 1, count: 37))
        #expect(insideJobs.withLock { $0 })
        #expect(!ComputeThreads.isWorkerThread)
    }
}
