import Foundation

/// A fixed pool of captioning threads fed by a bounded queue: `workers` threads each take
/// the oldest waiting job and run it to completion (one image per thread, as
/// `Captioner.captions` does), so at most `workers` images are captioned at once. When
/// `capacity` jobs are already waiting, `submit` refuses at once instead of queueing.
///
/// Jobs are synchronous closures (captioning is CPU-bound and must not occupy Swift's
/// cooperative threads); `submit` suspends the caller until its job has run.
public final class CaptionQueue: @unchecked Sendable {
    /// Why a job was not run.
    public enum Refusal: Error, Equatable {
        /// `capacity` jobs are already waiting.
        case full
        /// `shutdown()` was called.
        case closed
    }

    /// The most jobs that wait (not counting those being run).
    public let capacity: Int
    /// The number of worker threads.
    public let workers: Int

    private let condition = NSCondition()
    private var pending: [() -> Void] = []  // guarded by condition; a ring would save a copy, the queue is short
    private var running = 0  // guarded by condition
    private var closed = false  // guarded by condition
    private var exited = 0  // guarded by condition
    private let depthChanged: @Sendable (Int) -> Void

    /// Starts `workers` threads. `depthChanged` is told the number of jobs waiting or
    /// running each time it changes (for the queue-depth gauge).
    public init(workers: Int, capacity: Int, depthChanged: @escaping @Sendable (Int) -> Void = { _ in }) {
        self.workers = max(1, workers)
        self.capacity = max(0, capacity)
        self.depthChanged = depthChanged
        for index in 0..<self.workers {
            let thread = Thread { [self] in work() }
            thread.name = "caption-worker-\(index)"
            // The encoder's convolutions and the search run on these threads.
            thread.stackSize = 8 << 20
            thread.start()
        }
    }

    /// Jobs waiting or running now.
    public var depth: Int {
        condition.lock()
        defer { condition.unlock() }
        return pending.count + running
    }

    /// Runs `job` on a worker and returns its result.
    /// - Throws: `Refusal.full` at once when `capacity` jobs are waiting; `Refusal.closed`
    ///   after `shutdown()`; whatever `job` throws.
    public func submit<T: Sendable>(_ job: @escaping @Sendable () throws -> T) async throws -> T {
        try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<T, any Error>) in
            condition.lock()
            if closed {
                condition.unlock()
                continuation.resume(throwing: Refusal.closed)
                return
            }
            // A free worker takes the job at once, so it never counts as waiting.
            let idle = workers - running - pending.count
            guard idle > 0 || pending.count < capacity else {
                condition.unlock()
                continuation.resume(throwing: Refusal.full)
                return
            }
            pending.append {
                continuation.resume(with: Result { try job() })
            }
            let depth = pending.count + running
            condition.signal()
            condition.unlock()
            depthChanged(depth)
        }
    }

    /// Stops taking jobs; the ones already queued still run. Returns once every worker has
    /// finished its last job and exited.
    public func shutdown() {
        condition.lock()
        closed = true
        condition.broadcast()
        while exited < workers {
            condition.wait()
        }
        condition.unlock()
    }

    private func work() {
        condition.lock()
        while true {
            while pending.isEmpty && !closed {
                condition.wait()
            }
            if pending.isEmpty {
                // Closed and nothing left to do.
                exited += 1
                condition.broadcast()
                condition.unlock()
                return
            }
            let job = pending.removeFirst()
            running += 1
            condition.unlock()
            job()
            condition.lock()
            running -= 1
            let depth = pending.count + running
            condition.unlock()
            depthChanged(depth)
            condition.lock()
        }
    }
}
