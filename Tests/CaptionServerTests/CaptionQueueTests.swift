import Foundation
import Testing
@testable import CaptionServer

/// The fixed pool and its bounded queue; 503 with Retry-After when it is full.
@Suite struct CaptionQueueTests {
    /// A gate that blocks worker threads until opened.
    final class Gate: @unchecked Sendable {
        private let condition = NSCondition()
        private var open = false
        private(set) var entered = 0

        func wait() {
            condition.lock()
            entered += 1
            condition.broadcast()
            while !open { condition.wait() }
            condition.unlock()
        }

        func waitUntilEntered(_ count: Int) {
            condition.lock()
            while entered < count { condition.wait() }
            condition.unlock()
        }

        func release() {
            condition.lock()
            open = true
            condition.broadcast()
            condition.unlock()
        }
    }

    @Test func runsEveryJobAndRefusesPastCapacity() async throws {
        let queue = CaptionQueue(workers: 2, capacity: 1)
        let gate = Gate()
        let first = Task { try await queue.submit { gate.wait(); return 1 } }
        let second = Task { try await queue.submit { gate.wait(); return 2 } }
        try await RawHTTPConnection.offloaded { gate.waitUntilEntered(2) }
        let third = Task { try await queue.submit { 3 } }  // waits: the one free place
        while queue.depth < 3 { try await Task.sleep(for: .milliseconds(5)) }
        await #expect(throws: CaptionQueue.Refusal.full) { try await queue.submit { 4 } }
        gate.release()
        let results = try await [first.value, second.value, third.value]
        #expect(results == [1, 2, 3])
        queue.shutdown()
        await #expect(throws: CaptionQueue.Refusal.closed) { try await queue.submit { 5 } }
    }

    @Test func shutdownFinishesQueuedJobs() async throws {
        let queue = CaptionQueue(workers: 1, capacity: 4)
        let gate = Gate()
        let tasks = (0..<3).map { index in Task { try await queue.submit { gate.wait(); return index } } }
        try await RawHTTPConnection.offloaded { gate.waitUntilEntered(1) }
        while queue.depth < 3 { try await Task.sleep(for: .milliseconds(5)) }
        gate.release()
        try await RawHTTPConnection.offloaded { queue.shutdown() }
        var results: [Int] = []
        for task in tasks { results.append(try await task.value) }
        #expect(results == [0, 1, 2])
    }

    @Test func fullQueueIsAnswered503WithRetryAfter() async throws {
        let configuration = ServerConfiguration(workers: 1, queueCapacity: 0)
        try await LiveServer.with(configuration) { port, service in
            let gate = Gate()
            let blocker = Task { try await service.queue.submit { gate.wait() } }
            try await RawHTTPConnection.offloaded { gate.waitUntilEntered(1) }
            let answer = try await BadInputTests.post(port, try BadInputTests.png.get(), contentType: "image/png")
            #expect(answer.status == 503, "\(answer.text)")
            #expect(answer.errorCode == "queue_full")
            #expect(answer.headers["retry-after"] == "1")
            let metrics = try await RawHTTPConnection.request(port: port, path: "/metrics")
            #expect(metrics.text.contains("captionkit_queue_depth 1"), "\(metrics.text)")
            gate.release()
            try await blocker.value
            try await BadInputTests.expectStillServing(port)
        }
    }
}
