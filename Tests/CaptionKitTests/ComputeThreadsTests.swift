import Foundation
import Synchronization
import Testing
@testable import CaptionKit

/// `ComputeThreads.forEachJob` and the batch APIs built on it. Serialized, and under
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
            let isJobThread = ComputeThreads.isJobThread
            runs.withLock { $0[index] += 1 }
            chunks.withLock { $0[index] = pieces }
            insideJobs.withLock { $0 = $0 && (isJobThread == (threads > 1)) }
        }
        #expect(runs.withLock { $0 } == [Int](repeating: 1, count: 37))
        // Inside a job parallelFor runs inline; with one thread forEachJob is a plain loop.
        #expect(chunks.withLock { $0 } == [Int](repeating: 1, count: 37))
        #expect(insideJobs.withLock { $0 })
        #expect(!ComputeThreads.isJobThread)
    }

    @Test("files are captioned as one image at a time; a bad file is an error in its place")
    func captionFiles() throws {
        try ThreadSettings.exclusively { try captionFilesWithTwoThreads() }
    }

    private func captionFilesWithTwoThreads() throws {
        let saved = ComputeThreads.count
        defer { ComputeThreads.count = saved }
        ComputeThreads.count = 2
        let captioner = try Captioner(modelAt: Fixtures.url("models/plain"))
        let image = ReferenceModel("plain").referenceURL.appendingPathComponent("image.png").path
        let other = ReferenceModel("pooled-odd").referenceURL.appendingPathComponent("image.png").path
        let missing = FileManager.default.temporaryDirectory.appendingPathComponent("captionkit-missing-\(UUID()).png").path
        let results = try captioner.captions(imagesAt: [image, missing, other, image])
        #expect(results.count == 4)
        for (index, path) in [(0, image), (2, other), (3, image)] {
            let single = try captioner.caption(imageAt: path)
            let batch = try results[index].get()
            #expect(batch.tokens == single.tokens)
            #expect(abs(batch.score - single.score) < 1e-4)
        }
        #expect(throws: CaptionError.self) { try results[1].get() }
    }
}
