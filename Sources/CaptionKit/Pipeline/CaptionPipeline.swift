import Foundation

/// Ordered streaming over worker threads: `workerCount` threads each take the next input
/// (numbered in the order taken), process it, and hand the result back; results are emitted
/// strictly in input order, each as soon as it and every result before it are ready, while
/// later inputs are still being processed.
///
/// Bounded: a worker does not start input `i` until input `i - window` has been emitted, so
/// at most `window` results wait in the reorder buffer however slow one input is.
///
/// Locking: `source` is pulled under `inputLock` only (a pull may block on standard input
/// without holding up output); the reorder buffer and `emit` run under `outputCondition`,
/// so `emit` is called from one thread at a time, in order.
///
/// Used by the `caption` command (printing captions as they come) and `caption-eval run`
/// (journaling results as they come).
public final class CaptionPipeline<Input, Output>: @unchecked Sendable {
    private let workerCount: Int
    private let window: Int
    private let process: (Input) -> Output
    private let emit: (Output) -> Void

    private let inputLock = NSLock()
    private var source: AnyIterator<Input>  // guarded by inputLock
    private var taken = 0  // guarded by inputLock

    private let outputCondition = NSCondition()
    private var ready: [Int: Output] = [:]  // guarded by outputCondition
    private var emitted = 0  // guarded by outputCondition

    /// A pipeline over `source`. `process` runs on the worker threads (concurrently with
    /// itself); `emit` receives the results in input order.
    /// - Precondition: `workerCount` and `window` are at least 1.
    public init(source: some IteratorProtocol<Input>, workerCount: Int, window: Int,
         process: @escaping (Input) -> Output, emit: @escaping (Output) -> Void) {
        precondition(workerCount >= 1 && window >= 1, "pipeline needs a worker and a window, got \(workerCount), \(window)")
        var iterator = source
        self.source = AnyIterator { iterator.next() }
        self.workerCount = workerCount
        self.window = window
        self.process = process
        self.emit = emit
    }

    /// Runs until the source is exhausted and every result has been emitted.
    public func run() {
        let group = DispatchGroup()
        for _ in 0..<workerCount {
            group.enter()
            let thread = Thread { [self] in
                work()
                group.leave()
            }
            // The encoder's convolutions and the search run on these threads.
            thread.stackSize = 8 << 20
            thread.start()
        }
        group.wait()
    }

    /// One worker: take, wait for room in the window, process, deliver; until the source ends.
    private func work() {
        while let (index, input) = take() {
            waitForRoom(index)
            deliver(process(input), at: index)
        }
    }

    /// The next input and its number, or nil at the end.
    private func take() -> (Int, Input)? {
        inputLock.lock()
        defer { inputLock.unlock() }
        guard let input = source.next() else { return nil }
        taken += 1
        return (taken - 1, input)
    }

    /// Blocks until input `index` is less than `window` ahead of the next result to emit.
    /// The lowest unfinished input never waits, so the pipeline always progresses.
    private func waitForRoom(_ index: Int) {
        outputCondition.lock()
        while index - emitted >= window {
            outputCondition.wait()
        }
        outputCondition.unlock()
    }

    /// Stores a result and emits every result that is now next in order.
    private func deliver(_ output: Output, at index: Int) {
        outputCondition.lock()
        ready[index] = output
        while let next = ready.removeValue(forKey: emitted) {
            emit(next)
            emitted += 1
        }
        outputCondition.broadcast()
        outputCondition.unlock()
    }
}
